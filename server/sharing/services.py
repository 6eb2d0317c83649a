"""Sharing with supervisors: consent is the row. Sharing writes exactly what the worker
previewed; revoking deletes it, so the supervisor's next request no longer finds it.

A supervisor reads only through a current supervision link to an active person, and every
time shared content is shown to them a view is logged for the worker to see.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import msgspec

from server.accounts.schemas import PersonRef
from server.accounts.tables import Supervision
from server.lib.errors import AppError, ErrorDetail
from server.org.people import my_supervisees
from server.reminders.services import cancel_talk_request, notify_talk_request
from server.sharing import pulses
from server.sharing.insights import accept_months
from server.sharing.rules import RECENT_SESSIONS
from server.sharing.schemas import (
    Contributions,
    Preparation,
    PulseWrite,
    RequestForSupervisor,
    SessionBrief,
    SessionRead,
    SessionWrite,
    ShareContent,
    SharedItem,
    SharedKind,
    ShareRead,
    ShareUpdate,
    ShareWrite,
    SharingRead,
    SuperviseeRow,
    TalkRead,
    TalkWrite,
    ViewRead,
)
from server.sharing.tables import (
    Contribution,
    OrgSharing,
    Share,
    ShareView,
    SupervisionSession,
    TalkRequest,
)

# Summaries, recovery balance and agenda are one thing each per supervisor: their item id.
NO_ITEM = UUID(int=0)
VIEW_LOG_LIMIT = 200
# Requests to one supervisor still waiting to be acknowledged, at most.
OPEN_REQUESTS = 5
_content = msgspec.json.Decoder(ShareContent)


def _now() -> datetime:
    return datetime.now(UTC)


def not_found() -> AppError:
    return AppError("There is nothing here.", status=404)


def _invalid(field: str, message: str, text: str) -> AppError:
    return AppError(
        text, status=422, code="validation_error", details=[ErrorDetail(field, message)]
    )


def _content_of(stored: object) -> ShareContent:
    raw = stored if isinstance(stored, str | bytes) else msgspec.json.encode(stored)
    return _content.decode(raw)


def _entry_id(item_id: UUID) -> UUID | None:
    return None if item_id == NO_ITEM else item_id


async def _supervisors_of(worker_id: UUID) -> list[PersonRef]:
    """Her current supervisors who can still sign in."""
    rows = await (
        Supervision.select(
            Supervision.supervisor.id.as_alias("id"),
            Supervision.supervisor.display_name.as_alias("display_name"),
        )
        .where(
            (Supervision.worker == worker_id)
            & (Supervision.supervisor.active == True)  # noqa: E712 - a column comparison
            & (Supervision.supervisor.is_supervisor == True)  # noqa: E712
        )
        .order_by(Supervision.supervisor.display_name)
    )
    return [PersonRef(**row) for row in rows]


async def _her_supervisor(worker_id: UUID, supervisor_id: UUID) -> PersonRef:
    for supervisor in await _supervisors_of(worker_id):
        if supervisor.id == supervisor_id:
            return supervisor
    raise _invalid(
        "body.supervisor_id", "not one of your supervisors", "That person isn't your supervisor."
    )


def _supervisor_columns(table) -> tuple:
    """The supervisor a row names, joined in as ``supervisor_id`` and ``supervisor_name``."""
    return (
        table.supervisor.id.as_alias("supervisor_id"),
        table.supervisor.display_name.as_alias("supervisor_name"),
    )


def _supervisor_in(row: dict) -> PersonRef:
    return PersonRef(id=row["supervisor_id"], display_name=row["supervisor_name"])


def _share_read(row: dict) -> ShareRead:
    return ShareRead(
        id=row["id"],
        supervisor_id=row["supervisor"],
        kind=row["kind"],
        entry_id=_entry_id(row["item_id"]),
        content=_content_of(row["content"]),
        keep_up_to_date=row["keep_up_to_date"],
        shared_at=row["shared_at"],
        updated_at=row["updated_at"],
    )


# The worker's side.


async def sharing(worker_id: UUID) -> SharingRead:
    """Her supervisors and everything she shares, with anyone (so she can always stop)."""
    supervisors = await _supervisors_of(worker_id)
    rows = await Share.select().where(Share.worker == worker_id).order_by(Share.shared_at)
    opted_in = await OrgSharing.exists().where(OrgSharing.worker == worker_id)
    return SharingRead(
        supervisors=supervisors,
        shares=[_share_read(row) for row in rows],
        organisation=opted_in,
    )


async def share(worker_id: UUID, data: ShareWrite) -> ShareRead:
    """Share, or replace what is shared, exactly as she previewed it."""
    await _her_supervisor(worker_id, data.supervisor_id)
    kind = type(data.content).__struct_config__.tag
    if (kind == "entry") != (data.entry_id is not None):
        raise _invalid(
            "body.entry_id",
            "required for an entry, and only for one",
            "A journal entry is shared by its id; nothing else has one.",
        )
    item_id = data.entry_id or NO_ITEM
    now = _now()
    # One statement, so two devices sharing the same thing at once make one row.
    await Share.insert(
        Share(
            worker=worker_id,
            supervisor=data.supervisor_id,
            kind=kind,
            item_id=item_id,
            content=msgspec.to_builtins(data.content),
            keep_up_to_date=data.keep_up_to_date,
            shared_at=now,
            updated_at=now,
        )
    ).on_conflict(
        target=(Share.worker, Share.supervisor, Share.kind, Share.item_id),
        action="DO UPDATE",
        values=[Share.content, Share.keep_up_to_date, Share.updated_at],
    )
    row = await (
        Share.select()
        .where(
            (Share.worker == worker_id)
            & (Share.supervisor == data.supervisor_id)
            & (Share.kind == kind)
            & (Share.item_id == item_id)
        )
        .first()
    )
    return _share_read(row)


async def update_share(worker_id: UUID, share_id: UUID, data: ShareUpdate) -> ShareRead:
    """Replace the content of something she still shares, as the same kind; 404 once she
    has stopped sharing it (so a late "keep it up to date" can never share it again)."""
    kind = type(data.content).__struct_config__.tag
    rows = (
        await Share.update(
            {Share.content: msgspec.to_builtins(data.content), Share.updated_at: _now()}
        )
        .where((Share.id == share_id) & (Share.worker == worker_id) & (Share.kind == kind))
        .returning(*Share.all_columns())
    )
    if not rows:
        raise not_found()
    return _share_read(rows[0])


async def revoke(worker_id: UUID, share_id: UUID) -> None:
    """Stop sharing: the server's copy is deleted there and then."""
    deleted = (
        await Share.delete()
        .where((Share.id == share_id) & (Share.worker == worker_id))
        .returning(Share.id)
    )
    if not deleted:
        raise not_found()


