"""The reflection questionnaire is a data file: a good one loads (any shape an organisation
may hold the rights to), a malformed one is refused with a message naming the problem."""

from __future__ import annotations

import copy
import json

import pytest

from server.cli import main
from server.reflection.instrument import (
    DEFAULT_INSTRUMENT,
    InstrumentError,
    load_instrument,
    parse_instrument,
)
from server.settings import SettingsError, load_settings

GOOD = json.loads(DEFAULT_INSTRUMENT.read_text())


def problem(change) -> str:
    data = copy.deepcopy(GOOD)
    change(data)
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(json.dumps(data).encode())
    return str(caught.value)


def test_tends_own_reflection_loads():
    instrument = load_instrument()
    assert [s.id for s in instrument.subscales] == ["satisfaction", "worn-out", "carrying"]
    assert sum(item.reversed for item in instrument.items) == 2
    assert "not a diagnosis" in instrument.not_a_diagnosis


def test_a_thirty_item_instrument_of_another_shape_loads_without_code_changes():
    data = copy.deepcopy(GOOD)
    data["id"], data["version"] = "licensed-30", "5"
    data["items"] = [
        {"id": f"q{n}", "subscale": ["satisfaction", "worn-out", "carrying"][n % 3],
         "text": f"Statement {n}", "reversed": n in (1, 4, 15, 17, 29)}
        for n in range(1, 31)
    ]  # fmt: skip
    for subscale in data["subscales"]:
        subscale["bands"] = [
            {"up_to": 22, "label": "Low", "text": "…"},
            {"up_to": 41, "label": "Moderate", "text": "…"},
            {"up_to": 50, "label": "High", "text": "…"},
        ]
    instrument = parse_instrument(json.dumps(data).encode())
    assert len(instrument.items) == 30


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("items"), "missing required field `items`"),
        (lambda d: d.update(format="tend-reflection/9"), "format: Invalid enum value"),
        (lambda d: d["items"][2].update(reversed="yes"), "items[2].reversed: Expected `bool`"),
        (lambda d: d["items"][1].update(text=""), "items[1].text: Expected `str` of length >= 1"),
        (lambda d: d["items"][0].update(scale="oops"), "items[0]: Object contains unknown field"),
        (
            lambda d: d["items"][5].update(subscale="burnot"),
            "items[5].subscale: 'burnot' is not one of the subscales",
        ),
        (
            lambda d: d["items"][3].update(id="s1"),
            "items[3].id: 's1' is used by an earlier item too",
        ),
        (lambda d: d["scale"].reverse(), "scale: the values must go up"),
        (
            lambda d: d["subscales"][1]["bands"].pop(),
            "subscales[1].bands: the last band ends at 15, but 'worn-out' can score up to 20",
        ),
        (
            lambda d: d["subscales"][0]["bands"].reverse(),
            "subscales[0].bands: each up_to must be above the last",
        ),
        (
            lambda d: d["subscales"].append({**d["subscales"][0], "id": "lonely"}),
            "subscales[3]: no item belongs to 'lonely'",
        ),
        (lambda d: d["subscales"].append(d["subscales"][0]), "two subscales have the same id"),
        (lambda d: d.update(every_days=2), "every_days: Expected `int` >= 7"),
    ],
)
def test_a_malformed_file_is_refused_with_its_problem_named(change, expected):
    assert expected in problem(change)


def test_not_json_and_a_missing_file_are_named(tmp_path):
    with pytest.raises(InstrumentError, match="not valid JSON"):
        parse_instrument(b"{items: [")
    missing = tmp_path / "nope.json"
    with pytest.raises(InstrumentError, match=r"nope\.json: cannot be read"):
        load_instrument(missing)


def test_a_bad_file_in_the_setting_stops_tend_from_starting(tmp_path):
    bad = tmp_path / "proqol.json"
    bad.write_text(json.dumps({**GOOD, "scale": []}))
    with pytest.raises(SettingsError, match=r"TEND_REFLECTION_INSTRUMENT: .*proqol\.json: scale"):
        load_settings(environ={"TEND_REFLECTION_INSTRUMENT": str(bad)}, env_file=None)


def test_tend_check_instrument_says_what_it_found(tmp_path, capsys, monkeypatch):
    # It checks the file given even while the setting names a broken one.
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    monkeypatch.setenv("TEND_REFLECTION_INSTRUMENT", str(broken))
    assert main(["check-instrument", str(DEFAULT_INSTRUMENT)]) == 0
    assert "12 items: satisfaction (4), worn-out (4), carrying (4)" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**GOOD, "items": [{**GOOD["items"][0], "subscale": "x"}]}))
    assert main(["check-instrument", str(bad)]) == 1
    assert "items[0].subscale: 'x' is not one of the subscales" in capsys.readouterr().err


async def test_the_questionnaire_in_use_is_served_to_anyone_signed_in(client, worker):
    response = await worker.get("/api/reflection/instrument")
    assert response.status_code == 200
    assert response.json()["id"] == "tend-wellbeing"
    assert (await client.get("/api/reflection/instrument")).status_code == 401
