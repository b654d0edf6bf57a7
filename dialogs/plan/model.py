"""The alignment plan as built and stored: a snapshot document plus per-action status.

A ``PlanDoc`` is what the builder produces from a profile and the action library. It is stored as
JSON with each plan version, so an old version reads exactly as it was posted even after the
content changes. Statuses and owner edits live apart from it (``ActionState``, one per org and
action id), so they survive new plan versions.

Strings in a ``PlanDoc`` are our Markdown subset; text that came from users (owner names, tools,
pain points) is kept raw in ``owner``/``tools``/``pain`` and wrapped with ``user()`` wherever it is
quoted inside a trusted string (``why``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

Status = Literal["open", "in_progress", "done", "skipped"]
STATUSES: tuple[Status, ...] = ("open", "in_progress", "done", "skipped")
STATUS_LABELS: dict[str, str] = {
    "open": "open",
    "in_progress": "in progress",
    "done": "done",
    "skipped": "skipped",
}
HORIZONS: tuple[int, ...] = (30, 60, 90)
FORMAT = 1


@dataclass(frozen=True)
class KpiLine:
    """A KPI as the plan shows it: name, formula and the target for the discipline's level."""

    id: str
    name: str
    formula: str
    target: str = ""
    source: str = ""


@dataclass(frozen=True)
class Stakeholder:
    """Who takes part; ``name`` is user text when ``from_profile``."""

    name: str
    role: str
    from_profile: bool = False


@dataclass(frozen=True)
class PlannedAction:
    """One action in the plan, numbered ``n`` in reading order."""

    n: int
    id: str
    discipline: str  # a discipline id or "cross-cutting"
    title: str
    summary: str
    why: str  # one line, our Markdown; user text inside is marked
    horizon_days: int
    kpi: str  # KPI id
    kpi_name: str
    owner: str  # raw user text from the profile ("" when nobody was named)
    source: str
    effort: str
    impact: str
    score: int
    after: tuple[int, ...] = ()  # numbers of the actions it depends on
    stretch: bool = False  # from the next maturity level, to reach three actions


@dataclass(frozen=True)
class DisciplinePlan:
    """One discipline of the plan."""

    id: str
    label: str
    maturity: str  # as in the profile (crawl|walk|run|unknown)
    level: str  # the level actions were chosen for
    owner: str  # raw user text
    tools: tuple[str, ...]
    pain: str  # raw user text
    overlap: str
    ask: str  # a question Crosswalk answers about this overlap ("" when none)
    shared_data: tuple[str, ...]
    allied: str
    stakeholders: tuple[Stakeholder, ...]
    kpis: tuple[KpiLine, ...]
    actions: tuple[PlannedAction, ...]


