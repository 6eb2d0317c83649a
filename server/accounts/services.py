"""Accounts: creating people, signing in, recovery, and a person's own settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

import msgspec

from server.accounts import audit, limits
from server.accounts.audit import Client
from server.accounts.credentials import hash_key, verify_key
from server.accounts.schemas import (
    DEFAULT_ITERATIONS,
    AccountKeys,
    KdfParams,
    Me,
    NewAccount,
    PasswordChange,
    PasswordKeys,
    RecoveryChange,
    RecoveryGrant,
    RecoveryParams,
    Ref,
    Role,
    SessionRead,
    SignInRecord,
    WrappedKeys,
    decode_roles,
    encode_roles,
    normalise_email,
)
from server.accounts.secrets import decoy_salt
from server.accounts.sessions import AuthUser, end_sessions
from server.accounts.tables import AuditEvent, OneTimeToken, Person, Session, Supervision
from server.lib.errors import AppError
from server.lib.throttle import Limiter, clear, enforce, forgive
from server.lib.tokens import hash_token, new_token

RECOVERY_GRANT_MINUTES = 15
WRONG_CREDENTIALS = "That email or password is wrong. Please check them and try again."
SIGN_IN_EVENTS = ("sign_in", "sign_in_failed", "sign_in_locked", "recovery_used")


def email_taken() -> AppError:
    return AppError(
        "An account with this email already exists. Try signing in instead.",
        status=409,
        code="email_taken",
    )


class KeyHashes(msgspec.Struct, frozen=True):
    """Argon2id hashes of a new account's two authentication keys."""

    password: str
    recovery: str


async def hash_account_keys(account: NewAccount) -> KeyHashes:
    """Hash before the transaction: Argon2id is slow on purpose, and a SQLite write
    transaction holds the one writer while it is open."""
    return KeyHashes(
        password=await hash_key(account.password.auth_key),
        recovery=await hash_key(account.recovery.auth_key),
    )


async def create_person(
    organisation_id: UUID,
    account: NewAccount,
    hashes: KeyHashes,
    roles: list[Role],
    team_id: UUID | None,
    supervisor_ids: Sequence[UUID] = (),
) -> UUID:
    """Insert a person with their wrapped keys. Call inside a transaction."""
    email = normalise_email(account.email)
    if await Person.exists().where(Person.email == email).run():
        raise email_taken()
    person = Person(
        organisation=organisation_id,
        team=team_id,
        email=email,
        display_name=_clean_name(account.display_name),
        kdf_salt=account.password.salt,
        kdf_iterations=account.password.iterations,
        auth_hash=hashes.password,
        wrapped_data_key=account.password.wrapped_data_key,
        recovery_salt=account.recovery.salt,
        recovery_auth_hash=hashes.recovery,
        recovery_wrapped_key=account.recovery.wrapped_data_key,
        **encode_roles(roles),
    )
    try:
        await Person.insert(person).run()
    except Exception as error:
        # Someone took the email between the check above and now.
        if "unique" in str(error).lower() and "email" in str(error).lower():
            raise email_taken() from error
        raise
    for supervisor_id in supervisor_ids:
        await Supervision.insert(Supervision(supervisor=supervisor_id, worker=person.id)).run()
    return person.id


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise AppError("Please choose a name to show.", status=422, code="validation_error")
    return cleaned


async def kdf_params(email: str) -> KdfParams:
    """Salt and iterations for sign-in. An email with no account gets decoys that look the
    same and never change, so this cannot tell anyone who has an account."""
    email = normalise_email(email)
    decoy = await decoy_salt("kdf", email)  # made either way, so both take as long
    row = await (
        Person.select(Person.kdf_salt, Person.kdf_iterations).where(Person.email == email).first()
    )
    if row is None:
        return KdfParams(salt=decoy, iterations=DEFAULT_ITERATIONS)
    return KdfParams(salt=row["kdf_salt"], iterations=row["kdf_iterations"])


