"""The readable export: one self-contained HTML page made from the JSON export.

docs/export.md, "The readable export": her self-care plan, journal entries oldest first,
check-ins in a table, a week-by-week trends table, monthly reflections, her supervision
agenda, supervision notes, then any other record type field by field, so a type added later
is never left out. No scripts, no links out, styles inline; every value is HTML-escaped, and
a Content-Security-Policy forbids scripts even so. Anything of an unexpected shape is shown
generically rather than dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from html import escape
from typing import Any

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NONE = "—"
MAX_DEPTH = 12

PLAN_SECTIONS = (
    ("warningSigns", "Signs I'm running low"),
    ("helps", "What helps me"),
    ("avoid", "What I try to avoid"),
    ("people", "People I can talk to"),
    ("afterHardShift", "After a hard shift"),
    ("reasons", "My reasons"),
)
PLAN_HIDDEN = {"marks", "mergedAt", "createdAt", "updatedAt"}  # bookkeeping, not her words
JOURNAL_FIELDS = {"title", "body", "tags", "feelings", "prompt", "createdAt", "updatedAt"}
JOURNAL_HIDDEN = {"conflictOf"}
CHECKIN_FIELDS = {
    "at", "day", "stress", "energy", "sleep", "feelings", "helped", "context", "difficult", "note",
}  # fmt: skip
AGENDA_FIELDS = {"items", "reflection", "updatedAt"}
CONTEXTS = {
    "on-shift": "On shift",
    "after-shift": "Just finished a shift",
    "day-off": "Day off",
    "sleep-in": "Sleep-in",
    "night-shift": "Night shift",
}
CONFLICTING_COPY = "A copy kept when this entry was changed on two devices at once."
MEASURES = (("stress", "Stress"), ("energy", "Energy"), ("sleep", "Sleep"))
DISMISSAL = "dismissal"

STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1f2a2e; background: #fff; max-width: 48rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; color: #2d5b52; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; color: #2d5b52;
  border-bottom: 2px solid #cfe3dc; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .25rem; }
p { margin: .25rem 0 .75rem; }
.meta { color: #55676c; font-size: .9rem; margin: 0 0 .5rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.notice { background: #f3f8f6; border-left: 4px solid #8fbfb0; padding: .5rem .75rem; }
.marker { font-weight: 600; }
article { margin-bottom: 1.75rem; }
ul { margin: .25rem 0 .75rem; padding-left: 1.4rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
  margin: .25rem 0 .75rem; }
dt { font-weight: 600; }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0 1.5rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0 .5rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid #dde7e3; }
thead th { border-bottom: 2px solid #9fbfb5; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  h2, h3 { break-after: avoid; }
  article, tr, li { break-inside: avoid; }
  thead { display: table-header-group; }
  .notice { border: 1px solid #888; }
}
"""


@dataclass
class _Week:
    count: int = 0
    values: dict[str, list[int]] = field(default_factory=lambda: {m: [] for m, _ in MEASURES})


@dataclass
class _Sorted:
    """The export's records, each where the page shows it."""

    plans: list[Mapping] = field(default_factory=list)
    journal: list[Mapping] = field(default_factory=list)
    checkins: list[Mapping] = field(default_factory=list)
    put_away: list[Mapping] = field(default_factory=list)
    reflections: list[Mapping] = field(default_factory=list)
    agendas: list[Mapping] = field(default_factory=list)
    supervision: list[Mapping] = field(default_factory=list)
    other: list[Mapping] = field(default_factory=list)
    unreadable: list[Mapping] = field(default_factory=list)


def render_html(export: Mapping[str, Any], time_zone: tzinfo | None = None) -> str:
    """The readable export of a JSON export (docs/export.md), as one HTML document.

    Args:
        export: the JSON export, as ``json_export`` makes it or as read from its file.
        time_zone: where to show times; None shows them in this computer's local time.
    """
    page = _Page(time_zone)
    made = page.moment(export.get("exported_at"))
    when = page.long_date(made) if made else "the day this was made"
    sections = page.sections(_sort(export.get("records") or []))
    contents = "".join(f'<li><a href="#{a}">{escape(t)}</a></li>' for a, t, _ in sections)
    body = "\n".join(
        f'<section id="{a}"><h2>{escape(t)}</h2>{html}</section>' for a, t, html in sections
    )
    if not sections:
        body = "<p>There was nothing to export yet.</p>"
    return (
        '<!doctype html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>Your Tend records, {escape(when)}</title>\n<style>{STYLE}</style>\n</head>\n"
        "<body>\n<header><h1>Your Tend records</h1>"
        f'<p class="meta">As they were on {escape(page.moment_text(made) if made else when)}.</p>'
        '<p class="notice">This copy is not encrypted: anyone who opens this file can read '
        "it. Keep it somewhere safe, and delete it when you no longer need it.</p></header>\n"
        + (
            f'<nav aria-label="Contents"><h2>Contents</h2><ul>{contents}</ul></nav>\n'
            if sections
            else ""
        )
        + f"<main>{body}</main>\n</body>\n</html>\n"
    )


