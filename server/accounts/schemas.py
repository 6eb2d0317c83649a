"""Request and response bodies for accounts, sessions and invitations.

Binary values (salts, keys, wrapped keys) travel as unpadded base64url.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta, Struct

MIN_ITERATIONS = 600_000
DEFAULT_ITERATIONS = MIN_ITERATIONS
MAX_ITERATIONS = 10_000_000

Salt = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{22}$", description="16 bytes, base64url")]
Key = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{43}$", description="32 bytes, base64url")]
WrappedKey = Annotated[
    str, Meta(pattern=r"^[A-Za-z0-9_-]{80}$", description="nonce ‖ AES-GCM(data key), 60 bytes")
]
Iterations = Annotated[int, Meta(ge=MIN_ITERATIONS, le=MAX_ITERATIONS)]
# Printable text only: control characters (NUL among them) have no place in a name.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Email = Annotated[
    str,
    Meta(
        min_length=3,
        max_length=254,
        pattern=r"^ *[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+ *$",
    ),
]
DisplayName = Annotated[str, Meta(min_length=1, max_length=80, pattern=PRINTABLE)]
Token = Annotated[str, Meta(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
Role = Literal["worker", "supervisor", "admin"]
Roles = Annotated[list[Role], Meta(min_length=1, max_length=3)]


class PasswordKeys(Struct, frozen=True):
    """What the browser derives from a password: never the password itself."""

    salt: Salt
    iterations: Iterations
    auth_key: Key
    wrapped_data_key: WrappedKey


class RecoveryKeys(Struct, frozen=True):
    """What the browser derives from a recovery code, which the server never sees."""

    salt: Salt
    auth_key: Key
    wrapped_data_key: WrappedKey


class NewAccount(Struct, frozen=True):
    display_name: DisplayName
    email: Email
    password: PasswordKeys
    recovery: RecoveryKeys


class KdfParamsRequest(Struct, frozen=True):
    email: Email


class KdfParams(Struct, frozen=True):
    """Salt and iterations for an email. Unknown emails get stable decoys."""

    salt: str
    iterations: int


class RecoveryParams(Struct, frozen=True):
    salt: str


class SignIn(Struct, frozen=True):
    email: Email
    auth_key: Key


class Ref(Struct, frozen=True):
    id: UUID
    name: str


class Me(Struct, frozen=True):
    id: UUID
    display_name: str
    email: str
    roles: list[Role]
    organisation: Ref
    team: Ref | None


class WrappedKeys(Struct, frozen=True):
    """The data key as the server holds it: wrapped, with what unwraps it."""

    salt: str
    iterations: int
    wrapped_data_key: str


class AccountKeys(WrappedKeys, frozen=True):
    """Both wrapped copies of the data key, for an encrypted backup that opens with the
    password or the recovery code. ``null`` recovery fields: the account has no code."""

    recovery_salt: str | None
    recovery_wrapped_data_key: str | None


class SessionStarted(Struct, frozen=True):
    me: Me
    csrf_token: str
    keys: WrappedKeys


class CurrentSession(Struct, frozen=True):
    me: Me | None
    csrf_token: str | None
    # "account_deleted" when this browser's account was deleted: it should wipe itself.
    ended: Literal["account_deleted"] | None = None


class RecoveryStart(Struct, frozen=True):
    email: Email
    auth_key: Key


class RecoveryGrant(Struct, frozen=True):
    """Lets the browser unwrap the data key with the code and set a new password."""

    recovery_token: str
    wrapped_data_key: str
    expires_at: datetime


class RecoveryFinish(Struct, frozen=True):
    recovery_token: Token
    password: PasswordKeys


class PasswordChange(Struct, frozen=True):
    current_auth_key: Key
    password: PasswordKeys


class RecoveryChange(Struct, frozen=True):
    current_auth_key: Key
    recovery: RecoveryKeys


class ProfileUpdate(Struct, frozen=True):
    display_name: DisplayName


class SessionRead(Struct, frozen=True):
    id: UUID
    device: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


class SignInRecord(Struct, frozen=True):
    at: datetime
    event: str
    device: str
    ip: str


class PersonRef(Struct, frozen=True):
    id: UUID
    display_name: str


class TokenBody(Struct, frozen=True):
    token: Token


class InvitationPreview(Struct, frozen=True):
    organisation: str
    roles: list[Role]
    team: str | None
    supervisors: list[str]
    expires_at: datetime


class Acceptance(Struct, frozen=True):
    token: Token
    account: NewAccount


def encode_roles(roles: list[Role]) -> dict[str, bool]:
    return {f"is_{role}": role in roles for role in ("worker", "supervisor", "admin")}


def decode_roles(row: dict) -> list[Role]:
    return [role for role in ("worker", "supervisor", "admin") if row.get(f"is_{role}")]


def normalise_email(email: str) -> str:
    return email.strip().lower()
