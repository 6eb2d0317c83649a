"""What is left of a deleted account: only the hashes of its session cookies, so that her
other devices can be told to wipe themselves the next time they reach the server.

No person's id, email or name is kept: a hash says nothing but "this cookie's account was
deleted", and only to the browser that holds the cookie.
"""

from __future__ import annotations

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table


class EndedSession(Table, tablename="ended_session"):
    """The SHA-256 of a session cookie's token (as ``session.token_hash``), why it ended,
    and when the cookie would have stopped being sent anyway (then the row goes)."""

    token_hash = Varchar(length=64, primary_key=True)
    reason = Varchar(length=20)
    expires_at = Timestamptz(index=True)
