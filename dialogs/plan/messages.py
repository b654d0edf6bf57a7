"""The plan as the core's neutral messages: cards, choices and forms for every channel.

Teams and the console get one card whose discipline sections start collapsed. Slack gets a
summary card with the top actions, then one follow-up card per section for the thread, each
small enough for Slack's per-message limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from dialogs.messages import (
    Action,
    Card,
    Channel,
    Choices,
    Fact,
    Form,
    FormField,
    Option,
    Outbound,
    Section,
    Text,
    Token,
)
from dialogs.plan.library import CROSS
from dialogs.plan.model import STATUS_LABELS, DisciplinePlan, PlannedAction, PlanView
from dialogs.plan.present import (
    CROSS_TITLE,
    by_horizon,
    day,
    disciplines_phrase,
    horizon_label,
    notes,
    owner_text,
    priority_labels,
    progress,
    section_label,
    status_text,
    top_actions,
)
from dialogs.plan.status import OWNER_MAX, VERB_LABELS, VERBS
from dialogs.text import strip_markdown, truncate, user

KIND = "plan"
PICK = "pick"
DETAIL = "detail"
OPTION_LABEL_MAX = 75


def subject(view: PlanView) -> str:
    return f"{KIND}:{view.plan.id}"


def token(view: PlanView, step: str) -> Token:
    return Token(subject(view), step, view.plan.version)


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlanCard(Card):
    """A plan card whose plain-text form is a short summary, not the whole (long) card.

    Platforms copy the fallback into every message (Teams ``fallbackText`` and ``summary``, Slack
    ``text``); the whole plan there would double a card's size for no reader.
    """

    short: str = ""

    def fallback_text(self) -> str:
        return strip_markdown(self.short) if self.short else super().fallback_text()

    def full_text(self) -> str:
        return super().fallback_text()


Detail = Literal["full", "why", "top-why", "lean", "titles", "index", "summary"]
DETAILS: tuple[Detail, ...] = ("full", "why", "top-why", "lean", "titles", "index", "summary")
TEAMS_MAX_CHARS = 20_000  # Teams limits a bot message to 40 KB counted as UTF-16
Measure = Callable[[Card], int]


def estimate(card: Card) -> int:
    """A rough rendered size when no renderer is at hand: card JSON runs about 3× its text."""
    text = card.full_text() if isinstance(card, PlanCard) else card.fallback_text()
    return 3 * len(text)


def plan_messages(
    view: PlanView, channel: Channel, now: datetime, measure: Measure = estimate
) -> tuple[Outbound, ...]:
    """What ``plan`` shows and ``post plan`` posts, shaped for the channel."""
    if channel == "slack":
        return (summary_card(view, now, threaded=True), *followups(view, now))
    if channel == "teams":
        return (teams_card(view, now, measure),)
    return (plan_card(view, now, "full"),)


def teams_card(
    view: PlanView, now: datetime, measure: Measure = estimate, limit: int = TEAMS_MAX_CHARS
) -> PlanCard:
    """The most detailed card that fits Teams' message size (``measure`` renders and counts)."""
    card = plan_card(view, now, DETAILS[1])
    for detail in DETAILS[2:]:
        if measure(card) <= limit:
            break
        card = plan_card(view, now, detail)
    return card


def plan_card(view: PlanView, now: datetime, detail: Detail = "why") -> PlanCard:
    """The whole plan in one card: summary, top actions, then collapsed sections.

    ``detail`` trims for size: ``full`` has each action's summary, ``why`` its why-now line,
    ``top-why`` keeps why-now lines only in "Start here", ``lean`` also drops stakeholders and
    overlap text, ``titles`` keeps action titles, shared data names and KPI names, ``index``
    only the numbered actions, ``summary`` no sections (they are behind **Section details**).
    """
    if detail == "summary":  # the last resort for Teams: the sections are a press away
        return replace(summary_card(view, now), actions=_buttons(view, now, details=True))
    sections = [_top_section(view, now, with_why=detail in ("full", "why", "top-why", "lean"))]
    if view.doc.cross_cutting:
        sections.append(
            Section(CROSS_TITLE, _actions_md(view, view.doc.cross_cutting, now, detail))
        )
    sections += [
        Section(
            _discipline_title(d),
            _discipline_md(view, d, now, detail),
            _discipline_facts(d) if detail in ("full", "why", "top-why") else (),
        )
        for d in view.doc.disciplines
    ]
    found = notes(view)
    if found:
        sections.append(Section("Notes", _bullets(found), collapsed=False))
    body = _intro(view)
    if detail not in ("full", "why"):
        body += "\n\nPress **Section details** for every action's summary and why-now line."
    return PlanCard(
        title=_title(view),
        subtitle=_subtitle(view),
        body=body,
        facts=_facts(view),
        sections=tuple(sections),
        actions=_buttons(view, now, details=detail not in ("full", "why")),
        short=_short(view, now),
    )


