"""Bodies for an organisation's support resources, prompts and feeling words.

Write bodies take plain strings: ``rules`` checks them and says what is wrong in words an
admin can act on, rather than a pattern's.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from msgspec import Struct


class ResourceRead(Struct, frozen=True):
    id: UUID
    name: str
    description: str
    phone: str | None
    text: str | None
    web: str | None
    hours: str


class ResourceAdminRead(ResourceRead, frozen=True):
    """``team_ids`` empty: everyone sees it."""

    team_ids: list[UUID]
    updated_at: datetime


class ResourceWrite(Struct, frozen=True, forbid_unknown_fields=True):
    """At least one of ``phone``, ``text`` (a number to text) and ``web``; a blank one is
    none. ``team_ids`` empty shows it to everyone in the organisation."""

    name: str
    description: str = ""
    phone: str | None = None
    text: str | None = None
    web: str | None = None
    hours: str = ""
    team_ids: list[UUID] = []


class ResourceOrder(Struct, frozen=True, forbid_unknown_fields=True):
    """Every one of the organisation's resources, once each, in the order to show them."""

    ids: list[UUID]


class PromptRead(Struct, frozen=True):
    """Retired prompts are included so that old entries can still show their words; only
    the others are offered."""

    id: UUID
    moment: str
    text: str
    retired: bool


class FeelingRead(Struct, frozen=True):
    id: UUID
    word: str


class ToolkitRead(Struct, frozen=True):
    """What everyone in the organisation sees: resources for them, prompts and words."""

    resources: list[ResourceRead]
    prompts: list[PromptRead]
    feelings: list[FeelingRead]


class PromptWrite(Struct, frozen=True, forbid_unknown_fields=True):
    moment: str
    text: str


class FeelingWrite(Struct, frozen=True, forbid_unknown_fields=True):
    word: str


class PromptAdminRead(Struct, frozen=True):
    id: UUID
    moment: str
    text: str
    retired_at: datetime | None


class FeelingAdminRead(Struct, frozen=True):
    id: UUID
    word: str
    retired_at: datetime | None


class LibraryAdminRead(Struct, frozen=True):
    """Active items first, then retired ones."""

    prompts: list[PromptAdminRead]
    feelings: list[FeelingAdminRead]
