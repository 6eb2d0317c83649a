"""Sessions that ended because their account was deleted, remembered by cookie hash only,
so that a device that was offline at the time wipes itself at its next contact."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from server.lib.errors import AppError
from server.lib.tokens import hash_token
from server.ownership.tables import EndedSession

EndedReason = Literal["account_deleted"]
ACCOUNT_DELETED: EndedReason = "account_deleted"


def _now() -> datetime:
    return datetime.now(UTC)


async def remember(sessions: Iterable[dict], reason: EndedReason) -> None:
    """Keep the ``token_hash`` of each session until its ``expires_at``: after that its
    cookie is no longer sent, so there is nothing left to tell. Call in the transaction
    that deletes the sessions."""
    rows = [
        EndedSession(token_hash=s["token_hash"], reason=reason, expires_at=s["expires_at"])
        for s in sessions
    ]
    if rows:
        await EndedSession.insert(*rows).on_conflict(action="DO NOTHING")


async def reason_for(token: str) -> EndedReason | None:
    """Why the session with this cookie token ended, if its account was deleted."""
    row = await (
        EndedSession.select(EndedSession.reason, EndedSession.expires_at)
        .where(EndedSession.token_hash == hash_token(token))
        .first()
    )
    if row is None:
        return None
    expires_at = row["expires_at"]
    if (expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)) <= _now():
        await forget_expired()
        return None
    return row["reason"]


async def forget_expired() -> None:
    await EndedSession.delete().where(EndedSession.expires_at <= _now())


def account_deleted() -> AppError:
    """What every signed-in route answers a device whose account was deleted."""
    return AppError(
        "This account has been deleted, so Tend is clearing what it kept on this device.",
        status=401,
        code="account_deleted",
    )