def summary_card(view: PlanView, now: datetime, *, threaded: bool = False) -> PlanCard:
    """The summary: progress, horizons and the top actions (Slack's top-level message)."""
    body = _intro(view)
    if threaded:
        body += "\n\nThe full plan, section by section, follows in this thread."
    found = notes(view)
    sections = [_top_section(view, now, with_why=True)]
    if found:
        sections.append(Section("Notes", _bullets(found), collapsed=False))
    return PlanCard(
        title=_title(view),
        subtitle=_subtitle(view),
        body=body,
        facts=_facts(view),
        sections=tuple(sections),
        actions=_buttons(view, now),
        short=_short(view, now),
    )


def followups(view: PlanView, now: datetime) -> tuple[PlanCard, ...]:
    """One card per section with every detail, for a thread under the summary."""
    found = (section_card(view, key, now) for key in section_keys(view))
    return tuple(card for card in found if card is not None)


def section_keys(view: PlanView) -> list[str]:
    """``cross-cutting`` (when the plan has shared actions) and the discipline ids, in order."""
    doc = view.doc
    return ([CROSS] if doc.cross_cutting else []) + [d.id for d in doc.disciplines]


def section_card(view: PlanView, key: str, now: datetime) -> PlanCard | None:
    """One section of the plan with every detail; ``None`` for a section it does not have."""
    doc = view.doc
    if key == CROSS and doc.cross_cutting:
        return PlanCard(
            title=CROSS_TITLE,
            body=_actions_md(view, doc.cross_cutting, now, "full"),
            short=f"{CROSS_TITLE}: {_numbers(doc.cross_cutting)}",
        )
    d = doc.discipline(key)
    if d is None:
        return None
    return PlanCard(
        title=_discipline_title(d),
        body=_discipline_md(view, d, now, "full"),
        facts=_discipline_facts(d),
        short=f"{d.label}: {_numbers(d.actions)}",
    )


def pick_section(view: PlanView) -> Choices:
    """Which section to show in full."""
    options = [Option(CROSS, CROSS_TITLE)] if view.doc.cross_cutting else []
    options += [Option(d.id, _discipline_title(d)) for d in view.doc.disciplines]
    return Choices(
        "Which section do you want in full?",
        tuple(options),
        token(view, DETAIL),
        submit_label="Show",
    )


def _numbers(actions: tuple[PlannedAction, ...]) -> str:
    return "actions " + ", ".join(f"#{a.n}" for a in actions) if actions else "no actions"


def _short(view: PlanView, now: datetime) -> str:
    top = ", ".join(f"#{a.n} {a.title}" for a in top_actions(view, now)[:3])
    text = (
        f"Alignment plan for {user(view.doc.org)}, version {view.plan.version}: {progress(view)}."
    )
    return text + (f" Start here: {top}." if top else "")


def _title(view: PlanView) -> str:
    return f"Alignment plan for {user(view.doc.org)}"


def _subtitle(view: PlanView) -> str:
    plan = view.plan
    return (
        f"Version {plan.version} · built {day(plan.created_at)} from profile version "
        f"{plan.profile_version}"
    )


