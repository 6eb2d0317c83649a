"""Sharing with supervisors through the API: consent, preview-exact content, revoking,
the view log, requests to talk, sessions and the anonymous pulse."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

import pytest

from server.sharing.tables import Share, ShareView, SupervisionSession, TalkRequest
from tests.server.accounts.helpers import join

SUMMARY = {
    "kind": "summary",
    "week_ending": "2026-11-22",
    "checkin_days": 5,
    "stress": {"level": 4, "direction": "higher"},
    "energy": {"level": 2},
    "sleep": {"level": 3, "direction": "steady"},
}
AGENDA = {
    "kind": "agenda",
    "items": ["The restraint on Tuesday"],
    "reflection": "Still on my mind.",
}
ENTRY = {
    "kind": "entry",
    "written_on": "2026-11-20",
    "title": "After the restraint",
    "body": "Long shift.\nSat in the car for ten minutes.",
    "tags": ["restraint"],
}


@pytest.fixture
async def other_supervisor(app, admin):
    """A supervisor in the same organisation who does not supervise Jade."""
    return await join(app, admin, "Sam", "sam@example.org", ("supervisor",), "Elm Lodge")


async def share(worker, supervisor, content, **extra):
    body = {"supervisor_id": supervisor.me["id"], "content": content, **extra}
    return await worker.put("/api/sharing/shares", json=body)


async def test_nothing_is_shared_by_default(worker, supervisor):
    mine = (await worker.get("/api/sharing")).json()
    assert [s["display_name"] for s in mine["supervisors"]] == ["Claire"]
    assert mine["shares"] == []
    assert mine["organisation"] is False
    overview = (await supervisor.get("/api/supervision/overview")).json()
    assert overview == [
        {
            "person": {"id": worker.me["id"], "display_name": "Jade"},
            "requests": [],
            "shares": [],
            "last_session_on": None,
        }
    ]
    prepared = (await supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}")).json()
    assert prepared["shares"] == []


async def test_the_supervisor_sees_exactly_what_was_previewed_and_the_view_is_logged(
    worker, supervisor
):
    response = await share(worker, supervisor, SUMMARY, keep_up_to_date=True)
    assert response.status_code == 200, response.text
    shared = response.json()
    assert shared["content"] == SUMMARY
    assert shared["keep_up_to_date"] is True
    assert (await worker.get("/api/sharing/views")).json() == []

    overview = (await supervisor.get("/api/supervision/overview")).json()
    # The list names what is shared, and on which day: not what it says, nor the time.
    assert overview[0]["shares"] == [{"kind": "summary", "updated_on": date.today().isoformat()}]
    assert set(overview[0]) == {"person", "requests", "shares", "last_session_on"}
    assert (await worker.get("/api/sharing/views")).json() == []

    prepared = (await supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}")).json()
    assert [item["content"] for item in prepared["shares"]] == [SUMMARY]
    views = (await worker.get("/api/sharing/views")).json()
    assert [(v["kind"], v["supervisor"]["display_name"]) for v in views] == [("summary", "Claire")]


async def test_sharing_again_replaces_and_revoking_deletes_at_once(app, worker, supervisor):
    first = (await share(worker, supervisor, SUMMARY)).json()
    changed = {**SUMMARY, "checkin_days": 6}
    second = (await share(worker, supervisor, changed)).json()
    assert second["id"] == first["id"]
    assert second["content"] == changed
    assert await Share.count().where(Share.worker == uuid.UUID(worker.me["id"])) == 1

    response = await worker.delete(f"/api/sharing/shares/{first['id']}")
    assert response.status_code == 204
    assert await Share.count() == 0, "revoking deletes the server's copy"
    prepared = (await supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}")).json()
    assert prepared["shares"] == []
    again = await worker.delete(f"/api/sharing/shares/{first['id']}")
    assert again.status_code == 404


async def test_the_same_thing_shared_from_two_devices_at_once_is_one_share(worker, supervisor):
    sent = [{**SUMMARY, "checkin_days": n} for n in range(6)]
    responses = await asyncio.gather(*(share(worker, supervisor, content) for content in sent))
    assert [r.status_code for r in responses] == [200] * 6
    assert len({r.json()["id"] for r in responses}) == 1
    assert await Share.count() == 1


async def test_entries_are_shared_one_at_a_time_by_their_id(worker, supervisor):
    entry_id = str(uuid.uuid4())
    no_id = await share(worker, supervisor, ENTRY)
    assert no_id.status_code == 422
    assert no_id.json()["details"][0]["field"] == "body.entry_id"
    with_id = await share(worker, supervisor, SUMMARY, entry_id=entry_id)
    assert with_id.status_code == 422
    ok = await share(worker, supervisor, ENTRY, entry_id=entry_id)
    assert ok.status_code == 200
    assert ok.json()["entry_id"] == entry_id
    other = await share(
        worker, supervisor, {**ENTRY, "title": "Another"}, entry_id=str(uuid.uuid4())
    )
    assert other.status_code == 200
    prepared = (await supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}")).json()
    assert sorted(item["content"]["title"] for item in prepared["shares"]) == [
        "After the restraint",
        "Another",
    ]
    await worker.delete(f"/api/sharing/shares/{ok.json()['id']}")
    prepared = (await supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}")).json()
    assert [item["content"]["title"] for item in prepared["shares"]] == ["Another"]


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ({**SUMMARY, "stress": {"level": 9}}, "body.content.stress.level"),
        ({**SUMMARY, "mood": "low"}, "body.content"),
        ({"kind": "diary"}, "body.content.kind"),
        ({**AGENDA, "items": ["x" * 301]}, "body.content.items[0]"),
        ({**AGENDA, "reflection": "a\x00b"}, "body.content.reflection"),
        ({**SUMMARY, "days": [{"day": "2026-11-20", "stress": 1}] * 8}, "body.content.days"),
    ],
)
async def test_content_that_does_not_fit_is_refused_and_nothing_is_kept(
    worker, supervisor, content, field
):
    response = await share(worker, supervisor, content)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert [d["field"] for d in body["details"]] == [field]
    assert await Share.count() == 0


async def test_only_her_own_supervisors_and_her_own_shares(
    app, admin, worker, supervisor, other_supervisor
):
    refused = await share(worker, other_supervisor, SUMMARY)
    assert refused.status_code == 422
    assert refused.json()["details"][0]["field"] == "body.supervisor_id"
    shared = (await share(worker, supervisor, SUMMARY)).json()

    amir = await join(
        app, admin, "Amir", "amir@example.org", ("worker",), "Oak House", [supervisor.me["id"]]
    )
    assert (await amir.delete(f"/api/sharing/shares/{shared['id']}")).status_code == 404
    assert (await amir.get("/api/sharing")).json()["shares"] == []
    assert (await amir.get("/api/sharing/views")).json() == []

    # Sam supervises nobody here: Jade's page is not found, not forbidden.
    sam_sees = await other_supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}")
    assert sam_sees.status_code == 404
    assert await ShareView.count() == 0


async def test_a_supervisor_taken_off_loses_what_was_shared_with_them(admin, worker, supervisor):
    await share(worker, supervisor, AGENDA)
    await worker.post("/api/sharing/talk", json={"supervisor_id": supervisor.me["id"]})
    response = await admin.put(
        f"/api/admin/people/{worker.me['id']}/supervisors", json={"supervisor_ids": []}
    )
    assert response.status_code == 200, response.text
    assert await Share.count() == 0
    assert (await supervisor.get("/api/supervision/overview")).json() == []
    gone = await supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}")
    assert gone.status_code == 404


async def test_id_like_to_talk_is_seen_and_acknowledged(worker, supervisor, other_supervisor):
    refused = await worker.post(
        "/api/sharing/talk", json={"supervisor_id": other_supervisor.me["id"]}
    )
    assert refused.status_code == 422
    asked = await worker.post(
        "/api/sharing/talk",
        json={
            "supervisor_id": supervisor.me["id"],
            "how_soon": "this-week",
            "note": "About Tuesday",
        },
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    assert (await worker.get("/api/sharing/talk")).json()[0]["seen_at"] is None

    overview = (await supervisor.get("/api/supervision/overview")).json()
    assert overview[0]["requests"][0]["note"] == "About Tuesday"
    mine = (await worker.get("/api/sharing/talk")).json()[0]
    assert mine["seen_at"] is not None
    assert mine["acknowledged_at"] is None

    not_hers = await other_supervisor.post(f"/api/supervision/requests/{request_id}/acknowledge")
    assert not_hers.status_code == 404, "Sam supervises nobody: Jade's request isn't found"
    done = await supervisor.post(f"/api/supervision/requests/{request_id}/acknowledge")
    assert done.status_code == 200
    assert done.json()["acknowledged_at"]
    assert (await supervisor.get("/api/supervision/overview")).json()[0]["requests"] == []
    assert (await worker.get("/api/sharing/talk")).json()[0]["acknowledged_at"]

    bad = await worker.post(
        "/api/sharing/talk", json={"supervisor_id": supervisor.me["id"], "how_soon": "now!"}
    )
    assert bad.status_code == 422
    assert (await worker.delete(f"/api/sharing/talk/{request_id}")).status_code == 204
    assert (await worker.get("/api/sharing/talk")).json() == []


async def test_sessions_and_an_anonymous_pulse(app, admin, worker, supervisor):
    today = date.today()
    recorded = await supervisor.post(
        "/api/supervision/sessions",
        json={"worker_id": worker.me["id"], "held_on": today.isoformat(), "kind": "debrief"},
    )
    assert recorded.status_code == 201, recorded.text
    future = await supervisor.post(
        "/api/supervision/sessions",
        json={"worker_id": worker.me["id"], "held_on": (today + timedelta(days=9)).isoformat()},
    )
    assert future.status_code == 422
    not_mine = await supervisor.post(
        "/api/supervision/sessions",
        json={"worker_id": admin.me["id"], "held_on": today.isoformat()},
    )
    assert not_mine.status_code == 422

    sessions = (await worker.get("/api/sharing/sessions")).json()
    assert [(s["kind"], s["pulse_given"]) for s in sessions] == [("debrief", False)]
    session_id = sessions[0]["id"]
    amir = await join(
        app, admin, "Amir", "amir@example.org", ("worker",), "Oak House", [supervisor.me["id"]]
    )
    pulse = {"heard": 5, "checked_in": 4, "useful": 3}
    assert (
        await amir.post(f"/api/sharing/sessions/{session_id}/pulse", json=pulse)
    ).status_code == 404
    assert (
        await worker.post(
            f"/api/sharing/sessions/{session_id}/pulse",
            json={"heard": 6, "checked_in": 1, "useful": 1},
        )
    ).status_code == 422
    given = await worker.post(f"/api/sharing/sessions/{session_id}/pulse", json=pulse)
    assert given.status_code == 204, given.text
    twice = await worker.post(f"/api/sharing/sessions/{session_id}/pulse", json=pulse)
    assert twice.status_code == 409
    assert (await worker.get("/api/sharing/sessions")).json()[0]["pulse_given"] is True

    # Her answers only ever add to a tally: no row holds them beside her or the session.
    from server.sharing.tables import PulseTally

    rows = await PulseTally.select()
    assert len(rows) == 1
    tally = rows[0]
    assert set(tally) == {
        "id",
        "organisation",
        "team_id",
        "month",
        "answers",
        "people",
        "heard",
        "checked_in",
        "useful",
    }
    assert tally["month"] == today.strftime("%Y-%m")
    assert (tally["answers"], tally["people"]) == (1, 1)
    assert (tally["heard"], tally["checked_in"], tally["useful"]) == (5, 4, 3)
    assert {str(value) for value in tally.values()}.isdisjoint({worker.me["id"], session_id})

    # Nothing the supervisor can ask for shows an individual answer.
    prepared = await supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}")
    overview = await supervisor.get("/api/supervision/overview")
    for response in (prepared, overview):
        assert response.status_code == 200
        assert "heard" not in response.text
        assert "useful" not in response.text
        assert "pulse" not in response.text
    assert await SupervisionSession.count() == 1


async def test_organisation_figures_only_while_opted_in(worker):
    from datetime import UTC, datetime

    from server.sharing.tables import Contribution

    today = datetime.now(UTC).date()
    this_month = today.strftime("%Y-%m")
    months = {"months": [{"month": this_month, "checkin_days": 12, "stress": 3}]}
    refused = await worker.put("/api/sharing/organisation/months", json=months)
    assert refused.status_code == 409
    assert (await worker.put("/api/sharing/organisation", json={"share": True})).json() == {
        "share": True
    }
    assert (await worker.get("/api/sharing")).json()["organisation"] is True
    assert (await worker.put("/api/sharing/organisation/months", json=months)).status_code == 204
    again = {"months": [{"month": this_month, "checkin_days": 14, "stress": 2}]}
    assert (await worker.put("/api/sharing/organisation/months", json=again)).status_code == 204
    assert (await worker.put("/api/sharing/organisation", json={"share": True})).status_code == 200
    twice = {"months": months["months"] * 2}
    assert (await worker.put("/api/sharing/organisation/months", json=twice)).status_code == 422
    # Only this month and the one before: older months are refused, by field.
    old = (today.replace(day=1) - timedelta(days=40)).strftime("%Y-%m")
    late = {"months": [again["months"][0], {"month": old, "checkin_days": 3}]}
    response = await worker.put("/api/sharing/organisation/months", json=late)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "body.months[1].month"

    rows = await Contribution.select(Contribution.checkin_days, Contribution.stress)
    assert rows == [{"checkin_days": 14, "stress": 2}], "a month sent again replaces it"
    await worker.put("/api/sharing/organisation", json={"share": False})
    assert await Contribution.count() == 0, "opting out deletes what she contributed"


async def test_the_rules_page_names_the_smallest_group(worker):
    rules = (await worker.get("/api/privacy/rules")).json()
    assert rules["min_group"] == 5
    assert any("at least 5" in rule["organisation"] for rule in rules["rules"])


async def test_keeping_up_to_date_never_shares_again_what_she_stopped_sharing(worker, supervisor):
    shared = (await share(worker, supervisor, SUMMARY, keep_up_to_date=True)).json()
    fresher = {**SUMMARY, "checkin_days": 7}
    updated = await worker.put(f"/api/sharing/shares/{shared['id']}", json={"content": fresher})
    assert updated.status_code == 200
    assert updated.json()["content"] == fresher
    other_kind = await worker.put(f"/api/sharing/shares/{shared['id']}", json={"content": AGENDA})
    assert other_kind.status_code == 404
    await worker.delete(f"/api/sharing/shares/{shared['id']}")
    late = await worker.put(f"/api/sharing/shares/{shared['id']}", json={"content": fresher})
    assert late.status_code == 404
    assert await Share.count() == 0


async def test_written_words_keep_their_tabs_and_line_breaks(worker, supervisor):
    entry = {**ENTRY, "body": "Col 1\tCol 2\r\nNext line"}
    response = await share(worker, supervisor, entry, entry_id=str(uuid.uuid4()))
    assert response.status_code == 200, response.text
    assert response.json()["content"]["body"] == "Col 1\tCol 2\r\nNext line"


@pytest.mark.parametrize(
    "change", ["supervisor role removed", "supervisor closed", "worker closed"]
)
async def test_sharing_ends_when_the_relation_does(admin, worker, supervisor, change):
    await share(worker, supervisor, AGENDA)
    await worker.post("/api/sharing/talk", json={"supervisor_id": supervisor.me["id"]})
    if change == "supervisor role removed":
        response = await admin.patch(
            f"/api/admin/people/{supervisor.me['id']}", json={"roles": ["worker"]}
        )
    elif change == "supervisor closed":
        response = await admin.post(f"/api/admin/people/{supervisor.me['id']}/deactivate")
    else:
        response = await admin.post(f"/api/admin/people/{worker.me['id']}/deactivate")
    assert response.status_code == 200, response.text
    assert await Share.count() == 0
    assert await TalkRequest.count() == 0
    # Given back, the relation starts again from nothing shared: no consent is revived.
    if change == "supervisor role removed":
        await admin.patch(
            f"/api/admin/people/{supervisor.me['id']}", json={"roles": ["supervisor", "worker"]}
        )
        await admin.put(
            f"/api/admin/people/{worker.me['id']}/supervisors",
            json={"supervisor_ids": [supervisor.me["id"]]},
        )
        prepared = await supervisor.get(f"/api/supervision/supervisees/{worker.me['id']}")
        assert prepared.json()["shares"] == []


async def test_requests_to_talk_waiting_for_one_supervisor_are_capped(worker, supervisor):
    body = {"supervisor_id": supervisor.me["id"]}
    sent = [await worker.post("/api/sharing/talk", json=body) for _ in range(6)]
    assert [r.status_code for r in sent] == [201] * 5 + [409]
    assert "Get support" in sent[-1].json()["message"]
    await supervisor.post(f"/api/supervision/requests/{sent[0].json()['id']}/acknowledge")
    assert (await worker.post("/api/sharing/talk", json=body)).status_code == 201
