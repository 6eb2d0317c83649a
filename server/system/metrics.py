"""``/metrics`` for Prometheus, behind a bearer token; absent unless one is set.

This process's counters come from ``server/lib/metrics.py``; push outcomes are read from
the database at each scrape, so they are the same on every instance.
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from litestar import Controller, Request, Response
from litestar.datastructures import State
from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric

from server.lib.errors import AppError
from server.lib.metrics import CONTENT_TYPE, render
from server.lib.routes import get
from server.reminders.health import outcome_totals
from server.settings import PushSettings

logger = logging.getLogger("tend.metrics")


def authorised(request: Request, token: str) -> bool:
    """Whether the request carries ``Authorization: Bearer <token>``."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def service_label(service: str, push: PushSettings) -> str:
    """The ``TEND_PUSH_HOSTS`` entry a push service falls under (``fcm.googleapis.com``),
    so the label has only the few values the operator chose; anything else is "other"."""
    host = (urlsplit(service).hostname or "").lower()
    for allowed in (h.strip().lower() for h in push.hosts.split(",")):
        if allowed and (host == allowed or host.endswith(f".{allowed}")):
            return allowed
    return "other"


async def push_outcomes(push: PushSettings) -> list[Metric]:
    """Push outcomes from the database (none if it cannot be read just now)."""
    try:
        totals = await outcome_totals()
    except Exception as error:
        logger.warning("push outcomes unread", extra={"fields": {"error": type(error).__name__}})
        return []
    family = CounterMetricFamily(
        "tend_push_outcomes",
        "Reminder pushes by push service and result (delivered, gone, retry, rejected), "
        "counted in the database: all instances together, the same on each; do not sum "
        "across instances.",
        labels=["service", "result"],
    )
    merged: dict[tuple[str, str], int] = {}
    for (service, result), count in totals.items():
        key = (service_label(service, push), result)
        merged[key] = merged.get(key, 0) + count
    for (service, result), count in sorted(merged.items()):
        family.add_metric([service, result], count)
    return [family]


class MetricsController(Controller):
    """Registered only when ``TEND_METRICS_TOKEN`` is set."""

    include_in_schema = False

    @get("/metrics", response_headers={"cache-control": "no-store"})
    async def metrics(self, request: Request, state: State) -> Response[bytes]:
        """Prometheus' text format, for a scraper with the token."""
        if not authorised(request, state.settings.metrics.token):
            raise AppError(
                "Metrics need the bearer token set in TEND_METRICS_TOKEN.",
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="tend-metrics"'},
            )
        body = render(await push_outcomes(state.settings.push))
        return Response(body, media_type=CONTENT_TYPE)