async def views(worker_id: UUID) -> list[ViewRead]:
    rows = await (
        ShareView.select(
            ShareView.kind,
            ShareView.item_id,
            ShareView.viewed_at,
            *_supervisor_columns(ShareView),
        )
        .where(ShareView.worker == worker_id)
        .order_by(ShareView.viewed_at, ascending=False)
        .limit(VIEW_LOG_LIMIT)
    )
    return [
        ViewRead(
            supervisor=_supervisor_in(row),
            kind=row["kind"],
            entry_id=_entry_id(row["item_id"]),
            viewed_at=row["viewed_at"],
        )
        for row in rows
    ]


async def ask_to_talk(worker_id: UUID, data: TalkWrite) -> TalkRead:
    supervisor = await _her_supervisor(worker_id, data.supervisor_id)
    waiting = await TalkRequest.count().where(
        (TalkRequest.worker == worker_id)
        & (TalkRequest.supervisor == supervisor.id)
        & TalkRequest.acknowledged_at.is_null()
    )
    if waiting >= OPEN_REQUESTS:
        raise AppError(
            f"{supervisor.display_name} hasn't seen your last requests yet. They're still "
            "there; if it's urgent, please call them or use Get support.",
            status=409,
            code="too_many_requests_waiting",
        )
    row = TalkRequest(
        worker=worker_id,
        supervisor=supervisor.id,
        how_soon=data.how_soon,
        note=data.note.strip(),
        created_at=_now(),
    )
    async with TalkRequest._meta.db.transaction():
        await TalkRequest.insert(row)
        # A discreet push to the supervisor ("someone would like a word"), nothing more.
        await notify_talk_request(supervisor.id, row.id)
    return TalkRead(
        id=row.id,
        supervisor=supervisor,
        how_soon=row.how_soon,
        note=row.note,
        created_at=row.created_at,
        seen_at=None,
        acknowledged_at=None,
    )


