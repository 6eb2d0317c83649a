"""Reading, opening and exporting a backup (docs/export.md) with server/backup/backup.py."""

from __future__ import annotations

import copy
import json
import uuid

import pytest

from server.backup import backup as backups
from tests.reference import keys, records
from tests.server.backup.helpers import (
    CREATED_AT,
    PASSWORD,
    USER_ID,
    as_bytes,
    make_backup,
    worker_records,
)

ITEMS = worker_records()


@pytest.fixture(scope="module")
def made() -> tuple[dict, str]:
    return make_backup(ITEMS)


def opened(backup: dict, secret: str) -> list[backups.OpenedRecord]:
    return backups.open_backup(backups.read_backup(as_bytes(backup)), secret)


def refused(backup: dict | bytes, secret: str = PASSWORD) -> str:
    data = backup if isinstance(backup, bytes) else as_bytes(backup)
    with pytest.raises(backups.BackupError) as error:
        backups.open_backup(backups.read_backup(data), secret)
    return error.value.reason


def contents(found: list[backups.OpenedRecord]) -> dict[str, object]:
    return {record.id: record.content for record in found}


def test_her_password_opens_every_record_with_its_exact_content(made):
    backup, _ = made
    assert contents(opened(backup, PASSWORD)) == {item["id"]: item["content"] for item in ITEMS}


def test_her_recovery_code_typed_in_lower_case_with_spaces_opens_it(made):
    backup, code = made
    typed = code.lower().replace("-", " ")
    assert contents(opened(backup, typed)) == {item["id"]: item["content"] for item in ITEMS}


def test_a_password_that_looks_like_a_recovery_code_still_opens_as_a_password():
    code_like = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789"
    backup, _ = make_backup(ITEMS[:1], password=code_like)
    assert contents(opened(backup, code_like)) == {ITEMS[0]["id"]: ITEMS[0]["content"]}


def test_without_a_recovery_copy_only_the_password_opens_it():
    backup, code = make_backup(ITEMS[:1], with_recovery=False)
    assert backup["keys"]["recovery"] is None
    assert len(opened(backup, PASSWORD)) == 1
    assert refused(backup, code) == "wrong-secret"
    del backup["keys"]["recovery"]
    assert len(opened(backup, PASSWORD)) == 1


def test_the_json_export_has_every_record_sorted_by_type_then_time_then_id(made):
    backup, _ = made
    read = backups.read_backup(as_bytes(backup))
    export = backups.json_export(read, backups.open_backup(read, PASSWORD))
    assert list(export) == ["format", "version", "exported_at", "user_id", "records"]
    assert export["format"] == "tend-export"
    assert export["version"] == 1
    assert export["exported_at"] == CREATED_AT
    assert export["user_id"] == USER_ID
    expected = sorted(ITEMS, key=lambda item: (item["type"], item["updated_at"], item["id"]))
    assert export["records"] == expected
    assert [r["type"] for r in export["records"]][:3] == ["agenda", "checkin", "checkin"]
    assert all("unreadable" not in r for r in export["records"])
    # and the file's bytes say the same, non-ASCII as UTF-8
    assert json.loads(backups.encode_export(export)) == export


def test_records_of_one_type_and_time_are_ordered_by_id():
    ids = sorted(str(uuid.uuid4()) for _ in range(3))
    items = [
        {"id": i, "type": "journal", "version": 1, "updated_at": CREATED_AT, "content": {}}
        for i in reversed(ids)
    ]
    backup, _ = make_backup(items)
    read = backups.read_backup(as_bytes(backup))
    export = backups.json_export(read, backups.open_backup(read, PASSWORD))
    assert [r["id"] for r in export["records"]] == ids


def test_an_unreadable_record_is_exported_as_null_and_marked():
    read = backups.read_backup(as_bytes(make_backup([])[0]))
    unreadable = backups.OpenedRecord(
        id=str(uuid.uuid4()), type="journal", version=1, updated_at=CREATED_AT, content=None,
        unreadable=True,
    )  # fmt: skip
    (exported,) = backups.json_export(read, [unreadable])["records"]
    assert exported["content"] is None
    assert exported["unreadable"] is True


def test_an_empty_backup_opens_to_an_empty_export():
    backup, _ = make_backup([])
    assert opened(backup, PASSWORD) == []


def test_the_export_is_named_by_the_day_the_backup_was_made(made):
    read = backups.read_backup(as_bytes(made[0]))
    assert backups.export_stem(read) == "tend-export-2026-11-30"


# ── files that are not a backup, or not this one ──────────────────────────────────────────


