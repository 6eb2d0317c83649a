"""Bodies for sharing with supervisors, requests to talk, supervision sessions and pulses.

What a worker shares is checked field by field here: the server stores exactly the preview
she confirmed, and nothing that does not fit these shapes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta, Struct

from server.accounts.schemas import PersonRef

Kind = Literal["summary", "recovery", "agenda", "entry"]
Level = Annotated[int, Meta(ge=1, le=5)]
Direction = Literal["higher", "lower", "steady"]
# Written words: printable, tabs and line breaks allowed, no other control characters.
WRITTEN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Line = Annotated[str, Meta(max_length=300, pattern=r"^[^\x00-\x1f\x7f]*$")]
Tag = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]*$")]
Month = Annotated[str, Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
HowSoon = Literal["today", "this-week", "next-supervision", "no-rush"]
SessionKind = Literal["one-to-one", "group", "debrief"]
# Shared content comes back exactly as it was sent: no fields added, none unknown.
_CONTENT = {"forbid_unknown_fields": True, "omit_defaults": True}


class Measure(Struct, frozen=True, **_CONTENT):
    """A week's stress, energy or sleep as a band on the check-in's 1 to 5 scale, and how it
    compares with the week before (absent when there is nothing to compare with)."""

    level: Level
    direction: Direction | None = None


class DayValues(Struct, frozen=True, **_CONTENT):
    day: date
    stress: Level | None = None
    energy: Level | None = None
    sleep: Level | None = None


class WellbeingSummary(Struct, frozen=True, tag="summary", tag_field="kind", **_CONTENT):
    week_ending: date
    checkin_days: Annotated[int, Meta(ge=0, le=7)]
    stress: Measure | None = None
    energy: Measure | None = None
    sleep: Measure | None = None
    # Only when she chose to show her daily answers too.
    days: Annotated[list[DayValues], Meta(max_length=7)] = []


class RecoveryBalance(Struct, frozen=True, tag="recovery", tag_field="kind", **_CONTENT):
    period_ending: date
    period_days: Literal[7, 30]
    demanding_days: Annotated[int, Meta(ge=0, le=30)]
    recovery_days: Annotated[int, Meta(ge=0, le=30)]
    days_since_day_off: Annotated[int, Meta(ge=0, le=3650)] | None = None
    shift_run: Annotated[int, Meta(ge=0, le=3650)] | None = None


class Agenda(Struct, frozen=True, tag="agenda", tag_field="kind", **_CONTENT):
    items: Annotated[list[Line], Meta(max_length=20)] = []
    reflection: Annotated[str, Meta(max_length=4000, pattern=WRITTEN)] = ""


class SharedEntry(Struct, frozen=True, tag="entry", tag_field="kind", **_CONTENT):
    written_on: date
    title: Annotated[str, Meta(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    body: Annotated[str, Meta(max_length=20_000, pattern=WRITTEN)] = ""
    tags: Annotated[list[Tag], Meta(max_length=20)] = []


ShareContent = WellbeingSummary | RecoveryBalance | Agenda | SharedEntry


class ShareWrite(Struct, frozen=True, forbid_unknown_fields=True):
    """Share (or update) one thing with one of her supervisors. ``entry_id`` names the
    journal entry, and only an entry has one."""

    supervisor_id: UUID
    content: ShareContent
    keep_up_to_date: bool = False
    entry_id: UUID | None = None


class ShareUpdate(Struct, frozen=True, forbid_unknown_fields=True):
    """New content for something she already shares (and only while she does): what "keep
    it up to date" sends, so that it can never share anything again once she stopped."""

    content: ShareContent


class ShareRead(Struct, frozen=True):
    id: UUID
    supervisor_id: UUID
    kind: Kind
    entry_id: UUID | None
    content: ShareContent
    keep_up_to_date: bool
    shared_at: datetime
    updated_at: datetime


class ViewRead(Struct, frozen=True):
    """A supervisor was shown something she shares, at this time."""

    supervisor: PersonRef
    kind: Kind
    entry_id: UUID | None
    viewed_at: datetime


class TalkWrite(Struct, frozen=True, forbid_unknown_fields=True):
    supervisor_id: UUID
    how_soon: HowSoon = "no-rush"
    note: Annotated[str, Meta(max_length=500, pattern=WRITTEN)] = ""


class TalkRead(Struct, frozen=True):
    id: UUID
    supervisor: PersonRef
    how_soon: HowSoon
    note: str
    created_at: datetime
    seen_at: datetime | None
    acknowledged_at: datetime | None


class SessionRead(Struct, frozen=True):
    """A supervision session, as the worker sees it."""

    id: UUID
    supervisor: PersonRef
    held_on: date
    kind: SessionKind
    pulse_given: bool


class PulseWrite(Struct, frozen=True, forbid_unknown_fields=True):
    """Three answers, 1 (not at all) to 5 (very much). Never shown to anyone one by one."""

    heard: Level
    checked_in: Level
    useful: Level


class OrganisationSharing(Struct, frozen=True, forbid_unknown_fields=True):
    share: bool


class MonthFigures(Struct, frozen=True, forbid_unknown_fields=True):
    """One month of her check-ins as her device summarised them for organisation figures."""

    month: Month
    checkin_days: Annotated[int, Meta(ge=0, le=31)]
    stress: Level | None = None
    energy: Level | None = None
    sleep: Level | None = None


class Contributions(Struct, frozen=True, forbid_unknown_fields=True):
    months: Annotated[list[MonthFigures], Meta(max_length=3)]


class SharingRead(Struct, frozen=True):
    """Everything about her sharing, on one page."""

    supervisors: list[PersonRef]
    shares: list[ShareRead]
    organisation: bool


# The supervisor's side.


class RequestForSupervisor(Struct, frozen=True):
    id: UUID
    how_soon: HowSoon
    note: str
    created_at: datetime
    acknowledged_at: datetime | None


class SharedKind(Struct, frozen=True):
    kind: Kind
    # The day only: the time would tell a supervisor when she checked in or opened Tend.
    updated_on: date


class SuperviseeRow(Struct, frozen=True):
    """One supervisee on the supervisor's list: what she shares, not what it says."""

    person: PersonRef
    requests: list[RequestForSupervisor]
    shares: list[SharedKind]
    last_session_on: date | None


class SharedItem(Struct, frozen=True):
    kind: Kind
    entry_id: UUID | None
    content: ShareContent
    updated_on: date


class SessionBrief(Struct, frozen=True):
    id: UUID
    held_on: date
    kind: SessionKind


class Preparation(Struct, frozen=True):
    """Everything a supervisee shares, her requests and recent sessions, in one view.
    Opening it is logged, and she sees that it was."""

    person: PersonRef
    shares: list[SharedItem]
    requests: list[RequestForSupervisor]
    sessions: list[SessionBrief]


class SessionWrite(Struct, frozen=True, forbid_unknown_fields=True):
    worker_id: UUID
    held_on: date
    kind: SessionKind = "one-to-one"
