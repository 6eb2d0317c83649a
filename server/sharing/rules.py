"""Who can see what of a worker: one table, read by the services that enforce it and by
the privacy page that explains it, so the two cannot drift apart.

Each rule names a kind of data and, for each role, whether and when they can see it. The
services import the constants below (``SHAREABLE``, ``MIN_GROUP``…) rather than their own.
"""

from __future__ import annotations

from msgspec import Struct

# What a worker can share with a supervisor, one thing at a time, after a preview.
SHAREABLE = ("summary", "recovery", "agenda", "entry")
# The smallest group any organisation figure may describe.
MIN_GROUP = 5
# How many past supervision sessions the supervisor's preparation view lists.
RECENT_SESSIONS = 10


class Rule(Struct, frozen=True):
    """What one role can see of one kind of data, in plain words."""

    data: str
    worker: str
    supervisor: str
    organisation: str


NOBODY = "No."

RULES: tuple[Rule, ...] = (
    Rule(
        data="Journal entries, drafts, check-ins, your self-care plan and reflections",
        worker="Yes, only on your devices once you unlock Tend.",
        supervisor="No. They are locked with a key only you hold.",
        organisation="No. Admins and whoever runs the server see locked data only.",
    ),
    Rule(
        data="Your weekly wellbeing summary",
        worker="Yes.",
        supervisor=(
            "Only a supervisor you chose, only after you saw the preview, and only until "
            "you stop sharing it. Bands and direction, not daily answers, unless you add them."
        ),
        organisation=NOBODY,
    ),
    Rule(
        data="Your recovery balance",
        worker="Yes.",
        supervisor="Only a supervisor you chose, after the preview, until you stop sharing it.",
        organisation=NOBODY,
    ),
    Rule(
        data="Your supervision agenda and reflection",
        worker="Yes.",
        supervisor="Only a supervisor you chose, after the preview, until you stop sharing it.",
        organisation=NOBODY,
    ),
    Rule(
        data="A journal entry you pick to share",
        worker="Yes.",
        supervisor=(
            "Only that entry, only the supervisor you chose, until you stop sharing it: "
            "then the copy on the server is deleted."
        ),
        organisation=NOBODY,
    ),
    Rule(
        data="“I'd like to talk” requests",
        worker="Yes, and when it was seen.",
        supervisor="Only the supervisor you asked.",
        organisation=NOBODY,
    ),
    Rule(
        data="Who looked at what you share",
        worker="Yes: every time, with the date and time.",
        supervisor="Only their own views.",
        organisation=NOBODY,
    ),
    Rule(
        data="That a supervision session happened (date and kind)",
        worker="Yes.",
        supervisor="Yes, for sessions they recorded.",
        organisation=(
            f"Only as a share of a team of at least {MIN_GROUP} people who had supervision "
            "recently; never who."
        ),
    ),
    Rule(
        data="Your answers about how supervision felt",
        worker="You give them; they are kept without your name.",
        supervisor="Never one by one.",
        organisation=f"Only averages from at least {MIN_GROUP} people.",
    ),
    Rule(
        data="Your check-ins in organisation figures",
        worker="Only if you choose to add them.",
        supervisor=NOBODY,
        organisation=(
            f"Only anonymous averages from groups of at least {MIN_GROUP} people, in ways "
            "that can't be combined to single anyone out."
        ),
    ),
    Rule(
        data="Your name, email, role, team and supervisors",
        worker="Yes.",
        supervisor="Your name, if they supervise you.",
        organisation="Admins see these, to run Tend for your organisation.",
    ),
)


class RulesRead(Struct, frozen=True):
    min_group: int
    rules: tuple[Rule, ...]


def rules_read() -> RulesRead:
    return RulesRead(min_group=MIN_GROUP, rules=RULES)