@dataclass(frozen=True)
class PlanDoc:
    """The plan as built; equal documents mean nothing changed."""

    org: str  # the profile's org name (user text)
    finops_maturity: str
    priorities: tuple[str, ...]  # raw; ids from PRIORITIES or free text
    partial: bool
    gaps: tuple[str, ...]  # what the profile is missing (trusted text)
    disciplines: tuple[DisciplinePlan, ...]
    cross_cutting: tuple[PlannedAction, ...]
    library: str  # the action library fingerprint it was built from
    format: int = FORMAT

    def actions(self) -> Iterator[PlannedAction]:
        """Every action in number order."""
        found = [*self.cross_cutting, *(a for d in self.disciplines for a in d.actions)]
        yield from sorted(found, key=lambda a: a.n)

    def by_id(self) -> dict[str, PlannedAction]:
        return {a.id: a for a in self.actions()}

    def by_number(self) -> dict[int, PlannedAction]:
        return {a.n: a for a in self.actions()}

    def discipline(self, discipline_id: str) -> DisciplinePlan | None:
        return next((d for d in self.disciplines if d.id == discipline_id), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanDoc:
        """Rebuild a stored document (raises ``KeyError``/``TypeError`` when it is malformed)."""
        return cls(
            org=str(data["org"]),
            finops_maturity=str(data["finops_maturity"]),
            priorities=tuple(str(p) for p in data["priorities"]),
            partial=bool(data["partial"]),
            gaps=tuple(str(g) for g in data["gaps"]),
            disciplines=tuple(_discipline(d) for d in data["disciplines"]),
            cross_cutting=tuple(_action(a) for a in data["cross_cutting"]),
            library=str(data["library"]),
            format=int(data.get("format", FORMAT)),
        )


def _action(data: Mapping[str, Any]) -> PlannedAction:
    values = dict(data)
    values["after"] = tuple(int(n) for n in values.get("after", ()))
    return PlannedAction(**values)


def _discipline(data: Mapping[str, Any]) -> DisciplinePlan:
    values = dict(data)
    values["tools"] = tuple(values["tools"])
    values["shared_data"] = tuple(values["shared_data"])
    values["stakeholders"] = tuple(Stakeholder(**s) for s in values["stakeholders"])
    values["kpis"] = tuple(KpiLine(**k) for k in values["kpis"])
    values["actions"] = tuple(_action(a) for a in values["actions"])
    return DisciplinePlan(**values)


@dataclass(frozen=True)
class StoredPlan:
    """A plan version as stored: ``id`` is global (tokens use it), ``version`` counts per org."""

    id: int
    org_id: str
    version: int
    profile_version: int
    created_at: datetime
    created_by: str
    doc: PlanDoc


@dataclass(frozen=True)
class ActionState:
    """The status, owner edit and snooze of one action of one org (independent of versions)."""

    action_id: str
    status: Status = "open"
    by: str = ""  # user id
    by_name: str = ""  # display name at the time
    at: datetime | None = None
    snoozed_until: datetime | None = None
    owner: str | None = None  # an edited owner; None means "as in the profile"
    revision: int = 0


@dataclass(frozen=True)
class Posting:
    """Where and when a plan version was posted (for ``plan diff`` and the nudges)."""

    plan_id: int
    version: int
    channel: str
    conversation_id: str
    target: str  # thread | channel | direct
    channel_ref: str
    by: str
    at: datetime
    status: str = "requested"  # requested | posted | failed
    id: int = 0
    message_id: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Orphan:
    """A status kept for an action this plan version no longer contains."""

    state: ActionState
    title: str  # from the library; "" when the library no longer has the action either


@dataclass(frozen=True)
class PlanView:
    """A stored plan with the org's current statuses: what every renderer and the JSON show."""

    plan: StoredPlan
    states: Mapping[str, ActionState] = field(default_factory=dict)
    orphans: tuple[Orphan, ...] = ()  # statuses of actions no longer in this plan
    unknown: tuple[str, ...] = ()  # action ids in the plan that the library no longer has
    last_posting: Posting | None = None

    @property
    def doc(self) -> PlanDoc:
        return self.plan.doc

    def state(self, action_id: str) -> ActionState:
        return self.states.get(action_id) or ActionState(action_id)

    def status(self, action_id: str) -> Status:
        return self.state(action_id).status

    def owner(self, action: PlannedAction) -> str:
        """The edited owner, else the profile's (raw user text; "" when nobody is named)."""
        edited = self.state(action.id).owner
        return action.owner if edited is None else edited

    def snoozed(self, action_id: str, now: datetime) -> bool:
        until = self.state(action_id).snoozed_until
        return until is not None and until > now

    def counts(self) -> dict[Status, int]:
        out: dict[Status, int] = dict.fromkeys(STATUSES, 0)
        for action in self.doc.actions():
            out[self.status(action.id)] += 1
        return out

    def next_open(self, limit: int, now: datetime) -> list[PlannedAction]:
        """Open or started actions, not snoozed, soonest horizon and highest score first."""
        live = [
            a
            for a in self.doc.actions()
            if self.status(a.id) in ("open", "in_progress") and not self.snoozed(a.id, now)
        ]
        live.sort(key=lambda a: (a.horizon_days, -a.score, a.n))
        return live[:limit]
