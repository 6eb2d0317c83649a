"""What a worker chose to share, who looked at it, requests to talk, supervision sessions,
anonymous pulses about them, and contributions to organisation figures.

Everything here is either operational (who supervises whom, when supervision happened) or
something the worker explicitly shared after a preview. Revoking deletes the row.
"""

from __future__ import annotations

import uuid

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Person
from server.org.tables import Organisation


class Share(Table):
    """One thing one worker shares with one supervisor: the content is exactly what her
    preview showed. Unique by (worker, supervisor, kind, item_id): an index in the
    migration; ``item_id`` is the journal entry's id, or a fixed nil id for the others."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    worker = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    supervisor = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    kind = Varchar(length=12)
    item_id = UUID()
    content = JSON()
    keep_up_to_date = Boolean(default=False)
    shared_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ShareView(Table):
    """Each time a supervisor was shown something a worker shares. Kind and item id only:
    the worker's own device names the entry, so nothing shared outlives its revoking."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    worker = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    supervisor = ForeignKey(Person, on_delete=OnDelete.cascade, null=False)
    kind = Varchar(length=12)
    item_id = UUID()
    viewed_at = Timestamptz(default=TimestamptzNow())


class TalkRequest(Table):
    """ "I'd like to talk": to one supervisor, with an optional short note."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    worker = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    supervisor = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    note = Text(default="")
    how_soon = Varchar(length=20)
    created_at = Timestamptz(default=TimestamptzNow())
    seen_at = Timestamptz(null=True, default=None)
    acknowledged_at = Timestamptz(null=True, default=None)


class SupervisionSession(Table):
    """That supervision happened: when, and what kind. The supervisor's notes about it are
    her own encrypted records, never this row. ``pulse_given`` says only that the worker
    answered the pulse, never what she answered."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    supervisor = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    worker = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    held_on = Date()
    kind = Varchar(length=12)
    pulse_given = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class PulseTally(Table):
    """Running totals of the anonymous answers to "how did supervision feel?", one row per
    organisation, team (the team she was in when she answered; ``NO_TEAM`` for none) and
    month of the session. No answer is ever kept on its own: each adds to these sums, and
    ``people`` grows only with her first answer about a session in that month. Unique by
    (organisation, team_id, month): an index in the migration. Deleted once the month's
    figures are frozen (``InsightSnapshot``)."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.cascade, null=False)
    team_id = UUID()
    month = Varchar(length=7)
    answers = Integer(default=0)
    people = Integer(default=0)
    heard = Integer(default=0)
    checked_in = Integer(default=0)
    useful = Integer(default=0)


class OrgSharing(Table):
    """A worker who chose to add her check-ins, anonymously, to her organisation's figures."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    worker = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, unique=True)
    since = Timestamptz(default=TimestamptzNow())


class Contribution(Table):
    """One opted-in worker's month, as bands her device worked out (unique by worker and
    month: an index in the migration), and the team she was in when she sent it. Only this
    month and the one before are accepted; once a month's figures are frozen its rows are
    deleted. Deleted too when she stops sharing with the organisation."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    worker = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    month = Varchar(length=7)
    team_id = UUID(null=True, default=None)
    checkin_days = Integer()
    stress = SmallInt(null=True, default=None)
    energy = SmallInt(null=True, default=None)
    sleep = SmallInt(null=True, default=None)


class InsightSnapshot(Table):
    """An organisation's figures for one period, frozen the first time they were needed:
    a closed month ("2026-10": wellbeing and quality) or an ISO week ("2026-W48":
    supervision coverage). ``figures`` holds only what the rule let through, by team id
    (and "organisation"); a hidden figure is null. Unique by (organisation, period): an
    index in the migration."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.cascade, null=False)
    period = Varchar(length=8)
    taken_on = Date()
    figures = JSON()
