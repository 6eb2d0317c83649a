"""The readable export (docs/export.md) made by server/backup/render.py."""

from __future__ import annotations

import re
from datetime import UTC
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from server.backup.render import render_html
from tests.server.backup.helpers import CREATED_AT, SCRIPT_ENTRY_ID, USER_ID, worker_records

LONDON = ZoneInfo("Europe/London")


def export_of(items: list[dict]) -> dict:
    ordered = sorted(items, key=lambda r: (r["type"], r["updated_at"], r["id"]))
    return {"format": "tend-export", "version": 1, "exported_at": CREATED_AT,
            "user_id": USER_ID, "records": ordered}  # fmt: skip


def checkin(day: str, **scales) -> dict:
    content = {"at": f"{day}T12:00:00.000Z", "day": day, **scales}
    return {"id": f"c-{day}-{len(scales)}", "type": "checkin", "version": 1,
            "updated_at": f"{day}T12:00:01.000Z", "content": content}  # fmt: skip


class Tables(HTMLParser):
    """Each table's caption and rows of cell text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_caption = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._caption or ""] = self._rows

    def handle_data(self, data):
        if self._in_caption:
            self._caption = (self._caption or "") + data
        elif self._cell is not None:
            self._cell.append(data)


def table(page: str, starts: str) -> list[list[str]]:
    (rows,) = [rows for caption, rows in Tables(page).tables.items() if caption.startswith(starts)]
    return rows


@pytest.fixture(scope="module")
def readable() -> str:
    return render_html(export_of(worker_records()), LONDON)


def test_a_whole_self_contained_page_in_uk_english(readable):
    assert readable.startswith('<!doctype html>\n<html lang="en-GB">')
    assert "<title>Your Tend records, Monday 30 November 2026</title>" in readable
    assert "As they were on Monday 30 November 2026, 09:15." in readable
    assert "<style>" in readable
    assert "@media print" in readable
    assert "<script" not in readable.lower()
    assert not re.search(r"(src|href)=\"(?!#)", readable), "nothing is fetched or linked out"
    assert "http://" not in readable
    assert "https://" not in readable
    assert "default-src 'none'" in readable
    assert "not encrypted" in readable


def test_her_plan_is_in_her_own_words_under_its_headings(readable):
    for marker in ("running low", "Snapping at the people I love", "What helps me",
                   "A walk by the river", "What I try to avoid", "Scrolling the news",
                   "People I can talk to", "Priya", "07700 900123", "after 6pm",
                   "After a hard shift", "Shower, tea, no screens", "My reasons",
                   "My daughter\nThe allotment"):  # fmt: skip
        assert marker in readable, marker
    assert "MARK-SECRET-ID" not in readable
    assert "Marks" not in readable


def test_the_journal_is_oldest_first_escaped_with_its_line_breaks(readable):
    assert readable.index("First entry") < readable.index("A hard handover")
    assert "<script>alert" not in readable
    assert (
        '<div class="text">&lt;script&gt;alert(&#x27;boo&#x27;)&lt;/script&gt;\n'
        "Second line &amp; more</div>"
    ) in readable
    for marker in ("handover, night", "tired, proud", "Written Friday 20 November 2026, 22:10"):
        assert marker in readable, marker
    assert SCRIPT_ENTRY_ID not in readable


def test_check_ins_are_a_table_oldest_first_in_words(readable):
    head, *rows = table(readable, "Your check-ins, oldest first (4 check-ins)")
    assert head == ["When", "Stress", "Energy", "Sleep", "Feelings", "What helped",
                    "Where you were", "Notes"]  # fmt: skip
    assert [row[0] for row in rows] == [
        "Tue 17 Nov 2026, 18:00",
        "Sun 22 Nov 2026, 23:30",
        "Mon 23 Nov 2026, 07:45",
        "Tue 24 Nov 2026, 12:00",
    ]
    assert rows[0][1:] == ["2 of 5", "3 of 5", "4 of 5", "calm", "time outside", "Day off",
                           "Quiet day"]  # fmt: skip
    assert rows[1][1:4] == ["4 of 5", "—", "3 of 5"]
    assert rows[1][6] == "Night shift"
    assert rows[2][6] == "Just finished a shift"
    assert rows[2][7] == "Something difficult happened. A restraint on shift"
    assert rows[3][4:] == ["—", "—", "—", "—"]
    assert '<th scope="col">' in readable
    assert '<th scope="row">' in readable


def test_the_trends_table_averages_each_monday_to_sunday_week(readable):
    head, *rows = table(readable, "Your check-ins week by week")
    assert head == ["Week", "Check-ins", "Average stress", "Average energy", "Average sleep"]
    assert rows == [
        ["16 to 22 November 2026", "2", "3.0", "3.0", "3.5"],
        ["23 to 29 November 2026", "2", "3.5", "1.5", "2.0"],
    ]


def test_weekly_averages_round_halves_up_and_weeks_cross_months_and_years():
    items = [checkin("2026-12-28", stress=2), checkin("2026-12-29", stress=2),
             checkin("2027-01-02", stress=2), checkin("2027-01-03", stress=3, energy=1),
             checkin("2027-02-01", sleep=5), checkin("2027-01-31", stress=9)]  # fmt: skip
    rows = table(render_html(export_of(items), UTC), "Your check-ins week by week")[1:]
    assert rows == [
        ["28 December 2026 to 3 January 2027", "4", "2.3", "1.0", "—"],
        ["25 to 31 January 2027", "1", "—", "—", "—"],
        ["1 to 7 February 2027", "1", "—", "—", "5.0"],
    ]


def test_the_rest_of_her_records_are_all_there(readable):
    for marker in (
        "Suggestions you put away", "hard-days",
        "Monthly reflections", "Reflection, Saturday 28 November 2026, 19:00", "Strain",
        "Some signs", "tend-wellbeing",
        "Your supervision agenda", "The night rota", "Training on de-escalation",
        "Feeling stretched but hopeful",
        "Supervision notes", "Session on Friday 27 November 2026", "Talked through the rota",
        "Other things you kept", "future-thing", "teal", "Stretch", "Minutes",
    ):  # fmt: skip
        assert marker in readable, marker
    sections = re.findall(r'<section id="([a-z-]+)">', readable)
    assert sections == ["plan", "journal", "checkins", "trends", "put-away", "reflections",
                        "agenda", "supervision", "other"]  # fmt: skip


def test_every_record_type_and_shape_is_shown_rather_than_dropped():
    odd = [
        {"id": "1", "type": "journal", "version": 1, "updated_at": CREATED_AT,
         "content": "just a <b>string</b>"},
        {"id": "2", "type": "checkin", "version": 1, "updated_at": CREATED_AT,
         "content": {"feelings": "not a list", "stress": True, "context": {"odd": 1}}},
        {"id": "3", "type": "plan", "version": 1, "updated_at": CREATED_AT,
         "content": {"people": ["Just a name"], "reasons": ["one", "two"], "extraBit": 7}},
        {"id": "4", "type": "zeta", "version": 1, "updated_at": "not a date",
         "content": {"deep": [[[[[[[[[[[[[[[["bottom"]]]]]]]]]]]]]]]]}},
        {"id": "5", "type": "alpha", "version": 1, "updated_at": CREATED_AT, "content": None},
        {"id": "6", "type": "journal", "version": 1, "updated_at": CREATED_AT,
         "content": None, "unreadable": True},
    ]  # fmt: skip
    page = render_html(export_of(odd), UTC)
    for marker in ("just a &lt;b&gt;string&lt;/b&gt;", "not a list", "Just a name", "Extra bit",
                   "bottom", "zeta", "alpha", "Records that couldn&#x27;t be opened",
                   "journal: 1"):  # fmt: skip
        assert marker in page, marker
    assert page.index("<h3>alpha</h3>") < page.index("<h3>zeta</h3>")
    assert "<b>" not in page


def test_days_order_what_has_only_a_day_oldest_first():
    def put_away(day: str, updated_at: str) -> dict:
        content = {"kind": "dismissal", "insight": f"put away {day}", "day": day}
        return {"id": day, "type": "checkin", "version": 1, "updated_at": updated_at,
                "content": content}  # fmt: skip

    items = [put_away("2026-11-03", "2026-11-01T00:00:00Z"),
             put_away("2026-11-01", "2026-11-05T00:00:00Z"),
             put_away("2026-11-02", "2026-11-04T00:00:00Z")]  # fmt: skip
    page = render_html(export_of(items), UTC)
    found = re.findall(r"put away (2026-11-0\d)", page)
    assert found == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert "(put away Sunday 1 November 2026)" in page


def test_an_empty_export_says_so():
    page = render_html(export_of([]), UTC)
    assert "There was nothing to export yet." in page
    assert "<nav" not in page
