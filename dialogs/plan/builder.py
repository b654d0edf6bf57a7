"""Profile + action library → plan: sections, selection, numbering, horizons and "why now".

The shared foundations (cross-cutting actions) come first, then one section per discipline in the
profile, in the order of ``dialogs.profile.DISCIPLINES``. Numbers run through the whole plan in
that order, so ``done 3`` means the same action to everyone looking at the same version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dialogs.content import ContentStore
from dialogs.content.taxonomy import fold
from dialogs.plan.library import CROSS, LEVELS, ActionLibrary, ActionSpec, Level
from dialogs.plan.model import DisciplinePlan, KpiLine, PlanDoc, PlannedAction, Stakeholder
from dialogs.plan.prioritise import Context, Scored, select, sentence
from dialogs.profile import DISCIPLINES, PRIORITIES, DisciplineProfile, Profile

CROSS_LABEL = "FinOps"
CROSS_MIN, CROSS_MAX = 3, 5
SECTION_MIN, SECTION_MAX = 3, 5
KPI_MAX = 5
UNMET_PENALTY = -2
UNBLOCKS_BONUS = 1


@dataclass(frozen=True)
class Vocabulary:
    """The bits of the content store the builder needs (kept small so tests can make one)."""

    labels: Mapping[str, str]  # discipline id -> short label ("ITSM")
    tool_names: Mapping[str, frozenset[str]]  # tool id -> folded names, aliases and id
    asks: Mapping[str, str]  # discipline id -> a question Crosswalk answers about the overlap

    @classmethod
    def from_content(cls, content: ContentStore, library: ActionLibrary) -> Vocabulary:
        labels = {
            d: (content.disciplines[d].short if d in content.disciplines else d.upper())
            for d in DISCIPLINES
        }
        names = {
            t.id: frozenset(fold(n) for n in (t.id, t.name, *t.aliases))
            for t in content.tools.values()
        }
        asks: dict[str, str] = {}
        for discipline, brief in library.briefs.items():
            article = content.articles.get(brief.article or "")
            if article is not None and article.questions:
                asks[discipline] = article.questions[0]
        return cls(labels, names, asks)


def normalise_priorities(raw: Sequence[str]) -> tuple[str, ...]:
    """The profile's priorities as ``PRIORITIES`` ids, in order; free text that matches none is
    left out (it is still shown as the org wrote it)."""
    by_name = {fold(k): k for k in PRIORITIES} | {fold(v): k for k, v in PRIORITIES.items()}
    out: list[str] = []
    for item in raw:
        found = by_name.get(fold(item))
        if found and found not in out:
            out.append(found)
    return tuple(out)


def level_for(maturity: str, finops: str) -> Level:
    """The level to plan joint work at: the less mature side, crawl when unknown."""
    own: Level = maturity if maturity in LEVELS else "crawl"
    if finops in LEVELS and LEVELS.index(finops) < LEVELS.index(own):
        return finops
    return own


def gaps(profile: Profile, labels: Mapping[str, str]) -> tuple[str, ...]:
    """What the profile is missing, in words; any gap makes the plan partial."""
    found: list[str] = []
    if not profile.disciplines:
        found.append(
            "No disciplines are recorded yet, so the plan covers only the shared foundations."
        )
    if profile.finops_maturity == "unknown":
        found.append("FinOps maturity is not known; the shared foundations assume crawl.")
    if not profile.priorities:
        found.append(
            "No priorities are recorded; actions are ranked on impact, effort and maturity only."
        )
    for d in _disciplines(profile):
        entry = profile.disciplines[d]
        if entry.maturity == "unknown":
            found.append(f"{labels.get(d, d)} maturity is not known; its actions assume crawl.")
        if not entry.owner:
            found.append(f"No owner is named for {labels.get(d, d)}.")
    return tuple(found)


def build_plan(profile: Profile, library: ActionLibrary, vocab: Vocabulary) -> PlanDoc:
    """The plan for a profile: deterministic for the same profile and library."""
    priorities = normalise_priorities(profile.priorities)
    finops = profile.finops_maturity
    pains = tuple(
        (vocab.labels.get(d, d), profile.disciplines[d].pain)
        for d in _disciplines(profile)
        if profile.disciplines[d].pain
    )
    sections: list[tuple[str, Level, list[Scored]]] = []
    cross_ctx = Context(level_for(finops, finops), CROSS_LABEL, finops, finops, priorities, pains)
    sections.append(
        (
            CROSS,
            cross_ctx.level,
            select(library.for_discipline(CROSS), cross_ctx, CROSS_MIN, CROSS_MAX),
        )
    )
    for d in _disciplines(profile):
        entry = profile.disciplines[d]
        ctx = Context(
            level=level_for(entry.maturity, finops),
            label=vocab.labels.get(d, d),
            maturity=entry.maturity,
            finops_maturity=finops,
            priorities=priorities,
            pains=((vocab.labels.get(d, d), entry.pain),) if entry.pain else (),
            tools=_org_tools(entry, vocab),
        )
        sections.append(
            (d, ctx.level, select(library.for_discipline(d), ctx, SECTION_MIN, SECTION_MAX))
        )
    planned = _number(sections, library, profile)
    return PlanDoc(
        org=profile.org,
        finops_maturity=finops,
        priorities=tuple(profile.priorities),
        partial=bool(gaps(profile, vocab.labels)),
        gaps=gaps(profile, vocab.labels),
        disciplines=tuple(
            _discipline(d, level, planned[d], profile.disciplines[d], library, vocab)
            for d, level, _ in sections
            if d != CROSS
        ),
        cross_cutting=tuple(planned[CROSS]),
        library=library.fingerprint,
    )


def _disciplines(profile: Profile) -> list[str]:
    return [d for d in DISCIPLINES if d in profile.disciplines]


def _org_tools(entry: DisciplineProfile, vocab: Vocabulary) -> dict[str, str]:
    """Catalogue tool ids the org runs for a discipline, with the org's own spelling."""
    found: dict[str, str] = {}
    for written in entry.tools:
        key = fold(written)
        for tool_id, names in sorted(vocab.tool_names.items()):
            if key in names:
                found.setdefault(tool_id, written)
    return found


