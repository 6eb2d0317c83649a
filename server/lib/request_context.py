"""Per-request id, carried in a context variable for logs and returned as ``X-Request-ID``.

Litestar runs application middleware only for requests that match a route, so this wraps
the app's outermost ASGI handler instead: every response, a 404 or 405 included, gets an
id, a header and one access-log line. The line names the route template (or
``<unmatched>``), never the path, the query string or the body.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
access_log = logging.getLogger("tend.access")

_TRUSTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
UNMATCHED = "<unmatched>"


def request_id_of(scope: Scope | dict[str, Any]) -> str:
    """The current request's id (made on first use, e.g. by a lifespan-less test)."""
    state = scope.setdefault("state", {})
    if "request_id" not in state:
        state["request_id"] = uuid.uuid4().hex
    return state["request_id"]


class RequestContextMiddleware:
    """Gives each HTTP request an id, echoes it in a header, and logs one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _TRUSTED_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "request",
                extra={
                    "fields": {
                        "request_id": request_id,
                        "method": scope["method"],
                        "route": route_template(scope),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                },
            )
            request_id_var.reset(token)


def route_template(scope: Scope) -> str:
    """The matched route's template; never the path itself, which may hold a token."""
    template = scope.get("path_template")
    if scope.get("route_handler") is not None and template:
        return str(template)
    return UNMATCHED
