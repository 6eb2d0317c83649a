"""What the server holds about the signed-in person, every table of it, in plain words.

Secrets are named, never given: the download is a plaintext file that may be left lying
around, so it holds no hash, no wrapped key and no salt (the wrapped data key is what
someone guessing her password offline would need). Her records are listed, not given: they
are ciphertext only her devices can open, and her own exports hold their content.
Other people appear by the name they show in Tend, and only where they stand in a relation
with her; what others shared with her is named, not shown (opening it in Tend is what
tells them she looked).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit
from uuid import UUID

import msgspec

from server.accounts.schemas import PersonRef, Ref, decode_roles
from server.accounts.tables import AuditEvent, Invitation, OneTimeToken, Person, Session
from server.accounts.tables import Supervision as SupervisionLink
from server.lib.errors import AppError
from server.lib.throttle import Limiter, estimate
from server.lib.tokens import hash_token
from server.org.tables import Team
from server.ownership import deletion
from server.ownership.schemas import (
    AccountSection,
    Counter,
    InvitationsSection,
    InvitationUsed,
    MonthSent,
    OneTimeGrant,
    OneTimeTokensSection,
    OrganisationFiguresSection,
    OrganisationSection,
    PushDeviceInfo,
    PushDevicesSection,
    RateLimitsSection,
    RecordInfo,
    RecordsSection,
    RemindersDueSection,
    RemindersSection,
    ReminderWaiting,
    SecurityEvent,
    SecurityLogSection,
    ServerData,
    SessionHeld,
    SessionsSection,
    SharedWithYouSection,
    ShareMade,
    ShareReceived,
    SharesSection,
    SignedInDevice,
    SupervisionSection,
    SupervisionSessionsSection,
    SyncSection,
    TalkReceived,
    TalkRequestsSection,
    TalkSent,
    ViewByYou,
    ViewOfYours,
    ViewsSection,
)
from server.reminders.services import decode_plan
from server.reminders.tables import PushDevice, ReminderDue, ReminderPlanRow
from server.settings import SyncSettings
from server.sharing.schemas import ShareContent
from server.sharing.tables import (
    Contribution,
    OrgSharing,
    Share,
    ShareView,
    SupervisionSession,
    TalkRequest,
)
from server.sync.tables import AppliedMutation, Record, SyncState

NO_ITEM = UUID(int=0)
_content = msgspec.json.Decoder(ShareContent)

ABOUT = (
    "Everything Tend's server keeps about you, on the day you downloaded it. Your journal, "
    "check-ins, plan and other private records are encrypted on your own devices before "
    "they are sent, so the server holds them only as locked boxes it cannot open: this "
    "file lists them, and your own export (Settings → Your data) holds what they say."
)
SECRETS_HELD = [
    "A random salt and an iteration count, used by your devices to turn your password into keys.",
    "An Argon2id hash of the sign-in key your device works out from your password. "
    "Not your password, and not the key itself.",
    "Your data key, wrapped (encrypted) by a key that only your password can make.",
    "A random salt for your recovery code, an Argon2id hash of the key worked out from the "
    "code, and your data key wrapped by a key that only the code can make.",
    "For each device you are signed in on, a SHA-256 hash of its sign-in cookie and a "
    "random token that protects it from other websites.",
]


def _now() -> datetime:
    return datetime.now(UTC)


def _ref(row: dict, prefix: str) -> PersonRef:
    return PersonRef(id=row[f"{prefix}_id"], display_name=row[f"{prefix}_name"])


def _person_columns(column, prefix: str) -> tuple:
    """The person a foreign key names, joined in as ``{prefix}_id`` and ``{prefix}_name``."""
    return (
        column.id.as_alias(f"{prefix}_id"),
        column.display_name.as_alias(f"{prefix}_name"),
    )


def _entry(item_id: UUID) -> UUID | None:
    return None if item_id == NO_ITEM else item_id


def _decoded(stored: object) -> ShareContent:
    raw = stored if isinstance(stored, str | bytes) else msgspec.json.encode(stored)
    return _content.decode(raw)


def _detail(value: object) -> dict:
    return deletion.json_value(value, {})


async def server_data(
    person_id: UUID, session_id: UUID, sync: SyncSettings, limiter: Limiter
) -> ServerData:
    person = await (
        Person.select(
            Person.all_columns(),
            Person.organisation.name.as_alias("organisation_name"),
            Person.team.name.as_alias("team_name"),
        )
        .where(Person.id == person_id)
        .first()
    )
    if person is None:
        raise AppError("There is nothing here.", status=404)
    return ServerData(
        format="tend-server-data",
        version=1,
        exported_at=_now(),
        about=ABOUT,
        account=_account(person),
        organisation=OrganisationSection(
            about="The organisation that runs this Tend server, and the team you are in. "
            "Admins set these; they decide which support resources you see.",
            organisation=Ref(id=person["organisation"], name=person["organisation_name"]),
            team=Ref(id=person["team"], name=person["team_name"]) if person["team"] else None,
        ),
        supervision=await _supervision(person_id),
        sessions=await _sessions(person_id, session_id),
        security_log=await _security_log(person_id),
        records=await _records(person_id),
        sync=await _sync(person_id, sync),
        shares=await _shares(person_id),
        shared_with_you=await _shared_with_you(person_id),
        views=await _views(person_id),
        talk_requests=await _talk_requests(person_id),
        supervision_sessions=await _supervision_sessions(person_id),
        organisation_figures=await _organisation_figures(person_id),
        reminders=await _reminders(person_id),
        push_devices=await _push_devices(person_id),
        reminders_due=await _reminders_due(person_id),
        invitations=await _invitations(person_id),
        one_time_tokens=await _one_time_tokens(person_id),
        rate_limits=await _rate_limits(person["email"], limiter),
    )


def _account(person: dict) -> AccountSection:
    return AccountSection(
        about="Your account: the name you show, the email you sign in with, what you can do "
        "in Tend and whether you can sign in. The secret material below is named, never "
        "given: none of it opens your private records without your password or recovery code.",
        id=person["id"],
        display_name=person["display_name"],
        email=person["email"],
        roles=decode_roles(person),
        active=person["active"],
        created_at=person["created_at"],
        password_changed_at=person["credentials_changed_at"],
        secrets_held=SECRETS_HELD,
    )


async def _supervision(person_id: UUID) -> SupervisionSection:
    rows = await SupervisionLink.select(
        SupervisionLink.supervisor,
        SupervisionLink.worker,
        *_person_columns(SupervisionLink.supervisor, "supervisor"),
        *_person_columns(SupervisionLink.worker, "worker"),
    ).where((SupervisionLink.supervisor == person_id) | (SupervisionLink.worker == person_id))
    return SupervisionSection(
        about="Who supervises you, and whom you supervise, as your organisation's admins "
        "set it. You always see who your supervisors are.",
        supervised_by=_sorted(_ref(r, "supervisor") for r in rows if r["worker"] == person_id),
        supervises=_sorted(_ref(r, "worker") for r in rows if r["supervisor"] == person_id),
    )


def _sorted(people: Iterable[PersonRef]) -> list[PersonRef]:
    return sorted(people, key=lambda p: (p.display_name, str(p.id)))


async def _sessions(person_id: UUID, session_id: UUID) -> SessionsSection:
    rows = await (
        Session.select(
            Session.id,
            Session.device,
            Session.created_at,
            Session.last_seen_at,
            Session.expires_at,
        )
        .where(Session.person == person_id)
        .order_by(Session.last_seen_at, ascending=False)
    )
    return SessionsSection(
        about="The devices you are signed in on: the kind of browser, when it signed in and "
        "when it was last used. Only a hash of each device's sign-in cookie is kept.",
        items=[SignedInDevice(**row, this_device=row["id"] == session_id) for row in rows],
    )


async def _security_log(person_id: UUID) -> SecurityLogSection:
    rows = await (
        AuditEvent.select()
        .where((AuditEvent.actor_id == person_id) | (AuditEvent.subject_id == person_id))
        .order_by(AuditEvent.at, ascending=False)
    )
    events = []
    for row in rows:
        by_you, about_you = row["actor_id"] == person_id, row["subject_id"] == person_id
        # An admin's address is theirs; another person's change is theirs.
        where_from = by_you or (about_you and row["actor_id"] is None)
        events.append(
            SecurityEvent(
                at=row["at"],
                event=row["event"],
                by_you=by_you,
                about_you=about_you,
                ip=row["ip"] if where_from else "",
                device=row["device"] if where_from else "",
                detail=_detail(row["detail"]) if about_you or row["subject_id"] is None else {},
            )
        )
    return SecurityLogSection(
        about="Security events about your account (sign-ins, failed attempts, changes to your "
        "password, roles or team) and those you caused, newest first: what happened, when, "
        "and the browser and address it came from when it was you. Changes you made to "
        "other people's accounts are listed without naming them. No content is ever logged.",
        events=events,
    )


async def _records(person_id: UUID) -> RecordsSection:
    rows = await (
        Record.select(
            Record.id,
            Record.type,
            Record.version,
            Record.deleted,
            Record.size,
            Record.updated_at,
        )
        .where(Record.owner == person_id)
        .order_by(Record.type, Record.updated_at)
    )
    return RecordsSection(
        about="Your private records (journal entries, check-ins, your plan, reflections, "
        "agendas and supervision notes) as the server holds them: their id, kind, version, "
        "size and when they changed. Their content is encrypted on your devices with a key "
        "only you hold, so only your devices can read it; it is not in this file. A deleted "
        "record is kept as an empty marker so that your other devices delete it too.",
        count=len(rows),
        items=[
            RecordInfo(
                id=r["id"],
                type=r["type"],
                version=r["version"],
                deleted=r["deleted"],
                size_bytes=r["size"],
                updated_at=r["updated_at"],
            )
            for r in rows
        ],
    )


async def _sync(person_id: UUID, sync: SyncSettings) -> SyncSection:
    state = await (
        SyncState.select(SyncState.seq, SyncState.used_bytes)
        .where(SyncState.owner == person_id)
        .first()
    )
    remembered = await AppliedMutation.count().where(AppliedMutation.owner == person_id)
    return SyncSection(
        about="How much space your encrypted records take, out of what you may use; how "
        "many changes your devices have sent; and how many the server remembers so that a "
        "change sent twice is only made once.",
        used_bytes=state["used_bytes"] if state else 0,
        quota_bytes=sync.quota_bytes,
        changes_numbered=state["seq"] if state else 0,
        changes_remembered=remembered,
    )


async def _shares(person_id: UUID) -> SharesSection:
    rows = await (
        Share.select(Share.all_columns(), *_person_columns(Share.supervisor, "supervisor"))
        .where(Share.worker == person_id)
        .order_by(Share.shared_at)
    )
    return SharesSection(
        about="Everything you share with a supervisor, exactly as the server keeps it and "
        "as they see it. Stopping sharing deletes it.",
        items=[
            ShareMade(
                id=r["id"],
                supervisor=_ref(r, "supervisor"),
                kind=r["kind"],
                entry_id=_entry(r["item_id"]),
                content=_decoded(r["content"]),
                keep_up_to_date=r["keep_up_to_date"],
                shared_at=r["shared_at"],
                updated_at=r["updated_at"],
            )
            for r in rows
        ],
    )


async def _shared_with_you(person_id: UUID) -> SharedWithYouSection:
    rows = await (
        Share.select(
            Share.id,
            Share.kind,
            Share.item_id,
            Share.shared_at,
            Share.updated_at,
            *_person_columns(Share.worker, "worker"),
        )
        .where(Share.supervisor == person_id)
        .order_by(Share.shared_at)
    )
    return SharedWithYouSection(
        about="What the people you supervise share with you, named but not shown: it is "
        "theirs, and opening it in Tend is what lets them see that you looked.",
        items=[
            ShareReceived(
                id=r["id"],
                worker=_ref(r, "worker"),
                kind=r["kind"],
                entry_id=_entry(r["item_id"]),
                shared_at=r["shared_at"],
                updated_at=r["updated_at"],
            )
            for r in rows
        ],
    )


async def _views(person_id: UUID) -> ViewsSection:
    columns = (ShareView.worker, ShareView.kind, ShareView.item_id, ShareView.viewed_at)
    rows = await (
        ShareView.select(
            *columns,
            *_person_columns(ShareView.supervisor, "supervisor"),
            *_person_columns(ShareView.worker, "worker"),
        )
        .where((ShareView.worker == person_id) | (ShareView.supervisor == person_id))
        .order_by(ShareView.viewed_at, ascending=False)
    )
    return ViewsSection(
        about="Each time a supervisor was shown something you share, and each time you were "
        "shown something someone shares with you: what kind of thing, and when.",
        of_what_you_share=[
            ViewOfYours(
                supervisor=_ref(r, "supervisor"),
                kind=r["kind"],
                entry_id=_entry(r["item_id"]),
                viewed_at=r["viewed_at"],
            )
            for r in rows
            if r["worker"] == person_id
        ],
        by_you=[
            ViewByYou(
                worker=_ref(r, "worker"),
                kind=r["kind"],
                entry_id=_entry(r["item_id"]),
                viewed_at=r["viewed_at"],
            )
            for r in rows
            if r["worker"] != person_id
        ],
    )


async def _talk_requests(person_id: UUID) -> TalkRequestsSection:
    rows = await (
        TalkRequest.select(
            TalkRequest.all_columns(),
            *_person_columns(TalkRequest.supervisor, "supervisor"),
            *_person_columns(TalkRequest.worker, "worker"),
        )
        .where((TalkRequest.worker == person_id) | (TalkRequest.supervisor == person_id))
        .order_by(TalkRequest.created_at, ascending=False)
    )
    return TalkRequestsSection(
        about="Requests to talk you sent, with your note, and those sent to you, with "
        "whether they carry a note (you read it in Tend). Each shows when it was seen and "
        "acknowledged.",
        sent=[
            TalkSent(
                id=r["id"],
                supervisor=_ref(r, "supervisor"),
                how_soon=r["how_soon"],
                note=r["note"],
                created_at=r["created_at"],
                seen_at=r["seen_at"],
                acknowledged_at=r["acknowledged_at"],
            )
            for r in rows
            if r["worker"] == person_id
        ],
        received=[
            TalkReceived(
                id=r["id"],
                worker=_ref(r, "worker"),
                how_soon=r["how_soon"],
                has_note=bool(r["note"]),
                created_at=r["created_at"],
                seen_at=r["seen_at"],
                acknowledged_at=r["acknowledged_at"],
            )
            for r in rows
            if r["worker"] != person_id
        ],
    )


async def _supervision_sessions(person_id: UUID) -> SupervisionSessionsSection:
    rows = await (
        SupervisionSession.select(
            SupervisionSession.all_columns(),
            *_person_columns(SupervisionSession.supervisor, "supervisor"),
            *_person_columns(SupervisionSession.worker, "worker"),
        )
        .where(
            (SupervisionSession.worker == person_id) | (SupervisionSession.supervisor == person_id)
        )
        .order_by(SupervisionSession.held_on, ascending=False)
    )
    items = []
    for r in rows:
        supervisee = r["worker"] == person_id
        items.append(
            SessionHeld(
                id=r["id"],
                your_part="supervisee" if supervisee else "supervisor",
                with_person=_ref(r, "supervisor" if supervisee else "worker"),
                held_on=r["held_on"],
                kind=r["kind"],
                pulse_given=r["pulse_given"] if supervisee else None,
                created_at=r["created_at"],
            )
        )
    return SupervisionSessionsSection(
        about="Supervision sessions recorded with you: the date and kind only (a "
        "supervisor's notes are her own encrypted records). Your answers about how a session "
        "felt were added to anonymous totals and are not kept with your name: only that "
        "you answered.",
        items=items,
    )


async def _organisation_figures(person_id: UUID) -> OrganisationFiguresSection:
    opted = await OrgSharing.select(OrgSharing.since).where(OrgSharing.worker == person_id).first()
    rows = await (
        Contribution.select().where(Contribution.worker == person_id).order_by(Contribution.month)
    )
    team_ids = {r["team_id"] for r in rows if r["team_id"]}
    teams = {}
    if team_ids:
        found = await Team.select(Team.id, Team.name).where(Team.id.is_in(list(team_ids)))
        teams = {t["id"]: Ref(**t) for t in found}
    return OrganisationFiguresSection(
        about="Whether you add your check-ins to your organisation's anonymous figures, and "
        "the monthly lines your device sent for them (kept only until the month's figures "
        "are worked out, then deleted). Admins only ever see figures for 5 people or more.",
        adding_check_ins=opted is not None,
        since=opted["since"] if opted else None,
        months=[
            MonthSent(
                month=r["month"],
                team=teams.get(r["team_id"]),
                checkin_days=r["checkin_days"],
                stress=r["stress"],
                energy=r["energy"],
                sleep=r["sleep"],
            )
            for r in rows
        ],
    )


async def _reminders(person_id: UUID) -> RemindersSection:
    row = await ReminderPlanRow.select().where(ReminderPlanRow.person == person_id).first()
    return RemindersSection(
        about="When you asked for reminders: your time zone, check-in times, quiet hours, "
        "pause, your rota and one-off shifts, and your next supervision.",
        plan=decode_plan(row["plan"]) if row else None,
        updated_at=row["updated_at"] if row else None,
        scheduled_until=row["scheduled_until"] if row else None,
    )


async def _push_devices(person_id: UUID) -> PushDevicesSection:
    rows = await (
        PushDevice.select(
            PushDevice.id,
            PushDevice.label,
            PushDevice.endpoint,
            PushDevice.created_at,
            PushDevice.last_sent_at,
        )
        .where(PushDevice.person == person_id)
        .order_by(PushDevice.created_at)
    )
    return PushDevicesSection(
        about="The devices that get your reminders: the browser, the push service that "
        "carries them (its full address is a secret, so only its name is shown here), and "
        "when it was added and last sent one.",
        items=[
            PushDeviceInfo(
                id=r["id"],
                label=r["label"],
                endpoint_host=urlsplit(r["endpoint"]).hostname or "",
                created_at=r["created_at"],
                last_sent_at=r["last_sent_at"],
            )
            for r in rows
        ],
    )


async def _reminders_due(person_id: UUID) -> RemindersDueSection:
    rows = await (
        ReminderDue.select(
            ReminderDue.id,
            ReminderDue.kind,
            ReminderDue.due_at,
            ReminderDue.state,
            ReminderDue.sent_at,
        )
        .where(ReminderDue.person == person_id)
        .order_by(ReminderDue.due_at)
    )
    return RemindersDueSection(
        about="Reminders waiting to be sent, or sent in the last two days, follow-ups "
        "included: only their kind and time, never why.",
        items=[ReminderWaiting(**r) for r in rows],
    )


async def _invitations(person_id: UUID) -> InvitationsSection:
    ids = await deletion.accepted_invitations(person_id)
    rows = await Invitation.select().where(Invitation.id.is_in(ids)) if ids else []
    made = await Invitation.count().where(Invitation.created_by == person_id)
    return InvitationsSection(
        about="The invitation you joined with (its label is an admin's note about whom it "
        "was for), and how many invitations you sent as an admin.",
        yours=[
            InvitationUsed(
                label=r["label"],
                roles=decode_roles(r),
                created_at=r["created_at"],
                accepted_at=r["accepted_at"],
            )
            for r in rows
        ],
        made_by_you=made,
    )


async def _one_time_tokens(person_id: UUID) -> OneTimeTokensSection:
    rows = await (
        OneTimeToken.select(OneTimeToken.purpose, OneTimeToken.expires_at, OneTimeToken.used_at)
        .where(OneTimeToken.person_id == person_id)
        .order_by(OneTimeToken.expires_at)
    )
    return OneTimeTokensSection(
        about="Short-lived grants made when you used your recovery code (a hash is kept, "
        "never the grant itself).",
        items=[OneTimeGrant(**r) for r in rows],
    )


async def _rate_limits(email: str, limiter: Limiter) -> RateLimitsSection:
    key, now = hash_token(email), time.time()
    items = []
    for limit in deletion.ACCOUNT_LIMITS:
        counts = await limiter.peek(f"{limit.name}:{key}", limit.seconds, now)
        items.append(
            Counter(name=limit.name, count=math.ceil(estimate(counts, limit.seconds, now)))
        )
    return RateLimitsSection(
        about="Counters that slow down anyone guessing your password or recovery code: how "
        "many recent attempts count against your account (in the last 15 minutes for the "
        "password, the last hour for the code). They are kept under a hash of your email.",
        items=items,
    )
