"""The append-only audit log of security events. No personal content goes in it."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec

from server.accounts.tables import AuditEvent

Event = Literal[
    "organisation_set_up",
    "sign_in",
    "sign_in_failed",
    "sign_in_locked",
    "sign_out",
    "session_ended",
    "password_changed",
    "recovery_code_changed",
    "recovery_used",
    "recovery_failed",
    "invitation_created",
    "invitation_resent",
    "invitation_revoked",
    "invitation_accepted",
    "roles_changed",
    "team_changed",
    "supervisors_changed",
    "account_deactivated",
    "account_reactivated",
    "account_deleted",
    "support_resource_added",
    "support_resource_changed",
    "support_resource_removed",
    "support_resources_reordered",
    "library_item_added",
    "library_item_retired",
    "library_item_restored",
]


class Client(msgspec.Struct, frozen=True):
    """Where a request came from, as far as the audit log needs to know."""

    ip: str = ""
    device: str = ""


async def record(
    event: Event,
    *,
    organisation_id: UUID | None,
    actor_id: UUID | None = None,
    subject_id: UUID | None = None,
    client: Client | None = None,
    detail: dict | None = None,
) -> None:
    client = client or Client()
    await AuditEvent.insert(
        AuditEvent(
            organisation_id=organisation_id,
            event=event,
            actor_id=actor_id,
            subject_id=subject_id,
            ip=client.ip,
            device=client.device,
            detail=detail or {},
        )
    ).run()


def describe_device(user_agent: str) -> str:
    """A short, non-identifying name for a browser: "Chrome on Android"."""
    ua = user_agent.lower()
    if "edg/" in ua:
        browser = "Edge"
    elif "firefox/" in ua or "fxios" in ua:
        browser = "Firefox"
    elif "chrome/" in ua or "chromium/" in ua or "crios" in ua:
        browser = "Chrome"
    elif "safari/" in ua:
        browser = "Safari"
    else:
        browser = "A browser"
    systems = (
        ("android", "Android"),
        ("iphone", "iPhone"),
        ("ipad", "iPad"),
        ("windows", "Windows"),
        ("mac os", "Mac"),
        ("cros", "ChromeOS"),
        ("linux", "Linux"),
    )
    system = next((name for marker, name in systems if marker in ua), "")
    return f"{browser} on {system}" if system else browser
