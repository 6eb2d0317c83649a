"""``/metrics``: absent without a token, closed without the right one, and in Prometheus'
text format with request, sync and push counts labelled by templates, never by people."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from server.app import create_app
from server.org.tables import Organisation
from server.reminders.tables import PushOutcomeCount
from server.settings import SettingsError, load_settings
from tests.server.accounts.helpers import set_up
from tests.server.asgi import asgi_client, running
from tests.server.sync.test_sync import change, envelope, push

TOKEN = "0123456789abcdef" * 4  # fixed: xdist workers must collect the same test ids
AUTH = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(make_settings):
    return create_app(
        make_settings(
            TEND_DISPATCHER="false",
            TEND_PUSH_HOSTS="127.0.0.1,push.example.org,fcm.googleapis.com",
            TEND_METRICS_TOKEN=TOKEN,
        )
    )


async def scrape(client) -> list:
    """Every sample, parsed as Prometheus would."""
    response = await client.get("/metrics", headers=AUTH)
    assert response.status_code == 200, response.text
    return [s for f in text_string_to_metric_families(response.text) for s in f.samples]


def value(samples: list, name: str, **labels: str) -> float:
    return sum(
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


async def test_metrics_do_not_exist_without_a_token(make_settings):
    app = create_app(make_settings())
    async with running(app), asgi_client(app) as client:
        for headers in ({}, AUTH):
            response = await client.get("/metrics", headers=headers)
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"
        # Just as any unknown address that is not a page of the app.
        assert (await client.get("/no-such-thing")).json().keys() == response.json().keys()


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        "Bearer ü".encode(),
    ],
)
async def test_metrics_need_the_token(client, authorization):
    headers = {} if authorization is None else {"authorization": authorization}
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorised"
    assert body["request_id"] == response.headers["x-request-id"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "tend_" not in response.text


async def test_metrics_in_prometheus_text_format_with_the_usual_headers(client, caplog):
    caplog.set_level(logging.INFO, logger="tend.access")
    await client.get("/health")
    response = await client.get("/metrics", headers={"authorization": f"bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"]
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert families["tend_http_requests"].type == "counter"
    assert families["tend_http_request_duration_seconds"].type == "histogram"
    assert families["tend_sync_mutations"].type == "counter"
    assert "per instance" in families["tend_http_requests"].documentation.lower()
    samples = families["tend_http_requests"].samples
    assert value(samples, "tend_http_requests_total", route="/health", status="2xx") >= 1
    # The access log still names the route of every request, /metrics included.
    routes = [r.fields["route"] for r in caplog.records if r.name == "tend.access"]
    assert routes[-1] == "/metrics"


async def test_metrics_are_not_in_the_api_schema(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/metrics" not in schema["paths"]


async def test_a_sync_push_is_counted_by_result(client, worker):
    before = await scrape(client)
    record_id = uuid.uuid4()
    first = change(record_id)
    assert (await push(worker, first, change())).status_code == 200
    # A retry of the first (duplicate) and an edit made on an old version (conflict).
    answer = await push(worker, first, change(record_id, base=0))
    assert [r["status"] for r in answer.json()["results"]] == ["duplicate", "conflict"]
    after = await scrape(client)
    for result, expected in (("applied", 2), ("duplicate", 1), ("conflict", 1)):
        name = "tend_sync_mutations_total"
        delta = value(after, name, result=result) - value(before, name, result=result)
        assert delta == expected, result


async def test_a_push_that_is_not_saved_is_not_counted(make_settings):
    app = create_app(make_settings(TEND_METRICS_TOKEN=TOKEN, TEND_SYNC_QUOTA_BYTES="65536"))
    async with running(app), asgi_client(app) as client:
        admin = await set_up(app)
        before = await scrape(client)
        assert (await push(admin, change(ciphertext=envelope(40_000)))).status_code == 200
        full = await push(admin, change(ciphertext=envelope(40_000)))
        assert full.status_code == 413
        after = await scrape(client)
    name = "tend_sync_mutations_total"
    assert value(after, name, result="applied") - value(before, name, result="applied") == 1


async def test_requests_are_labelled_by_route_template_never_by_ids(client, admin, worker):
    # The counters are per process: other tests in this process counted before this one.
    before = await scrape(client)
    await worker.get("/api/sync/changes?cursor=&limit=5")
    person_id = worker.me["id"]
    assert (await admin.get(f"/api/admin/people/{person_id}")).status_code == 200
    await client.get(f"/no-such-page-{person_id}")
    await client.request("BREW", "/health")
    samples = await scrape(client)

    def counted(name: str, **labels: str) -> float:
        return value(samples, name, **labels) - value(before, name, **labels)

    name = "tend_http_requests_total"
    assert counted(name, route="/api/sync/changes", method="GET", status="2xx") == 1
    assert counted(name, route="/api/admin/people/{person_id}", method="GET") == 1
    assert counted(name, route="/{path}", method="GET", status="4xx") == 1
    assert counted(name, route="<unmatched>", method="other", status="4xx") == 1
    histogram = "tend_http_request_duration_seconds_count"
    assert counted(histogram, route="/api/sync/changes", method="GET") == 1

    personal = {person_id, worker.me["email"], admin.me["id"], admin.me["email"], "127.0.0.1"}
    for sample in samples:
        for label in sample.labels.values():
            assert not any(p in label for p in personal), sample
            assert "?" not in label


async def test_push_outcomes_are_read_from_the_database_for_all_instances(client, admin):
    organisation = await Organisation.select(Organisation.id).first()
    today = datetime.now(UTC).date()
    rows = [
        ("https://push.example.org", "delivered", 3),
        ("https://push.example.org", "gone", 1),
        ("https://eu.fcm.googleapis.com", "delivered", 2),
        ("https://fcm.googleapis.com", "delivered", 5),
        ("https://push.elsewhere.example", "rejected", 4),
    ]
    await PushOutcomeCount.insert(
        *(
            PushOutcomeCount(
                organisation=organisation["id"], day=today, service=s, result=r, count=n
            )
            for s, r, n in rows
        )
    )
    response = await client.get("/metrics", headers=AUTH)
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    outcomes = families["tend_push_outcomes"]
    assert outcomes.type == "counter"
    assert "all instances" in outcomes.documentation
    counts = {(s.labels["service"], s.labels["result"]): s.value for s in outcomes.samples}
    assert counts == {
        ("push.example.org", "delivered"): 3,
        ("push.example.org", "gone"): 1,
        ("fcm.googleapis.com", "delivered"): 7,
        ("other", "rejected"): 4,
    }


@pytest.mark.parametrize("token", ["short", "x" * 31, "has space " * 4, "ü" * 40])
def test_an_unusable_token_is_refused_without_showing_it(token):
    with pytest.raises(SettingsError) as raised:
        load_settings(environ={"TEND_METRICS_TOKEN": token}, env_file=None)
    message = str(raised.value)
    assert message.startswith("TEND_METRICS_TOKEN='***' is not valid: use a random token")
    assert token not in message