def _edited(made: tuple[dict, str], edit) -> dict:
    backup = copy.deepcopy(made[0])
    edit(backup)
    return backup


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not-a-backup"),
        (b"not json at all", "not-a-backup"),
        (b"\xff\xfe{", "not-a-backup"),
        (b"[1, 2, 3]", "not-a-backup"),
        (b'{"format": "something-else", "version": 1}', "not-a-backup"),
        (b'{"format": "tend-backup", "version": 2}', "newer-version"),
        (b'{"format": "tend-backup", "version": 1}', "not-a-backup"),
        (b'{"format": "tend-backup", "version": "1"}', "not-a-backup"),
        (b'{"format": "tend-backup", "version": 0}', "not-a-backup"),
    ],
    ids=["empty", "not JSON", "not UTF-8", "a list", "another format", "version 2",
         "fields missing", "a version in quotes", "version 0"],
)  # fmt: skip
def test_a_file_that_is_not_a_backup_is_refused_before_any_secret(data, reason):
    with pytest.raises(backups.BackupError) as error:
        backups.read_backup(data)
    assert error.value.reason == reason
    assert str(error.value) == backups.MESSAGES[reason]


def test_a_truncated_backup_is_refused(made):
    data = as_bytes(made[0])
    for cut in (1, len(data) // 2, len(data) - 1):
        with pytest.raises(backups.BackupError, match="not a Tend backup, or it is damaged"):
            backups.read_backup(data[:cut])


def test_a_newer_backup_says_to_update_tend_whatever_else_it_holds(made):
    newer = _edited(made, lambda b: b.update(version=2, keys="a shape Tend 1 never wrote"))
    with pytest.raises(backups.BackupError, match=r"newer version of Tend\. Please update"):
        backups.read_backup(as_bytes(newer))


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b.pop("manifest"),
        lambda b: b.update(backup_id="not-a-uuid"),
        lambda b: b.update(created_at="yesterday"),
        lambda b: b.update(created_at="2026-11-30T09:15:00"),  # no offset
        lambda b: b["keys"]["password"].update(salt="has+plus"),
        lambda b: b["keys"]["password"].update(salt="c2hvcnQ"),  # 5 bytes
        lambda b: b["keys"]["password"].update(iterations="600000"),
        lambda b: b["keys"]["password"].update(wrapped_data_key="AAAA"),
        lambda b: b["records"][0].update(version=0),
        lambda b: b["records"][0].update(type="Journal"),
        lambda b: b["records"][0].update(envelope="not base64url!"),
        lambda b: b["records"][0].pop("updated_at"),
        lambda b: b.update(records={}),
    ],
    ids=["no manifest", "a bad backup id", "a bad date", "a date without offset",
         "a bad salt", "a short salt", "iterations in quotes", "a short wrapped key",
         "version 0", "a capital type", "a bad envelope", "no updated_at", "records not a list"],
)  # fmt: skip
def test_a_backup_of_the_wrong_shape_is_refused(made, edit):
    with pytest.raises(backups.BackupError) as error:
        backups.read_backup(as_bytes(_edited(made, edit)))
    assert error.value.reason == "not-a-backup"


def test_fewer_than_600000_iterations_are_refused():
    backup, code = make_backup(ITEMS[:1], iterations=599_999)
    for secret in (PASSWORD, code):
        with pytest.raises(backups.BackupError, match="password check Tend never uses") as error:
            backups.open_backup(backups.read_backup(as_bytes(backup)), secret)
        assert error.value.reason == "weak-password-check"


def test_more_than_ten_million_iterations_are_refused_before_any_work():
    backup, _ = make_backup(ITEMS[:1])
    backup["keys"]["password"]["iterations"] = 2**40
    with pytest.raises(backups.BackupError) as error:
        backups.read_backup(as_bytes(backup))
    assert error.value.reason == "weak-password-check"


def test_a_wrong_password_or_recovery_code_is_told_plainly(made):
    backup, code = made
    other_code, _ = keys.generate_recovery_code()
    for wrong in (PASSWORD + "!", "", other_code, code[:-1] + ("0" if code[-1] != "0" else "1")):
        assert refused(backup, wrong) == "wrong-secret"
    with pytest.raises(backups.BackupError) as error:
        opened(backup, "nope")
    assert str(error.value) == "That password or recovery code does not open this backup."


def _swap_envelopes(backup: dict) -> None:
    first, second = backup["records"][3], backup["records"][4]  # two check-ins
    first["envelope"], second["envelope"] = second["envelope"], first["envelope"]


def _flip_bit(text: str, at: int) -> str:
    data = bytearray(keys.b64url_decode(text))
    data[at] ^= 1
    return keys.b64url_encode(bytes(data))


