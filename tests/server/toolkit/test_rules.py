"""What a support resource, a prompt and a feeling word may be: the checks on their own."""

from __future__ import annotations

import re
import uuid

import pytest

from server.lib.errors import AppError
from server.toolkit.rules import (
    BAD_NUMBER,
    BAD_WEB,
    MOMENTS,
    NO_CONTACT,
    NO_TRUNK_ZERO,
    clean_number,
    clean_prompt,
    clean_resource,
    clean_web,
    clean_word,
)
from server.toolkit.schemas import ResourceWrite
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("0800 123 4567", "0800 123 4567"),
        ("  +44  800 123 4567 ", "+44 800 123 4567"),
        ("(01632) 960-001", "(01632) 960-001"),
        ("111", "111"),
        ("116 123", "116 123"),
        ("85258", "85258"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_phone_numbers_are_kept_as_given_with_single_spaces(given, kept):
    assert clean_number(given) == kept


@pytest.mark.parametrize(
    "given",
    [
        "12",  # too short even for a short code
        "1234567890123456",  # 16 digits: longer than any number can be
        "0800 CALL NOW",
        "0800+123",
        "++44 800",
        "tel:0800123456",
        "0800\t123 456",
        "0800 123\x00456",
        "() - ()",
        "1 - " * 15,  # 15 digits, but longer than any number is written
    ],
)
def test_anything_but_a_phone_number_is_refused(given):
    with pytest.raises(ValueError, match=re.escape(BAD_NUMBER)):
        clean_number(given)


@pytest.mark.parametrize(
    "given",
    [
        "https://example.org/help",
        "http://example.org",
        "https://www.nhs.uk/mental-health/",
        "HTTPS://Example.ORG/Help?x=1&y=2#top",
        "https://bücher.example/hilfe",
        "https://127.0.0.1:8443/path",
        "https://[2001:db8::1]/",
        "https://example.org/a@b",
    ],
)
def test_full_web_addresses_are_kept(given):
    assert clean_web(given) == given


@pytest.mark.parametrize(
    "given",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "JAVASCRIPT:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example",
        "https:/evil.example",
        "https:evil.example",
        "https:///evil.example",
        "ftp://files.example.org",
        "example.org",
        "www.example.org/help",
        "https://user:pw@example.org",
        "https://user@example.org",
        "https://example.org\\@evil.example",
        "https://exa mple.org",
        "https://example.org/\x00",
        "https://example.org/\u202egnp.exe",
        "https://example.org:port/",
        "https://",
        "https://-bad-.example",
        "https://ex%61mple.org",
        "https://example.org/" + "a" * 300,
        "https://[::1",  # urlsplit's own error, never its words
        "https://[zz]/",
    ],
)
def test_anything_but_a_plain_web_address_is_refused(given):
    with pytest.raises(ValueError, match=re.escape(BAD_WEB)):
        clean_web(given)


def test_a_resource_needs_some_way_to_reach_it():
    with pytest.raises(AppError) as caught:
        clean_resource(ResourceWrite(name="Care First", phone=" ", web=""))
    assert caught.value.status == 422
    assert caught.value.message == NO_CONTACT
    assert [d.field for d in caught.value.details] == ["body.phone"]


def test_a_resource_is_trimmed_and_every_problem_named():
    team = uuid.uuid4()
    clean = clean_resource(
        ResourceWrite(
            name="  Care   First ",
            description=" Free, confidential counselling.\r\nFor you and your family. ",
            text="85258",
            hours=" 24 hours,  every day ",
            team_ids=[team, team],
        )
    )
    assert clean.name == "Care First"
    assert clean.description == "Free, confidential counselling.\nFor you and your family."
    assert clean.hours == "24 hours, every day"
    assert (clean.phone, clean.text, clean.web) == (None, "85258", None)
    assert clean.team_ids == [team]
    with pytest.raises(AppError) as caught:
        clean_resource(
            ResourceWrite(name="", description="x" * 401, hours="\x07", phone="12", web="ftp://x")
        )
    assert [d.field for d in caught.value.details] == [
        "body.name",
        "body.description",
        "body.hours",
        "body.phone",
        "body.web",
    ]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Calm", "calm"),
        ("  on   edge ", "on edge"),
        ("well-rested", "well-rested"),
        ("can't switch off", "can't switch off"),
        ("can\u2019t settle", "can\u2019t settle"),
        ("Ängstlich", "ängstlich"),
        ("désolé", "désolé"),
        ("Спокойный", "спокойный"),
        ("安心", "安心"),
        ("शांत", "शांत"),
    ],
)
def test_feeling_words_in_any_language_are_kept_lowercase(given, kept):
    assert clean_word(given) == kept


@pytest.mark.parametrize(
    "given", ["", "   ", "-", "calm!", "calm2", "<b>calm</b>", "calm\tquiet", "x" * 31, "🙂"]
)
def test_anything_but_a_feeling_word_is_refused(given):
    with pytest.raises(AppError) as caught:
        clean_word(given)
    assert [d.field for d in caught.value.details] == ["body.word"]


def test_a_number_with_0_after_its_country_code_is_refused_as_it_may_not_connect():
    with pytest.raises(ValueError, match=re.escape(NO_TRUNK_ZERO)):
        clean_number("+44 (0)800 123 4567")
    assert clean_number("(0800) 123 4567") == "(0800) 123 4567"


def test_a_prompt_needs_a_moment_and_five_to_three_hundred_characters():
    assert clean_prompt("after-shift", "  What  helped? ") == ("after-shift", "What helped?")
    # Line breaks from the admin's text box become spaces.
    assert clean_prompt("after-shift", "What went well?\r\nWhat was hard?") == (
        "after-shift",
        "What went well? What was hard?",
    )
    for moment, text, field in [
        ("after-work", "What helped today?", "body.moment"),
        ("after-shift", "Why", "body.text"),
        ("after-shift", "x" * 301, "body.text"),
        ("after-shift", "What\x00helped?", "body.text"),
    ]:
        with pytest.raises(AppError) as caught:
            clean_prompt(moment, text)
        assert [d.field for d in caught.value.details] == [field]


def test_the_moments_are_the_ones_the_journal_offers():
    source = (REPO / "pwa" / "js" / "prompts.js").read_text()
    block = source[source.index("export const MOMENTS") :]
    # A moment is an object with an id and then a title; its prompts have an id and text.
    pwa_moments = re.findall(r'\bid: "([\w-]+)",\s*\n\s*title:', block)
    assert tuple(pwa_moments) == MOMENTS