def _number(
    sections: Sequence[tuple[str, Level, list[Scored]]],
    library: ActionLibrary,
    profile: Profile,
) -> dict[str, list[PlannedAction]]:
    """Second pass: dependencies adjust scores and order; then numbers and horizons."""
    chosen = {s.action.id for _, _, picked in sections for s in picked}
    waiting: dict[str, list[str]] = {}
    for _, _, picked in sections:
        for s in picked:
            for dep in s.action.depends_on:
                if dep in chosen:
                    waiting.setdefault(dep, []).append(s.action.id)
    horizons: dict[str, int] = {}
    ordered: list[tuple[str, list[tuple[Scored, int, list[str]]]]] = []
    for section, level, picked in sections:
        adjusted: list[tuple[Scored, int, list[str]]] = []
        for s in picked:
            extra, unmet = 0, []
            for dep in s.action.depends_on:
                spec = library.actions.get(dep)
                if dep not in chosen and spec is not None and not _assumed_done(spec, level):
                    extra += UNMET_PENALTY
                    unmet.append(dep)
            if s.action.id in waiting:
                extra += UNBLOCKS_BONUS
            adjusted.append((s, s.score + extra, unmet))
        ranked = _topological(adjusted)
        for rank, (s, _, _) in enumerate(ranked, 1):
            deps = [horizons[d] for d in s.action.depends_on if d in horizons]
            horizons[s.action.id] = _horizon(s.action, rank, s.stretch, deps)
        # reading order: by horizon, then by priority (dependencies always come earlier)
        timeline = sorted(enumerate(ranked), key=lambda p: (horizons[p[1][0].action.id], p[0]))
        ordered.append((section, [item for _, item in timeline]))
    numbers: dict[str, int] = {}
    n = 0
    for _, items in ordered:
        for s, _, _ in items:
            n += 1
            numbers[s.action.id] = n
    out: dict[str, list[PlannedAction]] = {}
    for section, items in ordered:
        out[section] = []
        owner = "" if section == CROSS else profile.disciplines[section].owner
        for s, total, unmet in items:
            action = s.action
            after = sorted(numbers[d] for d in action.depends_on if d in numbers)
            horizon = horizons[action.id]
            reasons = list(s.reasons)
            if after:
                reasons.append("after " + ", ".join(f"#{x}" for x in after))
            reasons += [
                f"needs “{library.actions[d].title}” first, which this plan does not include yet"
                for d in unmet
            ]
            unblocks = sorted(numbers[w] for w in waiting.get(action.id, ()))
            if unblocks:
                reasons.append("unblocks " + ", ".join(f"#{x}" for x in unblocks))
            out[section].append(
                PlannedAction(
                    n=numbers[action.id],
                    id=action.id,
                    discipline=section,
                    title=action.title,
                    summary=action.summary,
                    why=sentence(reasons),
                    horizon_days=horizon,
                    kpi=action.kpi,
                    kpi_name=library.kpis[action.kpi].name,
                    owner=owner,
                    source=action.source,
                    effort=action.effort,
                    impact=action.impact,
                    score=total,
                    after=tuple(after),
                    stretch=s.stretch,
                )
            )
    return out