def _reseal_manifest(backup: dict, content: dict, data_key: bytes) -> None:
    ref: records.RecordRef = {"id": backup["backup_id"], "type": "backup-manifest", "version": 1}
    backup["manifest"] = records.seal_record(data_key, ref, content)


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b["records"][1].update(envelope=_flip_bit(b["records"][1]["envelope"], 20)),
        lambda b: b["records"][1].update(envelope=_flip_bit(b["records"][1]["envelope"], -1)),
        lambda b: b["records"].pop(2),
        lambda b: b["records"].append(copy.deepcopy(b["records"][2])),
        _swap_envelopes,
        lambda b: b["records"][5].update(type="journal"),
        lambda b: b["records"][5].update(version=b["records"][5]["version"] + 1),
        lambda b: b.update(manifest=_flip_bit(b["manifest"], 30)),
        lambda b: b.update(manifest=b["records"][0]["envelope"]),
        lambda b: b.update(user_id=str(uuid.uuid4())),
        lambda b: b.update(created_at="2026-12-01T09:15:00.000Z"),
        lambda b: b.update(backup_id=str(uuid.uuid4())),
    ],
    ids=["a record altered", "a record's tag altered", "a record removed", "a record repeated",
         "records swapped between ids", "a record relabelled", "a record's version changed",
         "the manifest altered", "another envelope as manifest", "another user's id",
         "another date", "another backup id"],
)  # fmt: skip
def test_a_damaged_or_rearranged_backup_is_refused_whole(made, edit):
    _backup, code = made
    damaged = _edited(made, edit)
    for secret in (PASSWORD, code):
        assert refused(damaged, secret) == "damaged"
    with pytest.raises(
        backups.BackupError, match=r"^This backup is damaged, so it can't be opened\.$"
    ):
        opened(damaged, code)


def test_a_record_the_manifest_does_not_list_is_refused_even_if_it_opens():
    data_key = b"\7" * 32
    extra = {"id": str(uuid.uuid4()), "type": "journal", "version": 1,
             "updated_at": CREATED_AT, "content": {"title": "slipped in"}}  # fmt: skip
    backup, _ = make_backup(ITEMS[:2], data_key=data_key)
    sealed, _ = make_backup([extra], data_key=data_key)
    backup["records"].append(sealed["records"][0])
    assert refused(backup) == "damaged"


@pytest.mark.parametrize(
    "manifest",
    [
        {"user_id": USER_ID, "created_at": CREATED_AT},
        {"user_id": USER_ID, "created_at": CREATED_AT, "records": "all of them"},
        {"user_id": USER_ID, "created_at": CREATED_AT, "records": [["a", "journal", "1"]]},
        ["not", "an", "object"],
    ],
    ids=["no list", "not a list", "a version in quotes", "not an object"],
)
def test_a_manifest_of_the_wrong_shape_means_damaged(manifest):
    data_key = b"\7" * 32
    backup, _ = make_backup([], data_key=data_key)
    _reseal_manifest(backup, manifest, data_key)
    assert refused(backup) == "damaged"


def test_a_manifest_listing_a_record_twice_means_damaged():
    data_key = b"\7" * 32
    backup, _ = make_backup(ITEMS[:1], data_key=data_key)
    listed = [ITEMS[0]["id"], ITEMS[0]["type"], ITEMS[0]["version"]]
    manifest = {"user_id": USER_ID, "created_at": CREATED_AT, "records": [listed, listed]}
    _reseal_manifest(backup, manifest, data_key)
    assert refused(backup) == "damaged"


def test_the_manifest_date_may_be_written_another_way_for_the_same_moment():
    data_key = b"\7" * 32
    backup, _ = make_backup(ITEMS[:1], data_key=data_key)
    listed = [[ITEMS[0]["id"], ITEMS[0]["type"], ITEMS[0]["version"]]]
    manifest = {"user_id": USER_ID, "created_at": "2026-11-30T09:15:00+00:00", "records": listed}
    _reseal_manifest(backup, manifest, data_key)
    assert len(opened(backup, PASSWORD)) == 1


def test_unknown_fields_are_ignored_for_what_a_later_version_1_might_add(made):
    backup = _edited(made, lambda b: b.update(app_version="1.4.0"))
    backup["records"][0]["note"] = "ignored"
    assert len(opened(backup, PASSWORD)) == len(ITEMS)


def test_every_message_is_one_plain_sentence_or_two():
    for message in backups.MESSAGES.values():
        assert message.endswith(".")
        assert "\n" not in message
        for word in ("decrypt", "tag", "manifest", "exception", "JSON"):
            assert word not in message
