"""What a support resource, a prompt and a feeling word may be, in words an admin can act
on. Pure functions: each returns the cleaned value or raises a 422 naming the field."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import UUID

from server.lib.errors import AppError, ErrorDetail
from server.toolkit.schemas import ResourceWrite

# The journal's moments. The PWA's copy, with titles and Tend's own prompts, is ``MOMENTS``
# in pwa/js/prompts.js: keep the ids the same (tests/server/toolkit checks they are).
MOMENTS = (
    "after-shift",
    "after-difficult",
    "before-supervision",
    "day-off",
    "went-well",
    "leaving-work",
)

MAX_RESOURCES = 30
MAX_PROMPTS = 100
MAX_FEELINGS = 100
MAX_TEAMS = 50
NAME_LENGTH = 80
DESCRIPTION_LENGTH = 400
HOURS_LENGTH = 100
NUMBER_LENGTH = 40
WEB_LENGTH = 300
PROMPT_LENGTH = (5, 300)
WORD_LENGTH = 30

NO_CONTACT = "Add a phone number, a number to text or a web address, so people can reach them."
BAD_NUMBER = "Enter a phone number in digits, like 0800 123 4567 or +44 800 123 4567."
NO_TRUNK_ZERO = "Leave out the (0) after the country code, like +44 800 123 4567."
BAD_WEB = "Enter a full web address starting with https://, like https://example.org/help."
BAD_WORD = "Use letters, spaces, hyphens or apostrophes: up to 30 characters."

# An optional leading +, then digits with spaces, brackets or hyphens.
_NUMBER = re.compile(r"^\+?[0-9 ()\-]+$")
_HOST_LABEL = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
_APOSTROPHES = "'\u2019"


def invalid(problems: list[tuple[str, str]]) -> AppError:
    """A 422 whose message is the first problem's, with every field named."""
    return AppError(
        problems[0][1],
        status=422,
        code="validation_error",
        details=[ErrorDetail(f"body.{field}", message) for field, message in problems],
    )


def _has_hidden_characters(value: str, allow_newlines: bool = False) -> bool:
    """Control, format or unassigned characters (NUL, bidi overrides, zero-width space…)."""
    return any(
        unicodedata.category(ch).startswith("C") and not (allow_newlines and ch == "\n")
        for ch in value
    )


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _text(value: str, field: str, length: int, label: str, problems, newlines=False) -> str:
    """Trimmed, on one line with single spaces (a description keeps its line breaks)."""
    if newlines:
        value = value.replace("\r\n", "\n")
    if _has_hidden_characters(value, allow_newlines=newlines):
        problems.append((field, f"Use ordinary letters, numbers and punctuation in the {label}."))
        return value
    cleaned = value.strip() if newlines else _one_line(value)
    if len(cleaned) > length:
        problems.append((field, f"Keep the {label} to {length} characters or fewer."))
    return cleaned


def clean_number(value: str | None) -> str | None:
    """A phone number as given, trimmed with its spaces collapsed; blank is none.
    Short codes count: 111 and 116 123 have three and six digits."""
    if value is None or not value.strip():
        return None
    number = _one_line(value)
    if _has_hidden_characters(value):
        raise ValueError(BAD_NUMBER)
    digits = sum(ch.isdigit() for ch in number)
    if len(number) > NUMBER_LENGTH or not _NUMBER.match(number) or not 3 <= digits <= 15:
        raise ValueError(BAD_NUMBER)
    if number.startswith("+") and re.search(r"\(\s*0\s*\)", number):
        # +44 (0)800 … is dialled as +44 0800 …, which does not connect everywhere.
        raise ValueError(NO_TRUNK_ZERO)
    return number


