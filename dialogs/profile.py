"""The org profile: which disciplines an organisation runs, how mature, with which tools and owners.

This is the stable export/import format documented in the README. The interview writes it; the
plan and the nudges read it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from dialogs.content.taxonomy import DISCIPLINE_IDS

Maturity = Literal["crawl", "walk", "run", "unknown"]
MATURITIES: tuple[Maturity, ...] = ("crawl", "walk", "run", "unknown")

DISCIPLINES: tuple[str, ...] = DISCIPLINE_IDS  # the nine the taxonomy defines
# A discipline the org runs that is none of the nine; its ``name`` says what the org calls it.
# Code that looks disciplines up in the content store skips it (it has no articles).
OTHER = "other"
DISCIPLINE_KEYS: tuple[str, ...] = (*DISCIPLINES, OTHER)

# Priority ids the interview offers and the plan's actions are tagged with; free text is allowed.
PRIORITIES: dict[str, str] = {
    "allocation": "Allocate all technology cost to owners",
    "licensing": "Optimise licences and SaaS",
    "commitments": "Commitments and rate optimisation",
    "forecasting": "Forecasting and budgeting",
    "waste": "Reduce waste and idle resources",
    "governance": "Governance, policy and risk",
    "sustainability": "Sustainability and carbon",
    "unit-economics": "Unit economics and business value",
    "data": "One cost and usage data set (FOCUS)",
    "tooling": "Consolidate tools",
}

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class DisciplineProfile(BaseModel):
    """One discipline as the organisation runs it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    maturity: Maturity = "unknown"
    tools: list[Short] = Field(default_factory=list, max_length=30)
    owner: Short = ""
    pain: Short = ""
    name: Short = ""  # only for "other": what the organisation calls the discipline


class Profile(BaseModel):
    """The org's profile (what is exported and imported)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    org: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    finops_maturity: Maturity = "unknown"
    priorities: list[Short] = Field(default_factory=list, max_length=20)
    disciplines: dict[str, DisciplineProfile] = Field(default_factory=dict)
    # assigned by the store; accepted and ignored on import
    version: int | None = None
    updated: datetime | None = None

    @field_validator("disciplines")
    @classmethod
    def _known_disciplines(
        cls, value: dict[str, DisciplineProfile]
    ) -> dict[str, DisciplineProfile]:
        unknown = sorted(set(value) - set(DISCIPLINE_KEYS))
        if unknown:
            raise ValueError(
                f"unknown discipline id(s): {', '.join(unknown)}; "
                f"known: {', '.join(DISCIPLINE_KEYS)}"
            )
        for key, item in value.items():
            if item.name and key != OTHER:
                raise ValueError(f"{key}: 'name' is only for the '{OTHER}' discipline")
        return value

    def stripped(self) -> Profile:
        """The profile without the store-assigned fields (for comparison and storage)."""
        return self.model_copy(update={"version": None, "updated": None})
