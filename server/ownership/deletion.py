"""Deleting an account completely, by its owner or by an admin (for someone who has left).

Everything that names the person goes in one transaction: her account and its sessions,
her encrypted records, what she shared and what was shared with her, requests to talk,
supervision links and sessions, her reminders and devices, her rate-limit counters and the
security events about her. What she did to others' accounts as an admin stays in the
security log without her name, address or browser. Organisation figures that hold no one's
id (pulse tallies and frozen snapshots, each of at least 5 people) stay as they are.

Then one security event says that *an* account was deleted, and by whom only when an admin
did it. Her other devices are told at their next contact (``ended.py``) and wipe themselves.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from server.accounts import audit, limits
from server.accounts.audit import Client
from server.accounts.services import _verify_current
from server.accounts.tables import (
    AuditEvent,
    Invitation,
    OneTimeToken,
    Person,
    Session,
    Supervision,
    Throttle,
)
from server.lib.errors import AppError
from server.lib.throttle import Limiter, clear
from server.lib.tokens import hash_token
from server.org.common import lock_organisation, not_found
from server.ownership import ended
from server.reminders.tables import PushDevice, ReminderDue, ReminderPlanRow
from server.sharing.tables import (
    Contribution,
    OrgSharing,
    Share,
    ShareView,
    SupervisionSession,
    TalkRequest,
)
from server.sync.tables import AppliedMutation, Record, SyncState

# Every column that names a person, by ``table.column``: each is emptied of her below, and
# what it holds about her is in her download (``data.py``; pending invitations that would
# make her someone's supervisor are the invitee's, not hers). A test finds every such
# column in the schema and fails when one is missing here, so a new table is not forgotten.
PERSON_COLUMNS = frozenset(
    {
        "person.id",
        "session.person",
        "invitation.created_by",
        "invitation.supervisor_ids",
        "supervision.supervisor",
        "supervision.worker",
        "audit_event.actor_id",
        "audit_event.subject_id",
        "one_time_token.person_id",
        "record.owner",
        "sync_state.owner",
        "applied_mutation.owner",
        "share.worker",
        "share.supervisor",
        "share_view.worker",
        "share_view.supervisor",
        "talk_request.worker",
        "talk_request.supervisor",
        "supervision_session.supervisor",
        "supervision_session.worker",
        "org_sharing.worker",
        "contribution.worker",
        "push_device.person",
        "reminder_plan.person",
        "reminder_due.person",
    }
)
# Rate limits counted per account (by a hash of the email).
ACCOUNT_LIMITS = (limits.SIGN_IN_ACCOUNT, limits.RECOVERY_ACCOUNT)


def last_admin() -> AppError:
    return AppError(
        "You're the only admin of your organisation. Make someone else an admin first, "
        "so that someone can still look after Tend.",
        status=409,
        code="last_admin",
    )


async def delete_own_account(
    person_id: UUID, auth_key: str, client: Client, limiter: Limiter
) -> None:
    """Her password, checked as for a password change (the same answer when it is wrong,
    and the same rate limit), then everything of hers goes."""
    await _verify_current(person_id, auth_key, client, limiter)
    await erase(person_id, limiter)


async def delete_by_admin(
    organisation_id: UUID, admin_id: UUID, person_id: UUID, client: Client, limiter: Limiter
) -> None:
    """An admin deletes someone in her own organisation (404 for anyone else); her own
    account she deletes from Settings, with her password."""
    if person_id == admin_id:
        raise AppError(
            "You can't delete your own account here. Use Settings → Your data instead.",
            status=409,
            code="self",
        )
    found = await Person.exists().where(
        (Person.id == person_id) & (Person.organisation == organisation_id)
    )
    if not found:
        raise not_found()
    await erase(person_id, limiter, admin_id=admin_id, client=client)


async def erase(
    person_id: UUID,
    limiter: Limiter,
    *,
    admin_id: UUID | None = None,
    client: Client | None = None,
) -> None:
    """Delete everything that names the person, in one transaction, and note that an
    account was deleted. 409 if she is her organisation's last active admin."""
    async with Person._meta.db.transaction():
        found = await Person.select(Person.organisation).where(Person.id == person_id).first()
        if found is None:
            raise not_found()
        organisation_id = found["organisation"]
        # Locked first, then read: two admins deleting each other at once take turns.
        await lock_organisation(organisation_id)
        person = await (
            Person.select(Person.email, Person.is_admin, Person.active)
            .where(Person.id == person_id)
            .first()
        )
        if person is None:
            raise not_found()
        admin = person["is_admin"] and person["active"]
        if admin and not await _other_admins(organisation_id, person_id):
            raise last_admin()
        await _erase_invitations(person_id, organisation_id)
        await Supervision.delete().where(
            (Supervision.supervisor == person_id) | (Supervision.worker == person_id)
        )
        for table in (AppliedMutation, Record, SyncState):
            await table.delete().where(table.owner == person_id)
        await _erase_sharing(person_id)
        for table in (ReminderDue, ReminderPlanRow, PushDevice):
            await table.delete().where(table.person == person_id)
        await _erase_counters(person_id, person["email"], limiter)
        await _erase_security_events(person_id)
        # Last, so that a sign-in finishing meanwhile is among the sessions told.
        await _end_sessions(person_id)
        await Person.delete().where(Person.id == person_id)
        await audit.record(
            "account_deleted",
            organisation_id=organisation_id,
            actor_id=admin_id,
            # Her own address and browser would say who it was: only an admin's are kept.
            client=client if admin_id else None,
            detail={"by": "admin" if admin_id else "self"},
        )
        await ended.forget_expired()