def _intro(view: PlanView) -> str:
    doc = view.doc
    first = next(iter(doc.actions()), None)
    example = first.n if first is not None else 1
    lines = [
        f"How FinOps and {disciplines_phrase(view)} can work towards shared goals over the next "
        f"90 days. Progress: {progress(view)}.",
        f"Update an action with the buttons, or type `done {example}`, `start {example}`, "
        f"`drop {example}`, `reopen {example}` or `snooze {example}`.",
    ]
    if doc.partial:
        lines.append(
            "_Partial plan_: it covers what the profile says so far. Type `interview` "
            "to fill the gaps:\n" + _bullets(doc.gaps)
        )
    return "\n\n".join(lines)


def _facts(view: PlanView) -> tuple[Fact, ...]:
    doc = view.doc
    facts = [Fact("FinOps maturity", doc.finops_maturity)]
    labels = priority_labels(view)
    if labels:
        facts.append(Fact("Priorities", "; ".join(labels)))
    for days, actions in by_horizon(view):
        if actions:
            facts.append(Fact(horizon_label(days), ", ".join(f"#{a.n}" for a in actions)))
    if view.last_posting is not None:
        posted = view.last_posting
        facts.append(Fact("Last posted", f"{day(posted.at)} (version {posted.version})"))
    return tuple(facts)


def _top_section(view: PlanView, now: datetime, *, with_why: bool) -> Section:
    top = top_actions(view, now)
    if not top:
        return Section(
            "Start here", "Every action is done, skipped or snoozed. 🎉", collapsed=False
        )
    lines = [
        f"- **#{a.n} {a.title}** ({section_label(view, a)}, {a.horizon_days} days, "
        f"{owner_text(view, a)})" + (f". _{a.why}_" if with_why else "")
        for a in top
    ]
    return Section("Start here", "\n".join(lines), collapsed=False)


def _discipline_title(d: DisciplinePlan) -> str:
    level = d.maturity if d.maturity == d.level else f"{d.maturity}, planned at {d.level}"
    return f"{d.label} · {level}"


def _discipline_facts(d: DisciplinePlan) -> tuple[Fact, ...]:
    facts = [Fact("Owner", user(d.owner) if d.owner else "not named yet")]
    if d.tools:
        facts.append(Fact("Tools", ", ".join(user(t) for t in d.tools)))
    if d.pain:
        facts.append(Fact("Pain point", user(d.pain)))
    return tuple(facts)


def _discipline_md(view: PlanView, d: DisciplinePlan, now: datetime, detail: Detail) -> str:
    lean = detail in ("lean", "titles", "index")
    parts = [_owner_line(d)] if lean else [d.overlap]
    if detail == "titles":
        parts.append("**Shared data**: " + "; ".join(_before_arrow(s) for s in d.shared_data))
    elif detail != "index":
        parts.append("**Shared data to connect**\n" + _bullets(d.shared_data))
    parts.append("**Actions**\n" + _actions_md(view, d.actions, now, detail))
    if detail == "titles":
        parts.append("**KPIs**: " + "; ".join(k.name for k in d.kpis))
    elif detail != "index":
        kpis = [_kpi(k.name, k.formula, k.target, d.level) for k in d.kpis]
        parts.append("**KPIs to track**\n" + _bullets(kpis))
    if not lean:
        people = "; ".join(
            f"{user(s.name)} ({s.role})" if s.from_profile else f"{s.name} ({s.role})"
            for s in d.stakeholders
        )
        parts.append(f"**Stakeholders**: {people}")
        if d.ask:
            parts.append(f"For the full picture, ask me: “{d.ask}”")
    return "\n\n".join(parts)


def _owner_line(d: DisciplinePlan) -> str:
    line = f"**Owner**: {user(d.owner) if d.owner else 'not named yet'}"
    if d.tools:
        line += " · **Tools**: " + ", ".join(user(t) for t in d.tools)
    return line


def _before_arrow(text: str) -> str:
    return text.split(" ↔ ", 1)[0]


def _kpi(name: str, formula: str, target: str, level: str) -> str:
    goal = f" Target at {level}: {target}." if target else " Set a baseline first."
    return f"**{name}** = {formula}.{goal}"


