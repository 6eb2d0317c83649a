"""First run: a one-time link lets the first admin name the organisation and its teams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from server.accounts import audit
from server.accounts.audit import Client
from server.accounts.schemas import Role
from server.accounts.services import consume_token, create_person, hash_account_keys
from server.accounts.tables import OneTimeToken
from server.lib.errors import AppError
from server.lib.tokens import hash_token, new_token
from server.org.schemas import SetupLinkState, SetupRequest
from server.org.tables import Organisation, Team

SETUP_LINK_HOURS = 24


async def is_set_up() -> bool:
    return await Organisation.exists().run()


async def new_setup_link(public_url: str) -> str:
    """A fresh set-up link; earlier unused ones stop working."""
    await (
        OneTimeToken.delete()
        .where((OneTimeToken.purpose == "setup") & OneTimeToken.used_at.is_null())
        .run()
    )
    token = new_token()
    await OneTimeToken.insert(
        OneTimeToken(
            token_hash=hash_token(token),
            purpose="setup",
            expires_at=datetime.now(UTC) + timedelta(hours=SETUP_LINK_HOURS),
        )
    ).run()
    return f"{public_url}/setup#{token}"


def _link_invalid() -> AppError:
    return AppError(
        "This set-up link has expired or has already been used. "
        "Whoever runs the Tend server can make a new one with: tend setup-link",
        status=410,
        code="setup_link_invalid",
    )


async def setup_link_state(token: str) -> SetupLinkState:
    row = (
        await OneTimeToken.select(OneTimeToken.expires_at)
        .where(
            (OneTimeToken.token_hash == hash_token(token))
            & (OneTimeToken.purpose == "setup")
            & OneTimeToken.used_at.is_null()
            & (OneTimeToken.expires_at > datetime.now(UTC))
        )
        .first()
    )
    if row is None:
        raise _link_invalid()
    return SetupLinkState(expires_at=row["expires_at"])


async def complete_setup(request: SetupRequest, client: Client) -> UUID:
    """Create the organisation, its teams and the first admin; returns the admin's id."""
    names = list(dict.fromkeys(" ".join(name.split()) for name in request.teams))
    names = [name for name in names if name]
    organisation_name = " ".join(request.organisation_name.split())
    if not organisation_name:
        raise AppError("Please give your organisation a name.", status=422, code="validation_error")
    hashes = await hash_account_keys(request.account)
    async with Organisation._meta.db.transaction():
        if await consume_token(request.token, "setup") is None:
            raise _link_invalid()
        organisation = Organisation(name=organisation_name)
        await Organisation.insert(organisation).run()
        for name in names:
            await Team.insert(Team(organisation=organisation.id, name=name)).run()
        roles: list[Role] = ["admin", "worker"] if request.also_worker else ["admin"]
        person_id = await create_person(organisation.id, request.account, hashes, roles, None)
        await audit.record(
            "organisation_set_up",
            organisation_id=organisation.id,
            actor_id=person_id,
            subject_id=person_id,
            client=client,
            detail={"teams": len(names)},
        )
    return person_id
