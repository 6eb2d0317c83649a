"""What goes when a supervision relation ends: the sharing and requests that lived in it.

Apart from the services so that the organisation's people service, which ends relations,
can call it (and the sharing services can use the organisation's lookups in turn).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from server.sharing.tables import Share, TalkRequest


async def end_sharing(
    *, worker: UUID | None = None, supervisor: UUID | None = None, keep: Sequence[UUID] = ()
) -> None:
    """Delete what was shared and asked between people who no longer stand in that
    relation: all of a worker's (but for supervisors in ``keep``), or all a supervisor's.
    Run inside the transaction that changes the relation."""
    for table in (Share, TalkRequest):
        gone = table.worker == worker if worker is not None else table.supervisor == supervisor
        if worker is not None and keep:
            gone &= table.supervisor.not_in(list(keep))
        await table.delete().where(gone)