def clean_web(value: str | None) -> str | None:
    """An absolute http(s) address with a host, trimmed; blank is none.

    Checked piece by piece rather than by one pattern: the scheme must be spelt out
    (so no ``javascript:``, ``data:`` or ``//host``), and nothing a browser would quietly
    drop or reinterpret (whitespace, control characters, backslashes) may be inside.
    """
    if value is None or not value.strip():
        return None
    web = value.strip()
    if (
        len(web) > WEB_LENGTH
        or not web.lower().startswith(("https://", "http://"))
        or any(ch.isspace() or ch == "\\" for ch in web)
        or _has_hidden_characters(web)
    ):
        raise ValueError(BAD_WEB)
    try:  # an unclosed "[" or a port that is not a number raise here
        parts = urlsplit(web)
        parts.port  # noqa: B018
        host = parts.hostname or ""
    except ValueError:
        raise ValueError(BAD_WEB) from None
    if (
        parts.scheme.lower() not in ("http", "https")
        or "@" in parts.netloc
        or not host
        or not _valid_host(host)
    ):
        raise ValueError(BAD_WEB)
    return web


def _valid_host(host: str) -> bool:
    if ":" in host:  # an IPv6 literal, which urlsplit gives without its brackets
        return all(ch in "0123456789abcdef:." for ch in host)
    labels = host.rstrip(".").split(".")
    return all(_HOST_LABEL.match(label) for label in labels)


@dataclass(frozen=True)
class CleanResource:
    name: str
    description: str
    phone: str | None
    text: str | None
    web: str | None
    hours: str
    team_ids: list[UUID]


def clean_resource(data: ResourceWrite) -> CleanResource:
    """The resource as it will be kept, or a 422 listing everything wrong with it."""
    problems: list[tuple[str, str]] = []
    name = _text(data.name, "name", NAME_LENGTH, "name", problems)
    if not name.strip():
        problems.append(("name", "Give the resource a name."))
    description = _text(
        data.description, "description", DESCRIPTION_LENGTH, "description", problems, True
    )
    hours = _text(data.hours, "hours", HOURS_LENGTH, "opening hours", problems)
    contact: dict[str, str | None] = {}
    for field, clean in (("phone", clean_number), ("text", clean_number), ("web", clean_web)):
        try:
            contact[field] = clean(getattr(data, field))
        except ValueError as error:
            problems.append((field, str(error)))
            contact[field] = ""
    if not any(value is not None for value in contact.values()):
        problems.append(("phone", NO_CONTACT))
    team_ids = list(dict.fromkeys(data.team_ids))
    if len(team_ids) > MAX_TEAMS:
        problems.append(("team_ids", f"Choose at most {MAX_TEAMS} teams."))
    if problems:
        raise invalid(problems)
    return CleanResource(name, description, hours=hours, team_ids=team_ids, **contact)


def clean_prompt(moment: str, text: str) -> tuple[str, str]:
    problems: list[tuple[str, str]] = []
    if moment not in MOMENTS:
        problems.append(("moment", "Choose one of the journal's moments for this prompt."))
    cleaned = _one_line(text)
    low, high = PROMPT_LENGTH
    # Line breaks from the admin's text box become spaces, as other whitespace does.
    if _has_hidden_characters(text.replace("\r", " ").replace("\n", " ")):
        problems.append(("text", "Use ordinary letters, numbers and punctuation in the prompt."))
    elif not low <= len(cleaned) <= high:
        problems.append(("text", f"Write a prompt of {low} to {high} characters."))
    if problems:
        raise invalid(problems)
    return moment, cleaned


def clean_word(word: str) -> str:
    """A feeling word: letters of any language (with their accents), spaces, hyphens and
    apostrophes; kept trimmed and lowercase."""
    cleaned = unicodedata.normalize("NFC", re.sub(" +", " ", word)).strip().lower()
    allowed = all(
        unicodedata.category(ch)[0] in "LM" or ch in " -" or ch in _APOSTROPHES for ch in cleaned
    )
    has_letter = any(unicodedata.category(ch)[0] == "L" for ch in cleaned)
    if not (allowed and has_letter and len(cleaned) <= WORD_LENGTH):
        raise invalid([("word", BAD_WORD)])
    return cleaned
