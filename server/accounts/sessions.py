"""Server-side sessions: a random token in an HttpOnly cookie, only its hash stored.

Sessions live in the database, so they survive restarts and work across instances.
Each has an idle timeout (refreshed as it is used) and an absolute one.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

import msgspec
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from server.accounts.schemas import Role, decode_roles
from server.accounts.tables import Session
from server.lib.errors import AppError
from server.lib.tokens import hash_token, new_token, same
from server.ownership import ended
from server.settings import AccountSettings, Settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_HEADER = "x-csrf-token"
# Refreshing last_seen_at on every request would turn every read into a write.
TOUCH_EVERY = timedelta(minutes=5)


class AuthUser(msgspec.Struct, frozen=True):
    """The signed-in person, as guards and handlers see them."""

    id: UUID
    organisation_id: UUID
    roles: frozenset[Role]
    session_id: UUID
    csrf_token: str

    def has(self, role: Role) -> bool:
        return role in self.roles


def cookie_name(accounts: AccountSettings) -> str:
    # Browsers accept __Host- cookies only when Secure, from a secure origin, Path=/.
    return "__Host-tend-session" if accounts.secure_cookies else "tend-session"


def session_cookie(accounts: AccountSettings, token: str) -> Cookie:
    return Cookie(
        key=cookie_name(accounts),
        value=token,
        path="/",
        max_age=accounts.session_max_days * 86400,
        secure=bool(accounts.secure_cookies),
        httponly=True,
        samesite="lax",
    )


def expired_cookie(accounts: AccountSettings) -> Cookie:
    return Cookie(
        key=cookie_name(accounts),
        value="",
        path="/",
        max_age=0,
        secure=bool(accounts.secure_cookies),
        httponly=True,
        samesite="lax",
    )


async def start_session(person_id: UUID, accounts: AccountSettings, device: str) -> tuple[str, str]:
    """A new session for the person; returns the cookie's token and the CSRF token."""
    token, csrf = new_token(), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    await Session.insert(
        Session(
            token_hash=hash_token(token),
            person=person_id,
            csrf_token=csrf,
            device=device[:80],
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=accounts.session_max_days),
        )
    ).run()
    return token, csrf


async def end_sessions(person_id: UUID, *, keep: UUID | None = None) -> int:
    """End every session of the person (but ``keep``); returns how many ended."""
    query = Session.delete().where(Session.person == person_id)
    if keep is not None:
        query = query.where(Session.id != keep)
    rows = await query.returning(Session.id).run()
    return len(rows)


async def end_session_by_token(token: str) -> None:
    await Session.delete().where(Session.token_hash == hash_token(token)).run()


# Every request runs this, so it is written out: Piccolo builds a join like it in about
# 0.7 ms of CPU, which is more than the query takes.
_SESSION_QUERY = (
    "SELECT s.id, s.token_hash, s.csrf_token, s.last_seen_at, s.expires_at,"
    " p.id AS person_id, p.organisation AS organisation_id, p.active,"
    " p.is_worker, p.is_supervisor, p.is_admin"
    " FROM session s JOIN person p ON p.id = s.person WHERE s.token_hash = {}"
)


async def authenticate(token: str, accounts: AccountSettings) -> AuthUser | None:
    """The live session for a cookie's token, or None (unknown, expired, deactivated)."""
    token_hash = hash_token(token)
    rows = await Session.raw(_SESSION_QUERY, token_hash).run()
    row = rows[0] if rows else None
    if row is None or not same(row["token_hash"], token_hash):
        return None
    now = datetime.now(UTC)
    idle_limit = timedelta(hours=accounts.session_idle_hours)
    last_seen = _aware(row["last_seen_at"])
    if not row["active"] or _aware(row["expires_at"]) <= now or last_seen + idle_limit <= now:
        await Session.delete().where(Session.id == row["id"]).run()
        return None
    if now - last_seen >= TOUCH_EVERY:
        await Session.update({Session.last_seen_at: now}).where(Session.id == row["id"]).run()
    return AuthUser(
        id=row["person_id"],
        organisation_id=row["organisation_id"],
        roles=frozenset(decode_roles(row)),
        session_id=row["id"],
        csrf_token=row["csrf_token"],
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class SessionMiddleware(AbstractAuthenticationMiddleware):
    """Every /api route needs a live session unless its handler opts out
    (``exclude_from_auth=True``); state-changing requests need the CSRF token too."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        settings: Settings = connection.app.state.settings
        token = connection.cookies.get(cookie_name(settings.accounts))
        user = await authenticate(token, settings.accounts) if token else None
        if user is None:
            if token and await ended.reason_for(token) == ended.ACCOUNT_DELETED:
                raise ended.account_deleted()  # the device wipes itself
            raise NotAuthorizedException("Please sign in to continue.")
        if connection.scope.get("method", "GET") not in SAFE_METHODS:
            sent = connection.headers.get(CSRF_HEADER, "")
            if not sent or not same(sent, user.csrf_token):
                raise AppError(
                    "This request could not be checked. Please reload Tend and try again.",
                    status=403,
                    code="csrf_failed",
                )
        return AuthenticationResult(user=user, auth=user.session_id)