async def recovery_params(email: str) -> RecoveryParams:
    email = normalise_email(email)
    decoy = await decoy_salt("recovery", email)  # made either way, so both take as long
    row = await Person.select(Person.recovery_salt).where(Person.email == email).first()
    if row is None:
        return RecoveryParams(salt=decoy)
    return RecoveryParams(salt=row["recovery_salt"])


async def sign_in(email: str, auth_key: str, client: Client, limiter: Limiter) -> UUID:
    """The person's id if the key is right; raises a generic error otherwise.

    Each attempt is counted before the key is checked (so guesses sent at once cannot
    all slip through): 5 failures per account and 30 per address in 15 minutes, then 429
    with when to retry. A success takes its own count back.
    """
    email = normalise_email(email)
    account_key = hash_token(email)
    row = (
        await Person.select(Person.id, Person.organisation, Person.auth_hash, Person.active)
        .where(Person.email == email)
        .first()
    )
    organisation_id = row["organisation"] if row else None
    person_id = row["id"] if row else None
    await enforce(limiter, limits.SIGN_IN_ADDRESS, client.ip)
    try:
        await enforce(limiter, limits.SIGN_IN_ACCOUNT, account_key)
    except AppError:
        await audit.record(
            "sign_in_locked", organisation_id=organisation_id, subject_id=person_id, client=client
        )
        raise
    if not await verify_key(row["auth_hash"] if row else None, auth_key):
        await audit.record(
            "sign_in_failed", organisation_id=organisation_id, subject_id=person_id, client=client
        )
        raise AppError(WRONG_CREDENTIALS, status=401, code="wrong_credentials")
    assert row is not None
    await forgive(limiter, limits.SIGN_IN_ADDRESS, client.ip)
    await clear(limiter, limits.SIGN_IN_ACCOUNT, account_key)
    if not row["active"]:
        raise account_closed()
    await audit.record(
        "sign_in", organisation_id=organisation_id, subject_id=person_id, client=client
    )
    return row["id"]


async def sign_out(user: AuthUser, client: Client) -> None:
    await Session.delete().where(Session.id == user.session_id).run()
    await audit.record(
        "sign_out",
        organisation_id=user.organisation_id,
        actor_id=user.id,
        subject_id=user.id,
        client=client,
    )


def account_closed() -> AppError:
    return AppError(
        "This account has been closed by your organisation. Please speak to them.",
        status=403,
        code="account_closed",
    )


async def me(person_id: UUID) -> Me:
    row = await (
        Person.select(
            Person.id,
            Person.display_name,
            Person.email,
            Person.is_worker,
            Person.is_supervisor,
            Person.is_admin,
            Person.organisation.id.as_alias("organisation_id"),
            Person.organisation.name.as_alias("organisation_name"),
            Person.team.id.as_alias("team_id"),
            Person.team.name.as_alias("team_name"),
        )
        .where(Person.id == person_id)
        .first()
    )
    if row is None:
        raise AppError("There is nothing here.", status=404)
    return Me(
        id=row["id"],
        display_name=row["display_name"],
        email=row["email"],
        roles=decode_roles(row),
        organisation=Ref(id=row["organisation_id"], name=row["organisation_name"]),
        team=Ref(id=row["team_id"], name=row["team_name"]) if row["team_id"] else None,
    )


async def wrapped_keys(person_id: UUID) -> WrappedKeys:
    row = await (
        Person.select(Person.kdf_salt, Person.kdf_iterations, Person.wrapped_data_key)
        .where(Person.id == person_id)
        .first()
    )
    if row is None:
        raise AppError("There is nothing here.", status=404)
    return WrappedKeys(
        salt=row["kdf_salt"],
        iterations=row["kdf_iterations"],
        wrapped_data_key=row["wrapped_data_key"],
    )


async def account_keys(person_id: UUID) -> AccountKeys:
    row = await (
        Person.select(
            Person.kdf_salt,
            Person.kdf_iterations,
            Person.wrapped_data_key,
            Person.recovery_salt,
            Person.recovery_wrapped_key,
        )
        .where(Person.id == person_id)
        .first()
    )
    if row is None:
        raise AppError("There is nothing here.", status=404)
    return AccountKeys(
        salt=row["kdf_salt"],
        iterations=row["kdf_iterations"],
        wrapped_data_key=row["wrapped_data_key"],
        recovery_salt=row["recovery_salt"] or None,
        recovery_wrapped_data_key=row["recovery_wrapped_key"] or None,
    )