async def _other_admins(organisation_id: UUID, person_id: UUID) -> int:
    return await Person.count().where(
        (Person.organisation == organisation_id)
        & (Person.is_admin == True)  # noqa: E712 - a column comparison
        & (Person.active == True)  # noqa: E712
        & (Person.id != person_id)
    )


async def _end_sessions(person_id: UUID) -> None:
    """Her devices will hear, by their cookie's hash, that the account was deleted."""
    sessions = await Session.select(Session.token_hash, Session.expires_at).where(
        Session.person == person_id
    )
    await ended.remember(sessions, ended.ACCOUNT_DELETED)
    await Session.delete().where(Session.person == person_id)
    await OneTimeToken.delete().where(OneTimeToken.person_id == person_id)


async def _erase_invitations(person_id: UUID, organisation_id: UUID) -> None:
    """The invitation she joined with (its label may name her) goes; invitations that
    would have made her someone's supervisor lose her; those she sent lose her name."""
    joined_with = await accepted_invitations(person_id)
    if joined_with:
        await Invitation.delete().where(Invitation.id.is_in(joined_with))
    await Invitation.update({Invitation.created_by: None}).where(Invitation.created_by == person_id)
    rows = await Invitation.select(Invitation.id, Invitation.supervisor_ids).where(
        Invitation.organisation == organisation_id
    )
    for row in rows:
        supervisor_ids = json_value(row["supervisor_ids"], [])
        if str(person_id) in supervisor_ids:
            kept = [i for i in supervisor_ids if i != str(person_id)]
            await Invitation.update({Invitation.supervisor_ids: kept}).where(
                Invitation.id == row["id"]
            )


async def _erase_sharing(person_id: UUID) -> None:
    """Everything shared, viewed, asked and held between her and anyone, either way; her
    contributions to organisation figures. A supervisor's waiting push about one of her
    requests goes too."""
    requests = await TalkRequest.select(TalkRequest.id).where(
        (TalkRequest.worker == person_id) | (TalkRequest.supervisor == person_id)
    )
    if requests:
        keys = [f"talk-request:{row['id']}" for row in requests]
        await ReminderDue.delete().where(ReminderDue.key.is_in(keys))
    for table in (ShareView, Share, TalkRequest, SupervisionSession):
        await table.delete().where((table.worker == person_id) | (table.supervisor == person_id))
    for table in (OrgSharing, Contribution):
        await table.delete().where(table.worker == person_id)


async def _erase_counters(person_id: UUID, email: str, limiter: Limiter) -> None:
    """Rate-limit counters kept against her account (by a hash of her email) or her id."""
    for limit in ACCOUNT_LIMITS:
        await clear(limiter, limit, hash_token(email))
    await Throttle.delete().where(Throttle.key.like(f"%{person_id}%"))


async def _erase_security_events(person_id: UUID) -> None:
    """Events about her go; what she did to others' accounts stays, nameless, without the
    address and browser she did it from."""
    await AuditEvent.delete().where(AuditEvent.subject_id == person_id)
    await AuditEvent.update(
        {AuditEvent.actor_id: None, AuditEvent.ip: "", AuditEvent.device: ""}
    ).where(AuditEvent.actor_id == person_id)


async def accepted_invitations(person_id: UUID) -> list[UUID]:
    """The invitation she joined with: only the security event of its use links the two."""
    rows = await AuditEvent.select(AuditEvent.detail).where(
        (AuditEvent.event == "invitation_accepted") & (AuditEvent.subject_id == person_id)
    )
    found = []
    for row in rows:
        try:
            found.append(UUID(str(json_value(row["detail"]).get("invitation"))))
        except ValueError:
            continue
    return found


def json_value(value: object, empty: object = None) -> Any:
    """A JSON column's value, whether the driver gave it decoded or as text."""
    default = {} if empty is None else empty
    if isinstance(value, dict | list):
        return value
    try:
        loaded = json.loads(value or "null")
    except (TypeError, ValueError):
        return default
    return loaded if isinstance(loaded, type(default)) else default
