"""Deterministic, explained prioritisation: a score per action and a one-line "why now".

The score is a sum of small integers, each with the phrase that explains it:

- value: impact × 2 − effort (high 3, medium 2, low 1), so a high-impact, low-effort action
  scores 5 and a low-impact, high-effort one −1;
- fit: +3 when the action was written for the level being planned, +2 when it is an earlier
  level's action that still applies, 0 for a stretch into the next level;
- the org's priorities: +3 when the action serves its first priority, +2 for any other;
- pain: +2 when one of the action's signal words occurs in the pain point the owner named;
- tools: +1 when the action builds on a tool the org already runs for that discipline;
- dependencies (second pass, after selection): −2 when it needs an action that is not in the
  plan and not assumed done, +1 when another selected action waits for it.

Ties break on the action id, so the same profile and library always give the same plan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dialogs.content.taxonomy import fold
from dialogs.plan.library import LEVELS, SIZES, ActionSpec, Level
from dialogs.profile import PRIORITIES
from dialogs.text import truncate, user

PAIN_QUOTE_MAX = 60


@dataclass(frozen=True)
class Context:
    """What the prioritiser knows about the org for one section of the plan."""

    level: Level
    label: str  # "SAM", or "the shared foundations"
    maturity: str  # the discipline's maturity as in the profile (may be "unknown")
    finops_maturity: str
    priorities: tuple[str, ...]  # PRIORITIES ids, in the org's order
    pains: tuple[tuple[str, str], ...] = ()  # (label, raw pain text)
    tools: Mapping[str, str] = field(default_factory=dict)  # tool id -> the org's own spelling


@dataclass(frozen=True)
class Scored:
    """An action with its score and the reasons, before numbering."""

    action: ActionSpec
    score: int
    reasons: tuple[str, ...]
    stretch: bool = False


def value(action: ActionSpec) -> tuple[int, str]:
    impact, effort = SIZES[action.impact], SIZES[action.effort]
    points = impact * 2 - effort
    if action.impact == "high" and action.effort == "low":
        return points, "quick win (high impact, low effort)"
    return points, f"{action.impact} impact, {action.effort} effort"


def fit(action: ActionSpec, ctx: Context) -> tuple[int, str, bool]:
    """Points, phrase and whether the action is a stretch into the next level."""
    level = ctx.level
    if level not in action.maturity:
        if LEVELS.index(action.maturity[0]) > LEVELS.index(level):
            towards = action.maturity[0]
            return (
                0,
                f"a step towards {towards}: few {level} actions are left for {ctx.label}",
                True,
            )
        done = action.maturity[-1]
        return 0, f"{done}-level groundwork to confirm before more {level} work", False
    gap = _gap(ctx)
    if action.maturity[0] == level:
        return 3, gap or _fits(ctx), False
    earlier = action.maturity[0]
    return 2, gap or f"{earlier}-level groundwork that still applies at {level}", False


def _fits(ctx: Context) -> str:
    if ctx.maturity == "unknown":
        return f"{ctx.label} maturity is not known yet, so this starts at {ctx.level}"
    return f"fits {ctx.label} at {ctx.level}"


def _gap(ctx: Context) -> str:
    """The maturity gap, when FinOps is behind the discipline."""
    known = ctx.maturity in LEVELS and ctx.finops_maturity in LEVELS
    if known and LEVELS.index(ctx.finops_maturity) < LEVELS.index(ctx.maturity):
        return (
            f"FinOps ({ctx.finops_maturity}) trails {ctx.label} ({ctx.maturity}), "
            f"so joint work starts at {ctx.level}"
        )
    return ""


def priority(action: ActionSpec, ctx: Context) -> tuple[int, str]:
    for i, wanted in enumerate(ctx.priorities):
        if wanted in action.priorities:
            label = PRIORITIES[wanted]
            return (
                (3, f"serves your top priority ({label})")
                if i == 0
                else (2, f"serves your priority ({label})")
            )
    return 0, ""


def pain(action: ActionSpec, ctx: Context) -> tuple[int, str]:
    for label, text in ctx.pains:
        folded = fold(text)
        for signal in action.signals:
            if re.search(rf"(?<!\w){re.escape(signal)}(?!\w)", folded):
                quote = user(truncate(" ".join(text.split()), PAIN_QUOTE_MAX))
                return 2, f"answers the {label} pain you named: “{quote}”"
    return 0, ""


def tools(action: ActionSpec, ctx: Context) -> tuple[int, str]:
    for tool_id in action.tools:
        if tool_id in ctx.tools:
            return 1, f"builds on {user(ctx.tools[tool_id])}, already in place"
    return 0, ""


def score(action: ActionSpec, ctx: Context) -> Scored:
    """First-pass score: everything but dependencies."""
    points = 0
    reasons: list[str] = []
    v, phrase = value(action)
    points += v
    reasons.append(phrase)
    f, phrase, stretch = fit(action, ctx)
    points += f
    reasons.append(phrase)
    for part in (priority(action, ctx), pain(action, ctx), tools(action, ctx)):
        points += part[0]
        if part[1]:
            reasons.append(part[1])
    return Scored(action, points, tuple(reasons), stretch)


def rank(candidates: Sequence[Scored]) -> list[Scored]:
    """Highest score first; ties by id."""
    return sorted(candidates, key=lambda s: (-s.score, s.action.id))


def select(actions: Sequence[ActionSpec], ctx: Context, minimum: int, maximum: int) -> list[Scored]:
    """Up to ``maximum`` actions fitting the level, topped up to ``minimum`` with stretch ones."""
    fitting = rank([score(a, ctx) for a in actions if ctx.level in a.maturity])
    chosen = fitting[:maximum]
    index = LEVELS.index(ctx.level)
    if len(chosen) < minimum and index + 1 < len(LEVELS):
        stretch = rank([score(a, ctx) for a in actions if a.maturity[0] == LEVELS[index + 1]])
        chosen += stretch[: minimum - len(chosen)]
    if len(chosen) < minimum and index > 0:
        earlier = rank([score(a, ctx) for a in actions if a.maturity[-1] == LEVELS[index - 1]])
        chosen += earlier[: minimum - len(chosen)]
    return chosen


def sentence(reasons: Sequence[str]) -> str:
    """Reasons as one line: "Quick win: …; fits SAM at walk; after #1."."""
    text = "; ".join(r for r in reasons if r)
    return text[:1].upper() + text[1:] + "." if text else ""
