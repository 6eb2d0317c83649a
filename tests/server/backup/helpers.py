"""Backups made as the browser makes them (docs/export.md), with the test-only reference
implementations, and the records of one worker to put in them."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from tests.reference import keys, records

PASSWORD = "slow days are fine 🌧️"
CREATED_AT = "2026-11-30T09:15:00.000Z"
USER_ID = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"  # a server id: UUIDv7

PLAN_ID = str(uuid.uuid4())
SCRIPT_ENTRY_ID = str(uuid.uuid4())


def record(type_: str, content: Any, updated_at: str, version: int = 1, id_: str = "") -> dict:
    return {
        "id": id_ or str(uuid.uuid4()),
        "type": type_,
        "version": version,
        "updated_at": updated_at,
        "content": content,
    }


def worker_records() -> list[dict]:
    """One worker's records: journal entries, check-ins (and a suggestion put away), her plan,
    an agenda, a monthly reflection, supervision notes and a type Tend does not know yet."""
    return [
        record(
            "plan",
            {
                "warningSigns": ["Snapping at the people I love", "Not sleeping"],
                "helps": ["A walk by the river"],
                "avoid": ["Scrolling the news after a night shift"],
                "afterHardShift": ["Shower, tea, no screens"],
                "people": [{"name": "Priya", "phone": "07700 900123", "note": "after 6pm"}],
                "reasons": "My daughter\nThe allotment",
                "marks": {"helps": {"id": "MARK-SECRET-ID", "basedOn": []}},
                "updatedAt": "2026-11-02T10:00:00.000Z",
            },
            "2026-11-02T10:00:01.000Z",
            version=4,
            id_=PLAN_ID,
        ),
        record(
            "journal",
            {
                "title": "A hard handover",
                "body": "<script>alert('boo')</script>\nSecond line & more",
                "tags": ["handover", "night"],
                "feelings": ["tired", "proud"],
                "createdAt": "2026-11-20T22:10:00.000Z",
                "updatedAt": "2026-11-20T22:40:00.000Z",
            },
            "2026-11-20T22:40:01.000Z",
            version=2,
            id_=SCRIPT_ENTRY_ID,
        ),
        record(
            "journal",
            {
                "title": "First entry",
                "body": "Starting this journal.",
                "createdAt": "2026-11-01T08:00:00.000Z",
                "updatedAt": "2026-11-25T08:00:00.000Z",
            },
            "2026-11-25T08:00:01.000Z",
        ),
        # Week of Monday 16 November: stress 2 and 4, energy 3 and none, sleep 4 and 3.
        record(
            "checkin",
            {
                "at": "2026-11-17T18:00:00.000Z",
                "day": "2026-11-17",
                "stress": 2,
                "energy": 3,
                "sleep": 4,
                "feelings": ["calm"],
                "helped": ["time outside"],
                "context": "day-off",
                "difficult": False,
                "note": "Quiet day",
            },
            "2026-11-17T18:00:01.000Z",
        ),
        record(
            "checkin",
            {
                "at": "2026-11-22T23:30:00.000Z",
                "day": "2026-11-22",
                "stress": 4,
                "energy": None,
                "sleep": 3,
                "context": "night-shift",
            },
            "2026-11-22T23:30:01.000Z",
        ),
        # Week of Monday 23 November: stress 5 and 2; one with no day field, by its time.
        record(
            "checkin",
            {
                "at": "2026-11-23T07:45:00.000Z",
                "day": "2026-11-23",
                "stress": 5,
                "energy": 1,
                "sleep": None,
                "context": "after-shift",
                "difficult": True,
                "note": "A restraint on shift",
            },
            "2026-11-23T07:45:01.000Z",
        ),
        record(
            "checkin",
            {"at": "2026-11-24T12:00:00.000Z", "stress": 2, "energy": 2, "sleep": 2},
            "2026-11-24T12:00:01.000Z",
        ),
        record(
            "checkin",
            {"kind": "dismissal", "insight": "hard-days", "day": "2026-11-25"},
            "2026-11-25T09:00:01.000Z",
        ),
        record(
            "agenda",
            {
                "items": ["The night rota", "Training on de-escalation"],
                "reflection": "Feeling stretched but hopeful",
                "updatedAt": "2026-11-26T12:00:00.000Z",
            },
            "2026-11-26T12:00:01.000Z",
            version=3,
        ),
        record(
            "reflection",
            {
                "at": "2026-11-28T19:00:00.000Z",
                "instrument": {"id": "tend-wellbeing", "version": 1},
                "answers": {"q1": 3, "q2": 4},
                "results": [{"id": "strain", "name": "Strain", "score": 12, "label": "Some signs"}],
            },
            "2026-11-28T19:00:01.000Z",
        ),
        record(
            "supervision",
            {"heldOn": "2026-11-27", "notes": "Talked through the rota"},
            "2026-11-27T15:00:01.000Z",
        ),
        record(
            "future-thing",
            {"colour": "teal", "steps": [{"what": "Stretch", "minutes": 10}], "done": True},
            "2026-11-29T07:00:01.000Z",
        ),
    ]


def make_backup(
    items: list[dict],
    *,
    password: str = PASSWORD,
    iterations: int = keys.DEFAULT_ITERATIONS,
    with_recovery: bool = True,
    data_key: bytes | None = None,
    manifest_records: list[list] | None = None,
) -> tuple[dict, str]:
    """A backup of ``items`` as the browser makes it, and its formatted recovery code."""
    data_key = data_key or os.urandom(32)
    salt = os.urandom(16)
    _, wrapping_key = keys.derive_account_keys(password, salt, iterations)
    code, code_bytes = keys.generate_recovery_code()
    recovery_salt = os.urandom(16)
    _, recovery_key = keys.derive_recovery_keys(code_bytes, recovery_salt)
    backup_id = str(uuid.uuid4())
    listed = [[r["id"], r["type"], r["version"]] for r in items]
    manifest = {
        "user_id": USER_ID,
        "created_at": CREATED_AT,
        "records": listed if manifest_records is None else manifest_records,
    }
    backup = {
        "format": "tend-backup",
        "version": 1,
        "backup_id": backup_id,
        "created_at": CREATED_AT,
        "user_id": USER_ID,
        "keys": {
            "password": {
                "salt": keys.b64url_encode(salt),
                "iterations": iterations,
                "wrapped_data_key": keys.b64url_encode(keys.wrap_data_key(data_key, wrapping_key)),
            },
            "recovery": {
                "salt": keys.b64url_encode(recovery_salt),
                "wrapped_data_key": keys.b64url_encode(keys.wrap_data_key(data_key, recovery_key)),
            }
            if with_recovery
            else None,
        },
        "manifest": records.seal_record(
            data_key, {"id": backup_id, "type": "backup-manifest", "version": 1}, manifest
        ),
        "records": [
            {
                "id": r["id"],
                "type": r["type"],
                "version": r["version"],
                "updated_at": r["updated_at"],
                "envelope": records.seal_record(
                    data_key,
                    {"id": r["id"], "type": r["type"], "version": r["version"]},
                    r["content"],
                ),
            }
            for r in items
        ],
    }
    return backup, code


def as_bytes(backup: dict) -> bytes:
    return json.dumps(backup).encode()
