"""What an admin receives about her organisation: figures by team and month, never a person."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from msgspec import Struct


class Figure(Struct, frozen=True):
    """One cell. ``value`` is null when it is hidden, and ``reason`` then says why; how many
    people a figure rests on is never given (with a team's size, it would tell who took part)."""

    value: float | None
    reason: str | None = None


class Group(Struct, frozen=True):
    """A team, or the whole organisation (``id`` null)."""

    id: UUID | None
    name: str
    kind: Literal["team", "organisation"]


class WellbeingMonth(Struct, frozen=True):
    """Average bands (1 to 5, one decimal) and the percentage of contributors who checked in."""

    month: str
    stress: Figure
    energy: Figure
    sleep: Figure
    participation: Figure


class WellbeingRow(Struct, frozen=True):
    group: Group
    months: list[WellbeingMonth]


class CoverageRow(Struct, frozen=True):
    """Percentage of active workers with supervision in the last 28 and 56 days."""

    group: Group
    within_4_weeks: Figure
    within_8_weeks: Figure


class QualityMonth(Struct, frozen=True):
    """Average answers (1 to 5, one decimal) to the three pulse questions."""

    month: str
    heard: Figure
    checked_in: Figure
    useful: Figure


class QualityRow(Struct, frozen=True):
    group: Group
    months: list[QualityMonth]


class SuppressionRule(Struct, frozen=True):
    """The rule's numbers, for pages that explain it."""

    min_group: int
    months: int
    coverage_days: list[int]


class InsightsRead(Struct, frozen=True):
    """Rows are the teams by name, then the organisation; months run oldest first."""

    organisation: str
    as_of: date
    months: list[str]
    wellbeing: list[WellbeingRow]
    coverage: list[CoverageRow]
    quality: list[QualityRow]
    rule: SuppressionRule
