"""Drive the accounts API as the PWA does, with key material made up of random bytes
(the server cannot tell: it only ever sees derived keys and ciphertext)."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from litestar import Litestar

from server.org.setup import new_setup_link
from tests.server.asgi import asgi_client


def b64(n: int) -> str:
    return base64.urlsafe_b64encode(os.urandom(n)).rstrip(b"=").decode()


@dataclass
class Keys:
    """What a browser would derive for one password and one recovery code."""

    salt: str = field(default_factory=lambda: b64(16))
    auth_key: str = field(default_factory=lambda: b64(32))
    wrapped_data_key: str = field(default_factory=lambda: b64(60))
    recovery_salt: str = field(default_factory=lambda: b64(16))
    recovery_auth_key: str = field(default_factory=lambda: b64(32))
    recovery_wrapped_key: str = field(default_factory=lambda: b64(60))

    def password(self) -> dict:
        return {
            "salt": self.salt,
            "iterations": 600_000,
            "auth_key": self.auth_key,
            "wrapped_data_key": self.wrapped_data_key,
        }

    def recovery(self) -> dict:
        return {
            "salt": self.recovery_salt,
            "auth_key": self.recovery_auth_key,
            "wrapped_data_key": self.recovery_wrapped_key,
        }

    def account(self, name: str, email: str) -> dict:
        return {
            "display_name": name,
            "email": email,
            "password": self.password(),
            "recovery": self.recovery(),
        }


class Browser:
    """One person's browser: its own cookie jar, and the CSRF token after signing in."""

    def __init__(self, app: Litestar) -> None:
        self.client = asgi_client(app)
        self.csrf = ""
        self.keys = Keys()
        self.me: dict = {}

    def _headers(self, extra: dict | None) -> dict:
        headers = {"x-csrf-token": self.csrf} if self.csrf else {}
        return {**headers, **(extra or {})}

    async def get(self, url: str, **kw):
        return await self.client.get(url, **kw)

    async def post(self, url: str, json=None, headers: dict | None = None):
        return await self.client.post(url, json=json, headers=self._headers(headers))

    async def put(self, url: str, json=None, headers: dict | None = None):
        return await self.client.put(url, json=json, headers=self._headers(headers))

    async def patch(self, url: str, json=None, headers: dict | None = None):
        return await self.client.patch(url, json=json, headers=self._headers(headers))

    async def delete(self, url: str, headers: dict | None = None):
        return await self.client.delete(url, headers=self._headers(headers))

    def signed_in(self, response) -> dict:
        assert response.status_code in (200, 201), response.text
        body = response.json()
        self.csrf = body["csrf_token"]
        self.me = body["me"]
        return body

    async def sign_in(self, email: str | None = None, auth_key: str | None = None):
        response = await self.post(
            "/api/auth/sign-in",
            json={"email": email or self.me["email"], "auth_key": auth_key or self.keys.auth_key},
        )
        if response.status_code == 200:
            self.signed_in(response)
        return response


async def set_up(
    app: Litestar,
    organisation: str = "Harbour Care",
    teams=("Oak House", "Elm Lodge"),
    email: str = "priya@example.org",
) -> Browser:
    """Set up an organisation through its one-time link; returns the admin's browser."""
    link = await new_setup_link("http://127.0.0.1:8000")
    token = link.split("#", 1)[1]
    admin = Browser(app)
    response = await admin.post(
        "/api/setup",
        json={
            "token": token,
            "organisation_name": organisation,
            "teams": list(teams),
            "account": admin.keys.account("Priya", email),
        },
    )
    admin.signed_in(response)
    return admin


async def team_id(admin: Browser, name: str) -> str:
    organisation = (await admin.get("/api/admin/organisation")).json()
    return next(t["id"] for t in organisation["teams"] if t["name"] == name)


async def invite(
    admin: Browser, roles=("worker",), team: str | None = None, supervisors=(), label=""
):
    body = {"roles": list(roles), "supervisor_ids": list(supervisors), "label": label}
    if team:
        body["team_id"] = await team_id(admin, team)
    response = await admin.post("/api/admin/invitations", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    return created, created["link"].split("#", 1)[1]


async def join(
    app: Litestar,
    admin: Browser,
    name: str,
    email: str,
    roles=("worker",),
    team: str | None = None,
    supervisors=(),
) -> Browser:
    _, token = await invite(admin, roles, team, supervisors)
    person = Browser(app)
    response = await person.post(
        "/api/invitations/accept",
        json={"token": token, "account": person.keys.account(name, email)},
    )
    person.signed_in(response)
    return person


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)
