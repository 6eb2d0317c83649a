"""Counters for ``/metrics`` (Prometheus' text format), kept in this process.

Every metric here is **per instance**: each process counts what it served, and Prometheus
scrapes every instance and adds them up (``sum by (route) (rate(...))``). Counts kept in
the database, the same whichever instance is asked, are added at scrape time by the
endpoint (``server/system/metrics.py``) and say so in their help text.

Labels never hold a person: routes are templates (``/api/admin/people/{person_id}``,
never the id), methods are from a fixed list and statuses are classes (``2xx``).
"""

from __future__ import annotations

import time
from collections import Counter as Tally
from collections.abc import Iterable, Iterator

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from server.lib.request_context import route_template

# The classic text format (0.0.4), which every Prometheus version reads.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
PER_INSTANCE = "Per instance: counted by this process alone; scrape every instance and sum."

disable_created_metrics()  # no `_created` series: they only double the output
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

REQUESTS = Counter(
    "tend_http_requests",
    f"HTTP requests answered, by route template, method and status class. {PER_INSTANCE}",
    ["route", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "tend_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template, method "
    f"and status class. {PER_INSTANCE}",
    ["route", "method", "status"],
    registry=REGISTRY,
)
SYNC_MUTATIONS = Counter(
    "tend_sync_mutations",
    "Pushed sync changes by result: applied, duplicate (already applied: a retry) or "
    f"conflict (made on an older version). Counted once their push is saved. {PER_INSTANCE}",
    ["result"],
    registry=REGISTRY,
)
for _result in ("applied", "duplicate", "conflict"):
    SYNC_MUTATIONS.labels(_result)


def count_mutations(results: Iterable[str]) -> None:
    """Count a saved push's results (``applied``, ``duplicate``, ``conflict``)."""
    for result, count in Tally(results).items():
        SYNC_MUTATIONS.labels(result).inc(count)


class _Scrape(Collector):
    """This process's metrics and, after them, the ones read for this scrape."""

    def __init__(self, extra: Iterable[Metric]) -> None:
        self.extra = list(extra)

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
        yield from self.extra


def render(extra: Iterable[Metric] = ()) -> bytes:
    """Every metric, in Prometheus' text format."""
    return generate_latest(_Scrape(extra))


class RequestMetricsMiddleware:
    """Counts and times every HTTP response (unmatched ones as ``<unmatched>``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None  # none sent: the client went before an answer began

        async def send_counting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            labels = (route_template(scope), method, f"{status // 100}xx" if status else "none")
            REQUESTS.labels(*labels).inc()
            LATENCY.labels(*labels).observe(time.perf_counter() - started)