def _actions_md(
    view: PlanView, actions: tuple[PlannedAction, ...], now: datetime, detail: Detail
) -> str:
    if not actions:
        return "No actions."
    lines = []
    for a in actions:
        line = f"{a.n}. **{a.title}**"
        if detail == "full":
            line += f". {a.summary}"
        if detail in ("full", "why"):
            line += f" _Why now: {a.why}_"
        owner = f"{owner_text(view, a)} · " if detail == "full" or view.owner(a) != a.owner else ""
        status = status_text(view, a, now)
        if detail == "index" and status == "open":
            line += f" ({a.horizon_days} days{' · ' + owner[:-3] if owner else ''})"
        else:
            line += f" ({a.horizon_days} days · {owner}{status})"
        if detail == "full":
            line += f" KPI: {a.kpi_name}. [Source]({a.source})"
        lines.append(line)
    return "\n".join(lines)


def _bullets(items: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _buttons(view: PlanView, now: datetime, *, details: bool = False) -> tuple[Action, ...]:
    buttons: list[Action] = []
    top = top_actions(view, now)
    if top:
        first = top[0]
        if view.status(first.id) == "open":
            buttons.append(
                Action(f"Start #{first.n}", token(view, f"start.{first.id}"), style="primary")
            )
        buttons.append(Action(f"Mark #{first.n} done", token(view, f"done.{first.id}")))
    if any(True for _ in view.doc.actions()):
        buttons.append(Action("Update an action", token(view, PICK)))
    if details:
        buttons.append(Action("Section details", token(view, DETAIL)))
    return tuple(buttons)


# --------------------------------------------------------------------------- updating


def pick_action(view: PlanView, now: datetime) -> Choices:
    """Which action to update (every action, open ones first)."""
    actions = sorted(
        view.doc.actions(), key=lambda a: (view.status(a.id) in ("done", "skipped"), a.n)
    )
    options = tuple(
        Option(a.id, truncate(f"#{a.n} {a.title}", OPTION_LABEL_MAX), status_text(view, a, now))
        for a in actions
    )
    return Choices(
        "Which action do you want to update?", options, token(view, PICK), submit_label="Choose"
    )


def action_menu(view: PlanView, action: PlannedAction, now: datetime) -> Choices:
    """What to do with one action: the verbs that change something, and the owner."""
    status = view.status(action.id)
    snoozed = view.snoozed(action.id, now)
    verbs = [
        v
        for v in VERBS
        if not (v == "start" and status == "in_progress")
        and not (v == "done" and status == "done")
        and not (v == "drop" and status == "skipped")
        and not (v == "reopen" and status == "open" and not snoozed)
        and not (v == "snooze" and status in ("done", "skipped"))
    ]
    options = (*(Option(v, VERB_LABELS[v]) for v in verbs), Option("owner", "Change owner"))
    prompt = (
        f"#{action.n} **{action.title}** is {status_text(view, action, now)}; owner: "
        f"{owner_text(view, action)}. What would you like to do?"
    )
    return Choices(prompt, options, token(view, f"set.{action.id}"), submit_label="Apply")


def owner_form(view: PlanView, action: PlannedAction) -> Form:
    current = view.owner(action)
    field = FormField(
        name="owner",
        label="Owner (a person or team; leave empty to use the profile's owner)",
        value=user(current) if current else "",
        placeholder="e.g. Dana Kowalski (Software Licensing)",
        max_length=OWNER_MAX,
    )
    title = f"Owner of #{action.n}: {truncate(action.title, 80)}"
    return Form(title, (field,), token(view, f"owner.{action.id}"), submit_label="Save")


def status_note(view: PlanView, action: PlannedAction, change: str, now: datetime) -> Text:
    """The reply after a change."""
    counts = view.counts()
    total = sum(counts.values())
    head = f"#{action.n} **{action.title}**"
    if change == "owner":
        return Text(f"{head} is now owned by {owner_text(view, action)}.")
    if change == "snooze":
        return Text(f"Snoozed {head}: {status_text(view, action, now)}. Nudges skip it until then.")
    label = STATUS_LABELS[view.status(action.id)]
    return Text(f"✓ {head} is now **{label}**. Progress: {counts['done']} of {total} done.")


def no_change_note(action: PlannedAction, reason: str) -> Text:
    return Text(f"Nothing changed for #{action.n} **{action.title}**: {reason}.")
