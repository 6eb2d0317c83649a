"""The monthly professional-wellbeing reflection's questionnaire, loaded from a data file.

An organisation that holds the rights to a validated instrument (ProQOL 5, say) can point
``TEND_REFLECTION_INSTRUMENT`` at a file describing it; otherwise Tend's own reflection
(``tend-reflection.json`` beside this module) is used. The file is checked when Tend starts
and by ``tend check-instrument FILE``, with messages that name the problem and where it is.
Scoring happens on the worker's device: the server never sees an answer or a score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import msgspec

DEFAULT_INSTRUMENT = Path(__file__).resolve().parent / "tend-reflection.json"
FORMAT = "tend-reflection/1"

Id = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
Words = Annotated[str, msgspec.Meta(min_length=1, max_length=600)]
LongWords = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class InstrumentError(Exception):
    """The file cannot be used; the message says why, and where in the file."""


class Struct(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    pass


class ScalePoint(Struct):
    value: Annotated[int, msgspec.Meta(ge=0, le=100)]
    label: Words


class Band(Struct):
    """Scores up to and including ``up_to`` (after the band before) read as ``label``."""

    up_to: Annotated[int, msgspec.Meta(ge=0)]
    label: Words
    text: LongWords


class Subscale(Struct):
    id: Id
    name: Words
    bands: Annotated[list[Band], msgspec.Meta(min_length=1, max_length=10)]
    technical_name: str = ""
    about: str = ""


class Item(Struct):
    id: Id
    text: Words
    subscale: Id
    reversed: bool = False


class Instrument(Struct):
    """A questionnaire: every item answered on one scale, summed per subscale (a reversed
    item counts as lowest + highest - answer), each sum read through the subscale's bands."""

    format: Literal["tend-reflection/1"]
    id: Id
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    title: Words
    intro: LongWords
    question: Words
    scale: Annotated[list[ScalePoint], msgspec.Meta(min_length=2, max_length=11)]
    subscales: Annotated[list[Subscale], msgspec.Meta(min_length=1, max_length=10)]
    items: Annotated[list[Item], msgspec.Meta(min_length=1, max_length=100)]
    credit: LongWords
    licence: LongWords
    not_a_diagnosis: LongWords
    every_days: Annotated[int, msgspec.Meta(ge=7, le=365)] = 30


def _check(instrument: Instrument) -> None:
    values = [point.value for point in instrument.scale]
    if values != sorted(set(values)):
        raise InstrumentError("scale: the values must go up, each one different from the last")
    subscales = {s.id for s in instrument.subscales}
    if len(subscales) != len(instrument.subscales):
        raise InstrumentError("subscales: two subscales have the same id")
    seen: set[str] = set()
    for n, item in enumerate(instrument.items):
        if item.id in seen:
            raise InstrumentError(f"items[{n}].id: {item.id!r} is used by an earlier item too")
        seen.add(item.id)
        if item.subscale not in subscales:
            known = ", ".join(sorted(subscales))
            raise InstrumentError(
                f"items[{n}].subscale: {item.subscale!r} is not one of the subscales ({known})"
            )
    for n, subscale in enumerate(instrument.subscales):
        count = sum(item.subscale == subscale.id for item in instrument.items)
        if count == 0:
            raise InstrumentError(f"subscales[{n}]: no item belongs to {subscale.id!r}")
        highest = count * values[-1]
        limits = [band.up_to for band in subscale.bands]
        if limits != sorted(set(limits)):
            raise InstrumentError(f"subscales[{n}].bands: each up_to must be above the last")
        if limits[-1] < highest:
            raise InstrumentError(
                f"subscales[{n}].bands: the last band ends at {limits[-1]}, but {subscale.id!r} "
                f"can score up to {highest} ({count} items of up to {values[-1]})"
            )


def parse_instrument(raw: bytes) -> Instrument:
    """The instrument in ``raw`` (JSON), checked; InstrumentError says what is wrong."""
    try:
        instrument = msgspec.json.decode(raw, type=Instrument)
    except msgspec.ValidationError as error:
        message, _, where = str(error).partition(" - at `$")
        where = where.rstrip("`")
        raise InstrumentError(f"{where.lstrip('.') + ': ' if where else ''}{message}") from None
    except msgspec.DecodeError as error:
        raise InstrumentError(f"not valid JSON ({error})") from None
    _check(instrument)
    return instrument


def load_instrument(path: str | Path = "") -> Instrument:
    """The instrument in the file at ``path`` (empty: Tend's own)."""
    file = Path(path) if path else DEFAULT_INSTRUMENT
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise InstrumentError(f"{file}: cannot be read ({error.strerror})") from None
    try:
        return parse_instrument(raw)
    except InstrumentError as error:
        raise InstrumentError(f"{file}: {error}") from None
