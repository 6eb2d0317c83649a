"""Bodies for owning your data: what the server holds about you, and deleting the account.

Every section of the download carries an ``about`` sentence saying, in plain words, what
it is and why Tend keeps it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from msgspec import Struct

from server.accounts.schemas import Key, PersonRef, Ref, Role
from server.reminders.schemas import ReminderKind, ReminderPlan
from server.sharing.schemas import ShareContent


class AccountDeletion(Struct, frozen=True, forbid_unknown_fields=True):
    """The key the browser derives from her password, as for a password change: proof
    that the person at the keyboard knows it."""

    auth_key: Key


# What the server holds about me: one section per kind of thing.


class AccountSection(Struct, frozen=True):
    about: str
    id: UUID
    display_name: str
    email: str
    roles: list[Role]
    active: bool
    created_at: datetime
    password_changed_at: datetime
    # What secret material exists, in words: never the values.
    secrets_held: list[str]


class OrganisationSection(Struct, frozen=True):
    about: str
    organisation: Ref
    team: Ref | None


class SupervisionSection(Struct, frozen=True):
    about: str
    supervised_by: list[PersonRef]
    supervises: list[PersonRef]


class SignedInDevice(Struct, frozen=True):
    id: UUID
    device: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    this_device: bool


class SessionsSection(Struct, frozen=True):
    about: str
    items: list[SignedInDevice]


class SecurityEvent(Struct, frozen=True):
    at: datetime
    event: str
    by_you: bool
    about_you: bool
    # Where it came from: only when you did it, or when nobody was signed in (a sign-in).
    ip: str
    device: str
    detail: dict


class SecurityLogSection(Struct, frozen=True):
    about: str
    events: list[SecurityEvent]


class RecordInfo(Struct, frozen=True):
    id: UUID
    type: str
    version: int
    deleted: bool
    size_bytes: int
    updated_at: datetime


class RecordsSection(Struct, frozen=True):
    about: str
    count: int
    items: list[RecordInfo]


class SyncSection(Struct, frozen=True):
    about: str
    used_bytes: int
    quota_bytes: int
    changes_numbered: int
    changes_remembered: int


class ShareMade(Struct, frozen=True):
    id: UUID
    supervisor: PersonRef
    kind: str
    entry_id: UUID | None
    content: ShareContent
    keep_up_to_date: bool
    shared_at: datetime
    updated_at: datetime


class SharesSection(Struct, frozen=True):
    about: str
    items: list[ShareMade]


class ShareReceived(Struct, frozen=True):
    id: UUID
    worker: PersonRef
    kind: str
    entry_id: UUID | None
    shared_at: datetime
    updated_at: datetime


class SharedWithYouSection(Struct, frozen=True):
    about: str
    items: list[ShareReceived]


class ViewOfYours(Struct, frozen=True):
    supervisor: PersonRef
    kind: str
    entry_id: UUID | None
    viewed_at: datetime


class ViewByYou(Struct, frozen=True):
    worker: PersonRef
    kind: str
    entry_id: UUID | None
    viewed_at: datetime


class ViewsSection(Struct, frozen=True):
    about: str
    of_what_you_share: list[ViewOfYours]
    by_you: list[ViewByYou]


class TalkSent(Struct, frozen=True):
    id: UUID
    supervisor: PersonRef
    how_soon: str
    note: str
    created_at: datetime
    seen_at: datetime | None
    acknowledged_at: datetime | None


class TalkReceived(Struct, frozen=True):
    id: UUID
    worker: PersonRef
    how_soon: str
    has_note: bool
    created_at: datetime
    seen_at: datetime | None
    acknowledged_at: datetime | None


class TalkRequestsSection(Struct, frozen=True):
    about: str
    sent: list[TalkSent]
    received: list[TalkReceived]


class SessionHeld(Struct, frozen=True):
    id: UUID
    your_part: Literal["supervisee", "supervisor"]
    with_person: PersonRef
    held_on: date
    kind: str
    # Whether you answered the pulse about it (as the supervisee); never what you answered.
    pulse_given: bool | None
    created_at: datetime


class SupervisionSessionsSection(Struct, frozen=True):
    about: str
    items: list[SessionHeld]


class MonthSent(Struct, frozen=True):
    month: str
    team: Ref | None
    checkin_days: int
    stress: int | None
    energy: int | None
    sleep: int | None


class OrganisationFiguresSection(Struct, frozen=True):
    about: str
    adding_check_ins: bool
    since: datetime | None
    months: list[MonthSent]


class RemindersSection(Struct, frozen=True):
    about: str
    plan: ReminderPlan | None
    updated_at: datetime | None
    scheduled_until: datetime | None


class PushDeviceInfo(Struct, frozen=True):
    id: UUID
    label: str
    endpoint_host: str
    created_at: datetime
    last_sent_at: datetime | None


class PushDevicesSection(Struct, frozen=True):
    about: str
    items: list[PushDeviceInfo]


class ReminderWaiting(Struct, frozen=True):
    id: UUID
    kind: ReminderKind
    due_at: datetime
    state: str
    sent_at: datetime | None


class RemindersDueSection(Struct, frozen=True):
    about: str
    items: list[ReminderWaiting]


class InvitationUsed(Struct, frozen=True):
    label: str
    roles: list[Role]
    created_at: datetime
    accepted_at: datetime | None


class InvitationsSection(Struct, frozen=True):
    about: str
    yours: list[InvitationUsed]
    made_by_you: int


class OneTimeGrant(Struct, frozen=True):
    purpose: str
    expires_at: datetime
    used_at: datetime | None


class OneTimeTokensSection(Struct, frozen=True):
    about: str
    items: list[OneTimeGrant]


class Counter(Struct, frozen=True):
    name: str
    count: int


class RateLimitsSection(Struct, frozen=True):
    about: str
    items: list[Counter]


class ServerData(Struct, frozen=True):
    """Everything Tend's server stores about one person, as a JSON download."""

    format: Literal["tend-server-data"]
    version: int
    exported_at: datetime
    about: str
    account: AccountSection
    organisation: OrganisationSection
    supervision: SupervisionSection
    sessions: SessionsSection
    security_log: SecurityLogSection
    records: RecordsSection
    sync: SyncSection
    shares: SharesSection
    shared_with_you: SharedWithYouSection
    views: ViewsSection
    talk_requests: TalkRequestsSection
    supervision_sessions: SupervisionSessionsSection
    organisation_figures: OrganisationFiguresSection
    reminders: RemindersSection
    push_devices: PushDevicesSection
    reminders_due: RemindersDueSection
    invitations: InvitationsSection
    one_time_tokens: OneTimeTokensSection
    rate_limits: RateLimitsSection