async def my_requests(worker_id: UUID) -> list[TalkRead]:
    rows = await (
        TalkRequest.select(
            TalkRequest.all_columns(exclude=[TalkRequest.worker, TalkRequest.supervisor]),
            *_supervisor_columns(TalkRequest),
        )
        .where(TalkRequest.worker == worker_id)
        .order_by(TalkRequest.created_at, ascending=False)
        .limit(50)
    )
    return [
        TalkRead(
            id=row["id"],
            supervisor=_supervisor_in(row),
            how_soon=row["how_soon"],
            note=row["note"],
            created_at=row["created_at"],
            seen_at=row["seen_at"],
            acknowledged_at=row["acknowledged_at"],
        )
        for row in rows
    ]


async def withdraw_request(worker_id: UUID, request_id: UUID) -> None:
    deleted = (
        await TalkRequest.delete()
        .where((TalkRequest.id == request_id) & (TalkRequest.worker == worker_id))
        .returning(TalkRequest.id)
    )
    if not deleted:
        raise not_found()
    await cancel_talk_request(request_id)


async def my_sessions(worker_id: UUID) -> list[SessionRead]:
    rows = await (
        SupervisionSession.select(
            SupervisionSession.id,
            SupervisionSession.held_on,
            SupervisionSession.kind,
            SupervisionSession.pulse_given,
            *_supervisor_columns(SupervisionSession),
        )
        .where(SupervisionSession.worker == worker_id)
        .order_by(SupervisionSession.held_on, ascending=False)
        .limit(20)
    )
    return [
        SessionRead(
            id=row["id"],
            supervisor=_supervisor_in(row),
            held_on=row["held_on"],
            kind=row["kind"],
            pulse_given=row["pulse_given"],
        )
        for row in rows
    ]


async def give_pulse(worker_id: UUID, session_id: UUID, data: PulseWrite) -> None:
    """Add her three answers to the tally for her team and the session's month, and mark
    the session answered: no row keeps her answers, or joins them to her (``pulses.py``)."""
    await pulses.give(worker_id, session_id, data)


async def share_with_organisation(worker_id: UUID, on: bool) -> bool:
    """Opting out deletes every month she contributed, at once."""
    async with OrgSharing._meta.db.transaction():
        if on:
            await OrgSharing.insert(OrgSharing(worker=worker_id)).on_conflict(
                target=OrgSharing.worker, action="DO NOTHING"
            )
        else:
            await OrgSharing.delete().where(OrgSharing.worker == worker_id)
            await Contribution.delete().where(Contribution.worker == worker_id)
    return on


async def contribute(worker_id: UUID, data: Contributions) -> None:
    """Keep this month's and last month's figures her device worked out (only while she has
    opted in), with the team she is in now; a month already frozen is final (``insights.py``)."""
    await accept_months(worker_id, data)


# The supervisor's side.


async def _supervisee(supervisor_id: UUID, worker_id: UUID) -> PersonRef:
    row = await (
        Supervision.select(
            Supervision.worker.id.as_alias("id"),
            Supervision.worker.display_name.as_alias("display_name"),
        )
        .where(
            (Supervision.supervisor == supervisor_id)
            & (Supervision.worker == worker_id)
            & (Supervision.worker.active == True)  # noqa: E712
        )
        .first()
    )
    if row is None:
        raise not_found()
    return PersonRef(**row)


def _request_for_supervisor(row: dict) -> RequestForSupervisor:
    return RequestForSupervisor(
        id=row["id"],
        how_soon=row["how_soon"],
        note=row["note"],
        created_at=row["created_at"],
        acknowledged_at=row["acknowledged_at"],
    )


async def _mark_seen(supervisor_id: UUID, request_ids: list[UUID]) -> None:
    if request_ids:
        await TalkRequest.update({TalkRequest.seen_at: _now()}).where(
            TalkRequest.id.is_in(request_ids)
            & (TalkRequest.supervisor == supervisor_id)
            & TalkRequest.seen_at.is_null()
        )