async def _verify_current(person_id: UUID, auth_key: str, client: Client, limiter: Limiter) -> dict:
    """Re-check the password before a sensitive change (counts as a sign-in attempt)."""
    row = (
        await Person.select(Person.email, Person.organisation, Person.auth_hash)
        .where(Person.id == person_id)
        .first()
    )
    if row is None:
        raise AppError("There is nothing here.", status=404)
    account_key = hash_token(row["email"])
    await enforce(limiter, limits.SIGN_IN_ACCOUNT, account_key)
    if not await verify_key(row["auth_hash"], auth_key):
        await audit.record(
            "sign_in_failed",
            organisation_id=row["organisation"],
            subject_id=person_id,
            client=client,
            detail={"during": "re-check"},
        )
        raise AppError(
            "That password is not right. Please try again.", status=401, code="wrong_password"
        )
    await clear(limiter, limits.SIGN_IN_ACCOUNT, account_key)
    return row


async def _set_password(person_id: UUID, password: PasswordKeys, auth_hash: str) -> None:
    await (
        Person.update(
            {
                Person.kdf_salt: password.salt,
                Person.kdf_iterations: password.iterations,
                Person.auth_hash: auth_hash,
                Person.wrapped_data_key: password.wrapped_data_key,
                Person.credentials_changed_at: datetime.now(UTC),
            }
        )
        .where(Person.id == person_id)
        .run()
    )


async def change_password(
    person_id: UUID, session_id: UUID, change: PasswordChange, client: Client, limiter: Limiter
) -> None:
    """New key material for a new password; every other session ends."""
    row = await _verify_current(person_id, change.current_auth_key, client, limiter)
    auth_hash = await hash_key(change.password.auth_key)  # slow: not inside the transaction
    async with Person._meta.db.transaction():
        await _set_password(person_id, change.password, auth_hash)
        ended = await end_sessions(person_id, keep=session_id)
        await audit.record(
            "password_changed",
            organisation_id=row["organisation"],
            actor_id=person_id,
            subject_id=person_id,
            client=client,
            detail={"other_sessions_ended": ended},
        )


async def change_recovery(
    person_id: UUID, change: RecoveryChange, client: Client, limiter: Limiter
) -> None:
    """A new recovery code replaces the old one, which stops working."""
    row = await _verify_current(person_id, change.current_auth_key, client, limiter)
    recovery_hash = await hash_key(change.recovery.auth_key)
    async with Person._meta.db.transaction():
        await (
            Person.update(
                {
                    Person.recovery_salt: change.recovery.salt,
                    Person.recovery_auth_hash: recovery_hash,
                    Person.recovery_wrapped_key: change.recovery.wrapped_data_key,
                }
            )
            .where(Person.id == person_id)
            .run()
        )
        await audit.record(
            "recovery_code_changed",
            organisation_id=row["organisation"],
            actor_id=person_id,
            subject_id=person_id,
            client=client,
        )


async def start_recovery(
    email: str, auth_key: str, client: Client, limiter: Limiter
) -> RecoveryGrant:
    """Check a recovery code's key; hand back the data key wrapped by the code, and a
    short-lived grant to set a new password with."""
    email = normalise_email(email)
    account_key = hash_token(email)
    await enforce(limiter, limits.RECOVERY_ADDRESS, client.ip)
    await enforce(limiter, limits.RECOVERY_ACCOUNT, account_key)
    row = (
        await Person.select(
            Person.id,
            Person.organisation,
            Person.recovery_auth_hash,
            Person.recovery_wrapped_key,
            Person.active,
        )
        .where(Person.email == email)
        .first()
    )
    if not await verify_key(row["recovery_auth_hash"] if row else None, auth_key):
        await audit.record(
            "recovery_failed",
            organisation_id=row["organisation"] if row else None,
            subject_id=row["id"] if row else None,
            client=client,
        )
        raise AppError(
            "That email or recovery code is wrong. Please check them and try again.",
            status=401,
            code="wrong_credentials",
        )
    assert row is not None
    await forgive(limiter, limits.RECOVERY_ADDRESS, client.ip)
    await clear(limiter, limits.RECOVERY_ACCOUNT, account_key)
    if not row["active"]:
        raise account_closed()
    token = new_token()
    expires_at = datetime.now(UTC) + timedelta(minutes=RECOVERY_GRANT_MINUTES)
    await OneTimeToken.insert(
        OneTimeToken(
            token_hash=hash_token(token),
            purpose="recovery",
            person_id=row["id"],
            expires_at=expires_at,
        )
    ).run()
    return RecoveryGrant(
        recovery_token=token, wrapped_data_key=row["recovery_wrapped_key"], expires_at=expires_at
    )