def _assumed_done(dep: ActionSpec, level: Level) -> bool:
    """A dependency written only for earlier levels is taken as already in place."""
    return LEVELS.index(dep.maturity[-1]) < LEVELS.index(level)


def _topological(
    items: list[tuple[Scored, int, list[str]]],
) -> list[tuple[Scored, int, list[str]]]:
    """Highest total first, but never before a dependency from the same section."""
    pending = sorted(items, key=lambda i: (-i[1], i[0].action.id))
    ids = {i[0].action.id for i in pending}
    placed: list[tuple[Scored, int, list[str]]] = []
    done: set[str] = set()
    while pending:
        for i, item in enumerate(pending):
            deps = {d for d in item[0].action.depends_on if d in ids}
            if deps <= done:
                placed.append(pending.pop(i))
                done.add(item[0].action.id)
                break
        else:  # a cycle inside a section: the checker forbids it; keep score order
            placed += pending
            break
    return placed


def _horizon(action: ActionSpec, rank: int, stretch: bool, deps: Sequence[int]) -> int:
    """30, 60 or 90 days: by rank and effort, after any dependency, stretch actions last."""
    horizon = 30 if rank <= 2 else 60 if rank <= 4 else 90
    if action.effort == "low":
        horizon = max(30, horizon - 30)
    elif action.effort == "high":
        horizon = max(horizon, 60)
    if stretch:
        horizon = 90
    for dep in deps:
        horizon = max(horizon, min(90, dep + 30))
    return horizon


def _discipline(
    discipline: str,
    level: Level,
    actions: list[PlannedAction],
    entry: DisciplineProfile,
    library: ActionLibrary,
    vocab: Vocabulary,
) -> DisciplinePlan:
    brief = library.briefs[discipline]
    label = vocab.labels.get(discipline, discipline)
    kpi_ids: list[str] = list(brief.kpis)
    kpi_ids += [a.kpi for a in actions if a.kpi not in kpi_ids]
    kpis = tuple(
        KpiLine(
            k,
            library.kpis[k].name,
            library.kpis[k].formula,
            library.kpis[k].targets.get(level, ""),
            library.kpis[k].source,
        )
        for k in kpi_ids[:KPI_MAX]
    )
    people: list[Stakeholder] = []
    if entry.owner:
        people.append(Stakeholder(entry.owner, f"{label} owner", from_profile=True))
    people.append(Stakeholder(brief.allied, f"{label} side"))
    people += [Stakeholder(p, "FinOps persona") for p in brief.personas]
    return DisciplinePlan(
        id=discipline,
        label=label,
        maturity=entry.maturity,
        level=level,
        owner=entry.owner,
        tools=tuple(entry.tools),
        pain=entry.pain,
        overlap=brief.overlap,
        ask=vocab.asks.get(discipline, ""),
        shared_data=brief.shared_data,
        allied=brief.allied,
        stakeholders=tuple(people),
        kpis=kpis,
        actions=tuple(actions),
    )
