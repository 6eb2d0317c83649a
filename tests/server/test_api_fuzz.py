"""Schemathesis against the app's own OpenAPI schema, as each role and as nobody: no
request may cause a 5xx, and every response must be one the schema declares (status
code, content type and body).

The app runs in-process (Schemathesis' ASGI transport, on an event loop of its own);
the people are made beforehand, through the API as the PWA does, by another instance of
the app on the same database, so their sessions are simply rows the fuzzed app reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from tempfile import TemporaryDirectory

import pytest
import schemathesis
from hypothesis import settings
from litestar import Litestar
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import get_client, shutdown_lifespans

from server.accounts.sessions import CSRF_HEADER, cookie_name
from server.app import create_app
from server.settings import Settings, load_settings
from tests.server.accounts.helpers import Browser, join, set_up
from tests.server.asgi import running

# Per operation and role: enough to reach each operation's validation, not-found and
# success paths, while the whole file takes about a minute on two cores. Signed out,
# almost every operation stops at "please sign in", so a few examples show that.
MAX_EXAMPLES = 8
MAX_EXAMPLES_SIGNED_OUT = 3
SEED = 20_261_111

# Operations that would end or change the fuzzer's own session or account (the rest of
# the run would then test only "please sign in"). Operations on other people take ids
# in the path, which the fuzzer cannot guess, so they stay in.
SELF_DESTRUCTIVE = [
    "POST /api/auth/sign-out",
    "PUT /api/account/password",
    "POST /api/account/delete",
]

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]

CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    # No links are declared for the stateful phase; the coverage phase's boundary cases
    # would double the run time (unexpected methods are tested below instead).
    "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": False}},
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
}


@dataclass(frozen=True)
class Credentials:
    cookie: str = ""
    csrf: str = ""

    def headers(self, settings: Settings) -> dict[str, str]:
        if not self.cookie:
            return {}
        return {"cookie": f"{cookie_name(settings.accounts)}={self.cookie}", CSRF_HEADER: self.csrf}


@dataclass(frozen=True)
class Target:
    app: Litestar
    settings: Settings
    people: dict[str, Credentials]


def _credentials(browser: Browser, settings: Settings) -> Credentials:
    return Credentials(browser.client.cookies[cookie_name(settings.accounts)], browser.csrf)


async def _make_people(settings: Settings) -> dict[str, Credentials]:
    app = create_app(settings)
    async with running(app):
        admin = await set_up(app)
        supervisor = await join(
            app, admin, "Claire", "claire@example.org", ("supervisor", "worker"), "Oak House"
        )
        worker = await join(
            app, admin, "Jade", "jade@example.org", ("worker",), "Oak House", [supervisor.me["id"]]
        )
        people = {
            "admin": _credentials(admin, settings),
            "supervisor": _credentials(supervisor, settings),
            "worker": _credentials(worker, settings),
            "anonymous": Credentials(),
        }
        for browser in (admin, supervisor, worker):
            await browser.client.aclose()
    return people


@pytest.fixture(scope="module")
def target(new_database_url, tmp_path_factory) -> Iterator[Target]:
    settings = load_settings(
        environ={
            "TEND_DATA_DIR": str(tmp_path_factory.mktemp("fuzz") / "data"),
            "TEND_DATABASE_URL": new_database_url(),
            "TEND_DISPATCHER": "false",
        },
        env_file=None,
    )
    # In a thread of its own: this fixture may be set up while an event loop is running.
    with ThreadPoolExecutor(1) as pool:
        people = pool.submit(asyncio.run, _make_people(settings)).result()
    yield Target(create_app(settings), settings, people)
    shutdown_lifespans()  # the fuzzed app's, so its database closes before it is dropped


@pytest.fixture(scope="module", params=["admin", "supervisor", "worker"])
def role(request) -> str:
    return request.param


def _openapi_document() -> dict:
    """What the app serves at /schema/openapi.json (no database needed to build it)."""
    with TemporaryDirectory() as directory:
        settings = load_settings(
            environ={"TEND_DATA_DIR": directory, "TEND_DATABASE_URL": f"sqlite:///{directory}/x"},
            env_file=None,
        )
        return create_app(settings).openapi_schema.to_schema()


# Loaded when the module is collected, so each operation is a test of its own (and
# xdist can spread them); requests go to the fixture's app, in-process.
schema = schemathesis.openapi.from_dict(
    _openapi_document(), config=SchemathesisConfig.from_dict(CONFIG)
).exclude(name=SELF_DESTRUCTIVE)


@schema.parametrize()
def test_api_answers_as_its_schema_says(case, target: Target, role: str) -> None:
    headers = target.people[role].headers(target.settings)
    case.call_and_validate(app=target.app, headers=headers, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES_SIGNED_OUT)
def test_api_answers_as_its_schema_says_signed_out(case, target: Target) -> None:
    case.call_and_validate(app=target.app, checks=CHECKS)


@pytest.mark.parametrize("role", ["admin", "worker", "anonymous"])
def test_options_on_a_guarded_route_is_not_a_server_error(target: Target, role: str) -> None:
    """Authentication skips OPTIONS, so the guards must not assume it ran."""
    with get_client(target.app) as client:
        response = client.options(
            "/api/admin/teams", headers=target.people[role].headers(target.settings)
        )
    assert response.status_code < 500, response.text


@pytest.mark.parametrize("role", ["admin", "supervisor", "worker"])
def test_the_fuzzer_is_signed_in(target: Target, role: str) -> None:
    """Otherwise every fuzzed request would only meet "please sign in"."""
    with get_client(target.app) as client:
        response = client.get("/api/session", headers=target.people[role].headers(target.settings))
    assert response.status_code == 200, response.text
    assert role in response.json()["me"]["roles"]