async def finish_recovery(token: str, password: PasswordKeys, client: Client) -> UUID:
    """Set the new password from a recovery grant; every session ends. Returns the person."""
    auth_hash = await hash_key(password.auth_key)
    async with Person._meta.db.transaction():
        used = await consume_token(token, "recovery")
        if used is None or used["person_id"] is None:
            raise AppError(
                "This recovery has expired. Please enter your recovery code again.",
                status=410,
                code="recovery_expired",
            )
        person_id = used["person_id"]
        row = (
            await Person.select(Person.organisation, Person.active)
            .where(Person.id == person_id)
            .first()
        )
        if row is None or not row["active"]:
            raise account_closed()
        await _set_password(person_id, password, auth_hash)
        await end_sessions(person_id)
        await audit.record(
            "recovery_used",
            organisation_id=row["organisation"],
            actor_id=person_id,
            subject_id=person_id,
            client=client,
        )
    return person_id


async def consume_token(token: str, purpose: str) -> dict | None:
    """Mark a live one-time token used and return it (None if unknown, used or expired).

    The conditional update makes "used once" hold even for two requests at the same moment.
    """
    rows = (
        await OneTimeToken.update({OneTimeToken.used_at: datetime.now(UTC)})
        .where(
            (OneTimeToken.token_hash == hash_token(token))
            & (OneTimeToken.purpose == purpose)
            & OneTimeToken.used_at.is_null()
            & (OneTimeToken.expires_at > datetime.now(UTC))
        )
        .returning(OneTimeToken.person_id)
        .run()
    )
    return rows[0] if rows else None


async def update_profile(person_id: UUID, display_name: str) -> None:
    await (
        Person.update({Person.display_name: _clean_name(display_name)})
        .where(Person.id == person_id)
        .run()
    )


async def list_sessions(person_id: UUID, current: UUID) -> list[SessionRead]:
    rows = await (
        Session.select(Session.id, Session.device, Session.created_at, Session.last_seen_at)
        .where(Session.person == person_id)
        .order_by(Session.last_seen_at, ascending=False)
    )
    return [SessionRead(**row, current=row["id"] == current) for row in rows]


async def end_session(person_id: UUID, session_id: UUID, client: Client) -> None:
    """End one of the person's own sessions (404 for anyone else's)."""
    rows = (
        await Session.delete()
        .where((Session.id == session_id) & (Session.person == person_id))
        .returning(Session.id)
        .run()
    )
    if not rows:
        raise AppError("There is nothing here.", status=404)
    org = await Person.select(Person.organisation).where(Person.id == person_id).first()
    await audit.record(
        "session_ended",
        organisation_id=org["organisation"] if org else None,
        actor_id=person_id,
        subject_id=person_id,
        client=client,
    )


async def sign_in_history(person_id: UUID, limit: int = 50) -> list[SignInRecord]:
    rows = await (
        AuditEvent.select(AuditEvent.at, AuditEvent.event, AuditEvent.device, AuditEvent.ip)
        .where((AuditEvent.subject_id == person_id) & AuditEvent.event.is_in(list(SIGN_IN_EVENTS)))
        .order_by(AuditEvent.at, ascending=False)
        .limit(limit)
    )
    return [SignInRecord(**row) for row in rows]
