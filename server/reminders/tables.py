"""Reminder plans, the devices that receive pushes, the reminders due, and push outcomes.

All of it is operational: when a person wants a nudge and where to send it. Nothing here
says why — a follow-up row says only that one is due, never what happened.
"""

from __future__ import annotations

import uuid

from piccolo.columns import (
    JSON,
    UUID,
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


class VapidKeyRow(Table, tablename="vapid_key"):
    """The server's VAPID key pairs; the newest is current. Older ones stay while a device
    subscribed with them remains (``tend vapid --rotate``)."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    private_pem = Text()
    public_key = Varchar(length=100, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class PushDevice(Table, tablename="push_device"):
    """One browser's push subscription. The endpoint is a capability URL: never logged."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    person = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, index=True)
    endpoint = Text(unique=True)
    p256dh = Varchar(length=100)
    auth = Varchar(length=40)
    # The applicationServerKey it was made with: pushes to it are signed with that key.
    server_key = Varchar(length=100)
    label = Varchar(length=80)
    session_id = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    last_sent_at = Timestamptz(null=True, default=None)


class ReminderPlanRow(Table, tablename="reminder_plan"):
    """A person's reminder plan (``schemas.ReminderPlan`` as JSON), and how far ahead its
    reminders have been worked out."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    person = ForeignKey(Person, on_delete=OnDelete.cascade, null=False, unique=True)
    plan = JSON()
    updated_at = Timestamptz(default=TimestamptzNow())
    scheduled_until = Timestamptz()


class ReminderDue(Table, tablename="reminder_due"):
    """One reminder to send. Unique by (person, key) — an index in the migration — so
    working the schedule out again never makes a second one.

    ``state``: due → sending (claimed by one dispatcher until ``lease_until``) → sent, or
    skipped (paused, no device) or missed (found too late); done rows are deleted two days
    on. ``next_at`` is when it may be
    tried (later than ``due_at`` after a push service asked to wait); ``delivered_to`` the
    devices that already have it, so a retry never sends twice to one device."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    person = ForeignKey(Person, on_delete=OnDelete.cascade, null=False)
    kind = Varchar(length=16)
    key = Varchar(length=64)
    due_at = Timestamptz()
    next_at = Timestamptz()
    state = Varchar(length=8, default="due")
    attempts = SmallInt(default=0)
    # Which claim holds it while ``sending``: only that dispatcher may record the outcome.
    claim = UUID(null=True, default=None)
    lease_until = Timestamptz(null=True, default=None)
    delivered_to = JSON(default=[])
    sent_at = Timestamptz(null=True, default=None)


class PushOutcomeCount(Table, tablename="push_outcome_count"):
    """How pushes fared, per organisation, day, push service and result: counts only, no
    content, no person. Unique by (organisation, day, service, result) — an index in the
    migration."""

    id = UUID(primary_key=True, default=uuid.uuid4)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.cascade, null=False)
    day = Date()
    service = Varchar(length=120)
    result = Varchar(length=10)
    count = Integer(default=0)