async def supervisees(supervisor_id: UUID) -> list[SuperviseeRow]:
    """Her supervisees, those who would like to talk first. What each shares is named, not
    shown: opening a person is what shows (and logs) it. Five queries, however many."""
    people = await my_supervisees(supervisor_id)
    ids = [p.id for p in people]
    if not ids:
        return []
    requests = await (
        TalkRequest.select()
        .where(
            (TalkRequest.supervisor == supervisor_id)
            & TalkRequest.worker.is_in(ids)
            & TalkRequest.acknowledged_at.is_null()
        )
        .order_by(TalkRequest.created_at)
    )
    shares = await (
        Share.select(Share.worker, Share.kind, Share.updated_at)
        .where((Share.supervisor == supervisor_id) & Share.worker.is_in(ids))
        .order_by(Share.updated_at, ascending=False)
    )
    sessions = await SupervisionSession.raw(
        "SELECT worker, MAX(held_on) AS last_on FROM supervision_session "
        "WHERE supervisor = {} GROUP BY worker",
        supervisor_id,
    )
    await _mark_seen(supervisor_id, [r["id"] for r in requests])
    last_on = {row["worker"]: row["last_on"] for row in sessions}
    rows = [
        SuperviseeRow(
            person=person,
            requests=[_request_for_supervisor(r) for r in requests if r["worker"] == person.id],
            shares=[
                SharedKind(kind=s["kind"], updated_on=_day(s["updated_at"]))
                for s in shares
                if s["worker"] == person.id
            ],
            last_session_on=_as_date(last_on.get(person.id)),
        )
        for person in people
    ]
    return sorted(rows, key=lambda row: not row.requests)


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


async def preparation(supervisor_id: UUID, worker_id: UUID) -> Preparation:
    """What one supervisee shares, her requests and recent sessions. Each shared thing
    shown is logged as a view, in the same transaction as it is read."""
    person = await _supervisee(supervisor_id, worker_id)
    async with Share._meta.db.transaction():
        shares = await (
            Share.select()
            .where((Share.supervisor == supervisor_id) & (Share.worker == worker_id))
            .order_by(Share.updated_at, ascending=False)
        )
        if shares:
            now = _now()
            await ShareView.insert(
                *[
                    ShareView(
                        worker=worker_id,
                        supervisor=supervisor_id,
                        kind=row["kind"],
                        item_id=row["item_id"],
                        viewed_at=now,
                    )
                    for row in shares
                ]
            )
    requests = await (
        TalkRequest.select()
        .where((TalkRequest.supervisor == supervisor_id) & (TalkRequest.worker == worker_id))
        .order_by(TalkRequest.created_at, ascending=False)
        .limit(10)
    )
    await _mark_seen(supervisor_id, [r["id"] for r in requests])
    sessions = await (
        SupervisionSession.select(
            SupervisionSession.id, SupervisionSession.held_on, SupervisionSession.kind
        )
        .where(
            (SupervisionSession.supervisor == supervisor_id)
            & (SupervisionSession.worker == worker_id)
        )
        .order_by(SupervisionSession.held_on, ascending=False)
        .limit(RECENT_SESSIONS)
    )
    return Preparation(
        person=person,
        shares=[
            SharedItem(
                kind=row["kind"],
                entry_id=_entry_id(row["item_id"]),
                content=_content_of(row["content"]),
                updated_on=_day(row["updated_at"]),
            )
            for row in shares
        ],
        requests=[_request_for_supervisor(r) for r in requests],
        sessions=[SessionBrief(**row) for row in sessions],
    )


async def acknowledge(supervisor_id: UUID, request_id: UUID) -> RequestForSupervisor:
    row = await (
        TalkRequest.select()
        .where(
            (TalkRequest.id == request_id)
            & (TalkRequest.supervisor == supervisor_id)
            & TalkRequest.worker.is_in(
                Supervision.select(Supervision.worker).where(
                    Supervision.supervisor == supervisor_id
                )
            )
        )
        .first()
    )
    if row is None:
        raise not_found()
    if row["acknowledged_at"] is None:
        now = _now()
        await TalkRequest.update(
            {TalkRequest.acknowledged_at: now, TalkRequest.seen_at: row["seen_at"] or now}
        ).where(TalkRequest.id == request_id)
        await cancel_talk_request(request_id)
        row = {**row, "acknowledged_at": now}
    return _request_for_supervisor(row)


async def record_session(supervisor_id: UUID, data: SessionWrite) -> SessionBrief:
    try:
        await _supervisee(supervisor_id, data.worker_id)
    except AppError:
        raise _invalid(
            "body.worker_id", "not one of your supervisees", "You don't supervise this person."
        ) from None
    today = _now().date()
    # A day's grace either side of today for time zones; a year back for catching up.
    if data.held_on > today + timedelta(days=1):
        raise _invalid(
            "body.held_on", "in the future", "A session can be recorded once it has happened."
        )
    if data.held_on < today - timedelta(days=366):
        raise _invalid("body.held_on", "more than a year ago", "That date is more than a year ago.")
    row = SupervisionSession(
        supervisor=supervisor_id, worker=data.worker_id, held_on=data.held_on, kind=data.kind
    )
    await SupervisionSession.insert(row)
    return SessionBrief(id=row.id, held_on=row.held_on, kind=row.kind)
