"""The one JSON error shape for the whole API, and the handlers that produce it."""

from __future__ import annotations

import logging
from http import HTTPStatus

import msgspec
from litestar import Litestar, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from server.lib.request_context import request_id_of

logger = logging.getLogger("tend.errors")

_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
_MESSAGES = {
    401: "Please sign in to continue.",
    403: "This is not part of what you can do in Tend.",
    404: "There is nothing here.",
    405: "This address does not accept that method.",
    413: "That request is too large.",
    500: "Something went wrong on our side. Nothing you did caused this.",
    503: "Tend can't reach the place it keeps things just now. Please try again in a "
    "moment. Nothing you did caused this.",
}


class ErrorDetail(msgspec.Struct, frozen=True):
    """What is wrong with one field of the request."""

    field: str
    message: str


class ErrorBody(msgspec.Struct, frozen=True, omit_defaults=True):
    """Every API error looks like this."""

    status: int
    code: str
    message: str
    request_id: str
    details: list[ErrorDetail] = []


class AppError(Exception):
    """An error a service raises on purpose, with a message fit for a person."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        code: str | None = None,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.details = details or []
        self.headers = headers or {}


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ErrorBody]:
    body = ErrorBody(
        status=status,
        code=code,
        message=message,
        request_id=request_id_of(request.scope),
        details=details or [],
    )
    # An error belongs to its moment: never kept by a browser or a proxy.
    headers = {"cache-control": "no-store", **(headers or {})}
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def handle_app_error(request: Request, error: AppError) -> Response[ErrorBody]:
    return error_response(
        request, error.status, error.code, error.message, error.details, error.headers
    )


def handle_http_exception(request: Request, error: HTTPException) -> Response[ErrorBody]:
    """Litestar's own errors: unknown routes, bad JSON, failed validation, oversized bodies."""
    status = error.status_code
    if status >= 500:
        return handle_unexpected(request, error)
    if isinstance(error, ValidationException):
        details = [_detail(item) for item in error.extra or [] if isinstance(item, dict)]
        return error_response(
            request, 422, "validation_error", "Some of what was sent is not valid.", details
        )
    if status == 400 and _caused_by_bad_json(error):
        return error_response(request, 400, "malformed_json", "The request body is not valid JSON.")
    message = _MESSAGES.get(status) or HTTPStatus(status).phrase + "."
    headers = {
        k: v for k, v in (error.headers or {}).items() if k.lower() in {"allow", "retry-after"}
    }
    return error_response(request, status, _CODES.get(status, "error"), message, headers=headers)


def handle_unexpected(request: Request, error: Exception) -> Response[ErrorBody]:
    """Log the traceback on the server; tell the client only that it failed, and its id.
    A database that cannot be reached just now is a 503 to try again, not a 500."""
    from server.lib.db import unavailable

    if unavailable(error):
        logger.warning(
            "storage unavailable",
            exc_info=error,
            extra={"fields": {"error": type(error).__name__}},
        )
        return error_response(
            request, 503, "unavailable", _MESSAGES[503], headers={"Retry-After": "5"}
        )
    logger.error("unhandled error", exc_info=error)
    return error_response(request, 500, "internal_error", _MESSAGES[500])


def _caused_by_bad_json(error: BaseException) -> bool:
    cause = error.__cause__ or error.__context__
    while cause is not None:
        if isinstance(cause, msgspec.DecodeError):
            return True
        cause = cause.__cause__ or cause.__context__
    return "JSON is malformed" in str(error)


def _detail(item: dict) -> ErrorDetail:
    source, key = item.get("source") or "body", item.get("key") or ""
    field = source if key in ("", "data") else f"{source}.{key}"
    return ErrorDetail(field=field, message=str(item.get("message", "is not valid")))


EXCEPTION_HANDLERS = {
    AppError: handle_app_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}


# What the OpenAPI schema says any API operation may answer besides its success, all in
# the one error shape (a handler's own ``responses=`` wins for its status codes).
API_ERROR_RESPONSES = {
    400: "The request could not be read (for example, malformed JSON).",
    401: "No live session, or credentials that do not match.",
    403: "Not allowed: a role this person does not have, another site, or no CSRF token.",
    404: "Nothing here, or nothing this person may see.",
    409: "The request conflicts with the current state.",
    410: "A one-time link or code that has expired or was already used.",
    413: "The request body is too large.",
    422: "Some of what was sent is not valid.",
    429: "Too many attempts; Retry-After says when one more would be allowed.",
    500: "Something went wrong on the server; the request id finds it in the log.",
    503: "The database (or Redis) cannot be reached just now; Retry-After says when to retry.",
}


def declare_error_responses(app: Litestar, path_prefix: str = "/api/") -> None:
    """Declare the error shape in the OpenAPI schema for every operation under
    ``path_prefix`` (instead of Litestar's own, which the API never sends)."""
    specs = {
        status: ResponseSpec(ErrorBody, description=description, generate_examples=False)
        for status, description in API_ERROR_RESPONSES.items()
    }
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path.startswith(path_prefix):
            for handler in route.route_handlers:
                handler.responses = {**specs, **(handler.responses or {})}