def _sort(records: Sequence[Mapping]) -> _Sorted:
    """Place each record: a known type whose content is not an object is shown generically."""
    found = _Sorted()
    places = {
        "plan": found.plans,
        "journal": found.journal,
        "reflection": found.reflections,
        "agenda": found.agendas,
        "supervision": found.supervision,
    }
    for record in records:
        content, kind = record.get("content"), record.get("type")
        if record.get("unreadable"):
            found.unreadable.append(record)
        elif not isinstance(content, dict):
            found.other.append(record)
        elif kind == "checkin":
            (found.put_away if content.get("kind") == DISMISSAL else found.checkins).append(record)
        else:
            places.get(str(kind), found.other).append(record)
    return found


class _Page:
    """Renders the sections, showing times in one time zone."""

    def __init__(self, time_zone: tzinfo | None) -> None:
        self.time_zone = time_zone

    def sections(self, found: _Sorted) -> list[tuple[str, str, str]]:
        """(anchor, title, HTML) for each section that has something in it."""
        parts: list[tuple[str, str, list[Mapping], Callable[[Sequence[Mapping]], str]]] = [
            ("plan", "Your self-care plan", found.plans, self.plans),
            ("journal", "Your journal", found.journal, self.journal),
            ("checkins", "Your check-ins", found.checkins, self.checkins),
            ("trends", "Week by week", found.checkins, self.trends),
            ("put-away", "Suggestions you put away", found.put_away, self.put_away),
            ("reflections", "Monthly reflections", found.reflections, self.reflections),
            ("agenda", "Your supervision agenda", found.agendas, self.agendas),
            ("supervision", "Supervision notes", found.supervision, self.supervision),
            ("other", "Other things you kept", found.other, self.other),
            ("unreadable", "Records that couldn't be opened", found.unreadable, _unreadable),
        ]
        return [(anchor, title, show(records)) for anchor, title, records, show in parts if records]

    # ── times ─────────────────────────────────────────────────────────────────────────────

    def moment(self, value: Any) -> datetime | None:
        """An ISO 8601 timestamp, in the page's time zone; None if it is not one."""
        if not isinstance(value, str):
            return None
        try:
            moment = datetime.fromisoformat(value)
            return moment.astimezone(self.time_zone) if moment.tzinfo else None
        except (ValueError, OverflowError):
            return None

    def long_date(self, value: date) -> str:
        return f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"

    def short_date(self, value: date) -> str:
        weekday, month = WEEKDAYS[value.weekday()][:3], MONTHS[value.month - 1][:3]
        return f"{weekday} {value.day} {month} {value.year}"

    def moment_text(self, moment: datetime) -> str:
        return f"{self.long_date(moment)}, {moment:%H:%M}"

    def when(self, value: Any) -> str:
        moment = self.moment(value)
        return self.moment_text(moment) if moment else _text(value)

    def checkin_day(self, content: Mapping) -> date | None:
        """Her own calendar day for a check-in, else the day of its time here."""
        day = _day(content.get("day"))
        moment = self.moment(content.get("at"))
        return day or (moment.date() if moment else None)

    def order(self, records: Sequence[Mapping], *fields: str) -> list[Mapping]:
        """Oldest first by the first of ``fields`` that holds a time or a day, else by
        updated_at; those with neither last."""

        def key(record: Mapping) -> tuple[bool, datetime, str, str]:
            content = record.get("content") if isinstance(record.get("content"), dict) else {}
            tie = (str(record.get("updated_at")), str(record.get("id")))
            for value in [*(content.get(name) for name in fields), record.get("updated_at")]:
                moment = self.moment(value)
                if moment is None and (day := _day(value)):
                    moment = datetime.combine(day, time(), UTC)
                if moment:
                    return (False, moment, *tie)
            return (True, datetime.min.replace(tzinfo=UTC), *tie)

        return sorted(records, key=key)

    # ── the sections ──────────────────────────────────────────────────────────────────────

    def plans(self, records: Sequence[Mapping]) -> str:
        parts = []
        for number, record in enumerate(self.order(records, "updatedAt")):
            content = record["content"]
            heading = "" if number == 0 else "<h3>Another copy of your plan</h3>"
            changed = content.get("updatedAt") or record.get("updated_at")
            sections = "".join(
                f"<h3>{escape(label)}</h3>{_plan_section(name, content[name])}"
                for name, label in PLAN_SECTIONS
                if _has(content.get(name))
            )
            extra = _fields(content, skip=PLAN_HIDDEN | {name for name, _ in PLAN_SECTIONS})
            if not sections and not extra:
                sections = "<p>The plan was empty.</p>"
            extra = f"<h3>Also in your plan</h3>{extra}" if extra else ""
            parts.append(
                f'<article>{heading}<p class="meta">Last changed {escape(self.when(changed))}</p>'
                f"{sections}{extra}</article>"
            )
        return "".join(parts)

    def journal(self, records: Sequence[Mapping]) -> str:
        return f"<p>{_count(records, 'entry', 'entries')}, oldest first.</p>" + "".join(
            self.entry(record) for record in self.order(records, "createdAt")
        )

    def entry(self, record: Mapping) -> str:
        content = record["content"]
        title = _text(content.get("title")).strip() or "Untitled entry"
        written = content.get("createdAt") or record.get("updated_at")
        meta = f"Written {self.when(written)}"
        if _has(content.get("updatedAt")) and content.get("updatedAt") != content.get("createdAt"):
            meta += f"; last changed {self.when(content['updatedAt'])}"
        lines = [f"<h3>{escape(title)}</h3>", f'<p class="meta">{escape(meta)}</p>']
        if content.get("conflictOf"):
            lines.append(f'<p class="meta">{CONFLICTING_COPY}</p>')
        if _has(content.get("prompt")):
            lines.append(
                f'<p><span class="marker">Prompt:</span> {escape(_text(content["prompt"]))}</p>'
            )
        for name, label in (("tags", "Tags"), ("feelings", "Feelings")):
            if _texts(content.get(name)):
                lines.append(
                    f'<p><span class="marker">{label}:</span> {_joined(content[name])}</p>'
                )
        lines.append(f'<div class="text">{escape(_text(content.get("body")))}</div>')
        lines.append(_fields(content, skip=JOURNAL_FIELDS | JOURNAL_HIDDEN))
        return f"<article>{''.join(lines)}</article>"

    def checkins(self, records: Sequence[Mapping]) -> str:
        head = "".join(
            f'<th scope="col">{name}</th>'
            for name in ("When", "Stress", "Energy", "Sleep", "Feelings", "What helped",
                         "Where you were", "Notes")
        )  # fmt: skip
        rows = "".join(self.checkin_row(record["content"]) for record in self.order(records, "at"))
        caption = f"Your check-ins, oldest first ({_count(records, 'check-in', 'check-ins')})"
        return (
            f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def checkin_row(self, content: Mapping) -> str:
        day, moment = self.checkin_day(content), self.moment(content.get("at"))
        when = self.short_date(day) if day else NONE
        if moment:
            when += f", {moment:%H:%M}"
        scales = "".join(
            f'<td class="number">{_scale_text(content.get(m))}</td>' for m, _ in MEASURES
        )
        context = content.get("context")
        notes = []
        if content.get("difficult") is True:
            notes.append('<p class="marker">Something difficult happened.</p>')
        if _has(content.get("note")):
            notes.append(f'<div class="text">{escape(_text(content["note"]))}</div>')
        notes.append(_fields(content, skip=CHECKIN_FIELDS))
        return (
            f'<tr><th scope="row">{escape(when)}</th>{scales}'
            f"<td>{_joined(content.get('feelings')) or NONE}</td>"
            f"<td>{_joined(content.get('helped')) or NONE}</td>"
            f"<td>{escape(_context(context))}</td>"
            f"<td>{''.join(notes) or NONE}</td></tr>"
        )

    def trends(self, records: Sequence[Mapping]) -> str:
        weeks: dict[date, _Week] = {}
        for record in records:
            day = self.checkin_day(record["content"])
            if day is None:
                continue
            week = weeks.setdefault(day - timedelta(days=day.weekday()), _Week())
            week.count += 1
            for measure, _ in MEASURES:
                value = _scale(record["content"].get(measure))
                if value is not None:
                    week.values[measure].append(value)
        if not weeks:
            return "<p>None of your check-ins has a date, so there are no weeks to show.</p>"
        head = "".join(f'<th scope="col">Average {label.lower()}</th>' for _, label in MEASURES)
        rows = "".join(
            f'<tr><th scope="row">{escape(_week_text(start))}</th>'
            f'<td class="number">{week.count}</td>'
            + "".join(f'<td class="number">{_average(week.values[m])}</td>' for m, _ in MEASURES)
            + "</tr>"
            for start, week in sorted(weeks.items())
        )
        return (
            "<p>Each week runs from Monday to Sunday. Stress, energy and sleep are out of 5.</p>"
            "<table><caption>Your check-ins week by week, oldest first</caption><thead><tr>"
            f'<th scope="col">Week</th><th scope="col">Check-ins</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )

    def put_away(self, records: Sequence[Mapping]) -> str:
        items = []
        for record in self.order(records, "day"):
            content = record["content"]
            day = self.checkin_day(content)
            when = f" (put away {self.long_date(day)})" if day else ""
            items.append(
                f"<li>{escape(_text(content.get('insight')) or 'A suggestion')}{escape(when)}</li>"
            )
        return (
            "<p>Suggestions Tend offered that you chose to put away, so they were not shown "
            f"again for a while.</p><ul>{''.join(items)}</ul>"
        )

    def reflections(self, records: Sequence[Mapping]) -> str:
        parts = []
        for record in self.order(records, "at"):
            content = record["content"]
            when = self.when(content.get("at") or record.get("updated_at"))
            parts.append(
                f"<article><h3>Reflection, {escape(when)}</h3>"
                f"{_fields(content, skip={'at'})}</article>"
            )
        return "".join(parts)

    def agendas(self, records: Sequence[Mapping]) -> str:
        parts = []
        for record in self.order(records, "updatedAt"):
            content = record["content"]
            changed = content.get("updatedAt") or record.get("updated_at")
            items = _texts(content.get("items"))
            listed = "".join(f"<li>{escape(item)}</li>" for item in items)
            lines = [
                f'<p class="meta">Last changed {escape(self.when(changed))}</p>',
                "<h3>What you want to talk about</h3>",
                f"<ul>{listed}</ul>" if items else "<p>Nothing yet.</p>",
            ]
            if _has(content.get("reflection")):
                lines.append("<h3>Your reflection</h3>")
                lines.append(f'<div class="text">{escape(_text(content["reflection"]))}</div>')
            lines.append(_fields(content, skip=AGENDA_FIELDS))
            parts.append(f"<article>{''.join(lines)}</article>")
        return "".join(parts)

    def supervision(self, records: Sequence[Mapping]) -> str:
        parts = []
        for record in self.order(records, "heldOn"):
            content = record["content"]
            held = content.get("heldOn")
            title = f"Session on {self.day_text(held)}" if _has(held) else "Session notes"
            parts.append(
                f"<article><h3>{escape(title)}</h3>{_fields(content, skip={'heldOn'})}</article>"
            )
        return "".join(parts)

    def other(self, records: Sequence[Mapping]) -> str:
        by_type: dict[str, list[Mapping]] = {}
        for record in records:
            by_type.setdefault(str(record.get("type")), []).append(record)
        parts = []
        for kind, group in sorted(by_type.items()):
            parts.append(f"<h3>{escape(kind)}</h3>")
            for record in self.order(group):
                content = record.get("content")
                shown = _fields(content) if isinstance(content, dict) else _value(content)
                changed = self.when(record.get("updated_at"))
                parts.append(
                    f'<article><p class="meta">Last changed {escape(changed)}</p>'
                    f"{shown or f'<p>{NONE}</p>'}</article>"
                )
        return (
            "<p>Things you kept in Tend that have no section of their own here, "
            f"shown field by field.</p>{''.join(parts)}"
        )

    def day_text(self, value: Any) -> str:
        day = _day(value)
        return self.long_date(day) if day else self.when(value)


def _unreadable(records: Sequence[Mapping]) -> str:
    counts: dict[str, int] = {}
    for record in records:
        counts[str(record.get("type"))] = counts.get(str(record.get("type")), 0) + 1
    items = "".join(f"<li>{escape(kind)}: {n}</li>" for kind, n in sorted(counts.items()))
    return f"<p>These did not open with your key, so their content is not here.</p><ul>{items}</ul>"


# ── values ────────────────────────────────────────────────────────────────────────────────


def _day(value: Any) -> date | None:
    """A calendar day written "YYYY-MM-DD", or None."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _plan_section(name: str, value: Any) -> str:
    if name == "people" and isinstance(value, list):
        return "<ul>" + "".join(f"<li>{_person(person)}</li>" for person in value) + "</ul>"
    if isinstance(value, str):
        return f'<div class="text">{escape(value)}</div>'
    return _value(value)


def _person(person: Any) -> str:
    if not isinstance(person, dict):
        return _value(person)
    name = _text(person.get("name")).strip() or "Someone"
    parts = [f'<span class="marker">{escape(name)}</span>']
    if _has(person.get("phone")):
        parts.append(escape(_text(person["phone"])))
    if _has(person.get("note")):
        parts.append(f'<span class="text">{escape(_text(person["note"]))}</span>')
    extra = _fields(person, skip={"name", "phone", "note"})
    return " — ".join(parts) + extra


def _fields(content: Any, skip: set[str] | frozenset[str] = frozenset()) -> str:
    """A description list of an object's fields (less ``skip``), "" if there are none."""
    if not isinstance(content, dict):
        return ""
    shown = {key: value for key, value in content.items() if key not in skip}
    return _value(shown) if shown else ""


def _value(value: Any, depth: int = 0) -> str:
    """Any JSON value as readable HTML: objects as description lists, arrays as lists."""
    if depth > MAX_DEPTH:
        return f'<span class="text">{escape(json.dumps(value, ensure_ascii=False))}</span>'
    if isinstance(value, dict) and value:
        return (
            "<dl>"
            + "".join(
                f"<dt>{escape(_label(str(key)))}</dt><dd>{_value(item, depth + 1)}</dd>"
                for key, item in value.items()
            )
            + "</dl>"
        )
    if isinstance(value, list) and value:
        return "<ul>" + "".join(f"<li>{_value(item, depth + 1)}</li>" for item in value) + "</ul>"
    if value in (None, "", [], {}):
        return NONE
    return f'<span class="text">{escape(_text(value))}</span>'


def _label(key: str) -> str:
    """A field name in words: "afterHardShift" and "after_hard_shift" → "After hard shift"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key).replace("_", " ").replace("-", " ")
    words = " ".join(words.split()).lower()
    return words[:1].upper() + words[1:] if words else "(no name)"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _texts(value: Any) -> list[str]:
    """A list of words (tags, feelings, items) as text; a lone string is a list of one."""
    values = value if isinstance(value, list) else [value]
    return [text for text in (_text(item).strip() for item in values) if text]


def _joined(value: Any) -> str:
    return escape(", ".join(_texts(value)))


def _has(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {})


def _context(value: Any) -> str:
    """Where she was, in words: a known context's label, else what was stored."""
    if not _has(value):
        return NONE
    return CONTEXTS.get(value, _text(value)) if isinstance(value, str) else _text(value)


def _scale(value: Any) -> int | None:
    """A check-in scale's value, 1 to 5, or None."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value
    return None


def _scale_text(value: Any) -> str:
    number = _scale(value)
    return NONE if number is None else f"{number} of 5"


def _average(values: list[int]) -> str:
    """The mean to one decimal place, halves rounded up (2.25 → 2.3), or a dash."""
    if not values:
        return NONE
    mean = Fraction(sum(values), len(values))
    exact = Decimal(mean.numerator) / Decimal(mean.denominator)
    return str(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _week_text(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    if monday.year != sunday.year:
        start = f"{monday.day} {MONTHS[monday.month - 1]} {monday.year}"
    elif monday.month != sunday.month:
        start = f"{monday.day} {MONTHS[monday.month - 1]}"
    else:
        start = str(monday.day)
    return f"{start} to {sunday.day} {MONTHS[sunday.month - 1]} {sunday.year}"


def _count(records: Sequence[Any], one: str, many: str) -> str:
    return f"{len(records)} {one if len(records) == 1 else many}"
