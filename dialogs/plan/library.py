"""The action library as data: actions, KPIs and discipline briefs under ``content/``.

``content/actions/<discipline>.yaml`` lists the actions (``cross-cutting.yaml`` the shared ones),
``content/plan/kpis.yaml`` the KPIs they move and ``content/plan/disciplines.yaml`` what the plan
says about each discipline. ``scan_library`` reads them once and reports every problem with its
line; ``load_library`` raises ``ContentError`` when there is any error.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from dialogs.content.diagnostic import ContentError, Diagnostic, errors
from dialogs.content.models import Id, Text, Url, dotted, error_messages
from dialogs.content.yamldoc import YamlDoc, parse_yaml
from dialogs.profile import DISCIPLINES, PRIORITIES

Level = Literal["crawl", "walk", "run"]
LEVELS: tuple[Level, ...] = ("crawl", "walk", "run")
Size = Literal["low", "medium", "high"]
SIZES: dict[str, int] = {"low": 1, "medium": 2, "high": 3}

CROSS = "cross-cutting"
CROSS_PREFIX = "shared"
ACTIONS_DIR = "actions"
PLAN_DIR = "plan"
KPI_FILE = "kpis.yaml"
BRIEF_FILE = "disciplines.yaml"
MIN_PER_DISCIPLINE = 5
MIN_PER_LEVEL = 3
TITLE_MAX = 120
SUMMARY_MAX = 320
# The issue names these four cross-cutting actions; the checker requires them.
REQUIRED_SHARED: tuple[str, ...] = (
    "shared.tagging-terminology",
    "shared.focus-common-format",
    "shared.joint-review",
    "shared.raci",
)
_HEADING = re.compile(r"^ {0,3}#{1,6}\s", re.MULTILINE)
M = TypeVar("M", bound=BaseModel)


def _max_chars(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"has {len(value)} characters; the limit is {limit}")
        if _HEADING.search(value):
            raise ValueError("must not contain Markdown headings")
        return value

    return AfterValidator(check)


def _priority(value: str) -> str:
    if value not in PRIORITIES:
        raise ValueError(f"unknown priority '{value}'; known: {', '.join(PRIORITIES)}")
    return value


def _levels(value: tuple[Level, ...]) -> tuple[Level, ...]:
    if not value:
        raise ValueError("needs at least one maturity level")
    if len(set(value)) != len(value):
        raise ValueError("lists a maturity level twice")
    return tuple(sorted(value, key=LEVELS.index))


def _at_least(count: int, what: str) -> AfterValidator:
    def check(value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) < count:
            raise ValueError(f"needs at least {count} {what} (found {len(value)})")
        return value

    return AfterValidator(check)


def _signal(value: str) -> str:
    return " ".join(value.casefold().split())


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ActionSpec(_Model):
    """One action of the library: what to do, where it fits and what it moves."""

    id: Id
    title: Annotated[Text, _max_chars(TITLE_MAX)]
    summary: Annotated[Text, _max_chars(SUMMARY_MAX)]
    maturity: Annotated[tuple[Level, ...], AfterValidator(_levels)]
    effort: Size
    impact: Size
    depends_on: tuple[Id, ...] = ()
    kpi: Id
    priorities: tuple[Annotated[str, AfterValidator(_priority)], ...] = ()
    signals: tuple[Annotated[Text, AfterValidator(_signal)], ...] = ()
    tools: tuple[Id, ...] = ()
    source: Url


class ActionFileShape(_Model):
    """One ``content/actions/*.yaml`` file; each action is validated separately."""

    discipline: Id
    actions: tuple[dict[str, Any], ...]


class Kpi(_Model):
    """A KPI with its formula and, where published, sample targets per maturity level."""

    id: Id
    name: Annotated[Text, _max_chars(80)]
    formula: Annotated[Text, _max_chars(240)]
    targets: dict[Level, Text] = {}
    source: Url


class KpiFile(_Model):
    kpis: tuple[Kpi, ...]


class Brief(_Model):
    """What the plan says about one discipline, next to its actions."""

    article: Id | None = None
    overlap: Annotated[Text, _max_chars(400)]
    shared_data: Annotated[
        tuple[Annotated[Text, _max_chars(200)], ...], _at_least(2, "shared data items")
    ]
    allied: Annotated[Text, _max_chars(160)]
    personas: Annotated[tuple[Text, ...], _at_least(1, "persona")]
    kpis: Annotated[tuple[Id, ...], _at_least(1, "KPI id")]


class BriefFile(_Model):
    disciplines: dict[str, Brief]


@dataclass(frozen=True, eq=False)
class ActionLibrary:
    """The validated library; ``fingerprint`` changes whenever any of its files changes."""

    actions: Mapping[str, ActionSpec]
    kpis: Mapping[str, Kpi]
    briefs: Mapping[str, Brief]
    fingerprint: str

    def for_discipline(self, discipline: str) -> tuple[ActionSpec, ...]:
        """The actions of one discipline (or ``CROSS``), in id order."""
        prefix = CROSS_PREFIX if discipline == CROSS else discipline
        return tuple(a for _, a in sorted(self.actions.items()) if a.id.split(".")[0] == prefix)

    def discipline_of(self, action_id: str) -> str:
        prefix = action_id.split(".")[0]
        return CROSS if prefix == CROSS_PREFIX else prefix


# --------------------------------------------------------------------------- scanning


@dataclass
class LibraryScan:
    """Everything read from the library files, with positions for diagnostics."""

    root: Path
    files: list[tuple[str, bytes]] = field(default_factory=list)
    actions: dict[str, ActionSpec] = field(default_factory=dict)
    action_at: dict[str, tuple[str, YamlDoc, tuple[str | int, ...]]] = field(default_factory=dict)
    kpis: dict[str, Kpi] = field(default_factory=dict)
    briefs: dict[str, Brief] = field(default_factory=dict)
    brief_doc: YamlDoc | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def path(self, file: Path) -> str:
        try:
            return file.resolve().relative_to(self.root.resolve().parent).as_posix()
        except ValueError:
            return file.as_posix()

    def report(self, where: str, line: int, message: str, level: str = "error") -> None:
        self.diagnostics.append(
            Diagnostic(where, line, "warning" if level == "warning" else "error", message)
        )

    def line_of(self, action_id: str, *loc: str | int) -> tuple[str, int]:
        where, doc, base = self.action_at[action_id]
        return where, doc.line_of((*base, *loc))

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for name, data in sorted(self.files):
            digest.update(name.encode("utf-8") + b"\0" + data + b"\0")
        return digest.hexdigest()

    def library(self) -> ActionLibrary:
        return ActionLibrary(
            actions=MappingProxyType(dict(sorted(self.actions.items()))),
            kpis=MappingProxyType(dict(self.kpis)),
            briefs=MappingProxyType(dict(self.briefs)),
            fingerprint=self.fingerprint(),
        )


def load_library(root: Path) -> ActionLibrary:
    """Load and validate the library under the content root; raise ``ContentError`` on errors."""
    scan = scan_library(root)
    found = errors(scan.diagnostics)
    if found:
        raise ContentError(sorted(found))
    return scan.library()


def scan_library(root: Path) -> LibraryScan:
    """Read the library files and run every check that needs nothing but the library."""
    scan = LibraryScan(root)
    _read_kpis(scan)
    _read_briefs(scan)
    _read_actions(scan)
    _check_references(scan)
    _check_coverage(scan)
    return scan


def _load(scan: LibraryScan, file: Path) -> YamlDoc | None:
    where = scan.path(file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        scan.report(where, 1, f"cannot read file: {exc.strerror or exc}")
        return None
    scan.files.append((where, data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        scan.report(where, 1, "file is not valid UTF-8")
        return None
    doc, problems = parse_yaml(text)
    for p in problems:
        scan.report(where, p.line, p.message)
    if doc is not None and not isinstance(doc.data, dict):
        scan.report(where, 1, "the file must be a YAML mapping")
        return None
    return doc


def _validate(scan: LibraryScan, file: Path, doc: YamlDoc, model: type[M]) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        fields = tuple(model.model_fields)
        for loc, message in error_messages(exc, fields):
            scan.report(scan.path(file), doc.line_of(loc), message)
        return None


def _read_kpis(scan: LibraryScan) -> None:
    file = scan.root / PLAN_DIR / KPI_FILE
    if not file.is_file():
        scan.report(scan.path(file), 1, "KPI file is missing")
        return
    doc = _load(scan, file)
    parsed = _validate(scan, file, doc, KpiFile) if doc is not None else None
    if parsed is None or doc is None:
        return
    for i, kpi in enumerate(parsed.kpis):
        if kpi.id in scan.kpis:
            scan.report(
                scan.path(file), doc.line_of(("kpis", i, "id")), f"duplicate KPI id '{kpi.id}'"
            )
        scan.kpis.setdefault(kpi.id, kpi)


def _read_briefs(scan: LibraryScan) -> None:
    file = scan.root / PLAN_DIR / BRIEF_FILE
    if not file.is_file():
        scan.report(scan.path(file), 1, "discipline brief file is missing")
        return
    doc = _load(scan, file)
    parsed = _validate(scan, file, doc, BriefFile) if doc is not None else None
    if parsed is None or doc is None:
        return
    scan.brief_doc = doc
    where = scan.path(file)
    for discipline, brief in parsed.disciplines.items():
        if discipline not in DISCIPLINES:
            scan.report(
                where,
                doc.line_of(("disciplines", discipline)),
                f"unknown discipline '{discipline}'",
            )
            continue
        for i, kpi in enumerate(brief.kpis):
            if scan.kpis and kpi not in scan.kpis:
                scan.report(
                    where,
                    doc.line_of(("disciplines", discipline, "kpis", i)),
                    f"unknown KPI '{kpi}'",
                )
        scan.briefs[discipline] = brief
    for missing in sorted(set(DISCIPLINES) - set(parsed.disciplines)):
        scan.report(where, doc.line_of(("disciplines",)), f"discipline '{missing}' has no brief")


def _read_actions(scan: LibraryScan) -> None:
    """Each action is validated on its own, so one bad action hides no problem in the others."""
    folder = scan.root / ACTIONS_DIR
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        scan.report(scan.path(folder), 1, "no action files (content/actions/*.yaml)")
    for file in files:
        doc = _load(scan, file)
        if doc is None:
            continue
        where = scan.path(file)
        envelope = _validate(scan, file, doc, ActionFileShape)
        if envelope is None:
            continue
        discipline = envelope.discipline
        if discipline != CROSS and discipline not in DISCIPLINES:
            scan.report(
                where,
                doc.line_of(("discipline",)),
                f"unknown discipline '{discipline}'; use one of "
                f"{', '.join(DISCIPLINES)} or '{CROSS}'",
            )
            continue
        if file.stem != discipline:
            scan.report(
                where,
                doc.line_of(("discipline",)),
                f"discipline '{discipline}' does not match the file name '{file.name}'",
            )
        prefix = CROSS_PREFIX if discipline == CROSS else discipline
        for i, raw in enumerate(envelope.actions):
            loc: tuple[str | int, ...] = ("actions", i)
            try:
                action = ActionSpec.model_validate(raw)
            except ValidationError as exc:
                for sub, message in error_messages(exc, tuple(ActionSpec.model_fields)):
                    scan.report(where, doc.line_of((*loc, *sub)), f"{dotted(loc)}.{message}")
                continue
            if action.id.split(".")[0] != prefix or "." not in action.id:
                scan.report(
                    where,
                    doc.line_of((*loc, "id")),
                    f"action id '{action.id}' must start with '{prefix}.'",
                )
                continue
            if action.id in scan.actions:
                other = scan.action_at[action.id][0]
                scan.report(
                    where,
                    doc.line_of((*loc, "id")),
                    f"duplicate action id '{action.id}' (also in {other})",
                )
                continue
            scan.actions[action.id] = action
            scan.action_at[action.id] = (where, doc, loc)


def _check_references(scan: LibraryScan) -> None:
    for action_id, action in scan.actions.items():
        if scan.kpis and action.kpi not in scan.kpis:
            scan.report(*scan.line_of(action_id, "kpi"), f"unknown KPI '{action.kpi}'")
        for i, dep in enumerate(action.depends_on):
            if dep == action_id:
                scan.report(
                    *scan.line_of(action_id, "depends_on", i), "an action cannot depend on itself"
                )
            elif dep not in scan.actions:
                scan.report(*scan.line_of(action_id, "depends_on", i), f"unknown action '{dep}'")
            elif not _fits_before(scan.actions[dep], action):
                scan.report(
                    *scan.line_of(action_id, "depends_on", i),
                    f"'{dep}' starts at a later maturity level than '{action_id}'",
                    "warning",
                )
    for cycle in _cycles(scan.actions):
        scan.report(
            *scan.line_of(cycle[0], "depends_on"),
            f"dependency cycle: {' → '.join([*cycle, cycle[0]])}",
        )


def _fits_before(dep: ActionSpec, action: ActionSpec) -> bool:
    return LEVELS.index(dep.maturity[0]) <= LEVELS.index(action.maturity[-1])


def _cycles(actions: Mapping[str, ActionSpec]) -> Iterator[list[str]]:
    """Each dependency cycle once, starting at its smallest id."""
    seen: set[tuple[str, ...]] = set()

    def walk(node: str, path: list[str]) -> Iterator[list[str]]:
        for dep in actions[node].depends_on if node in actions else ():
            if dep == node:
                continue  # reported on its own
            if dep in path:
                cycle = path[path.index(dep) :]
                start = cycle.index(min(cycle))
                key = tuple(cycle[start:] + cycle[:start])
                if key not in seen:
                    seen.add(key)
                    yield list(key)
            elif dep in actions:
                yield from walk(dep, [*path, dep])

    for action_id in sorted(actions):
        yield from walk(action_id, [action_id])


def _check_coverage(scan: LibraryScan) -> None:
    where = scan.path(scan.root / ACTIONS_DIR)
    for discipline in (*DISCIPLINES, CROSS):
        prefix = CROSS_PREFIX if discipline == CROSS else discipline
        found = [a for a in scan.actions.values() if a.id.split(".")[0] == prefix]
        levels = {level for a in found for level in a.maturity}
        if discipline == CROSS:
            for required in REQUIRED_SHARED:
                if required not in scan.actions:
                    scan.report(where, 1, f"cross-cutting action '{required}' is missing")
            continue
        if len(found) < MIN_PER_DISCIPLINE:
            scan.report(
                where,
                1,
                f"discipline '{discipline}' has {len(found)} actions; "
                f"at least {MIN_PER_DISCIPLINE} are needed",
            )
        for level in LEVELS:
            fitting = sum(1 for a in found if level in a.maturity)
            if level not in levels:
                scan.report(where, 1, f"discipline '{discipline}' has no action for '{level}'")
            elif fitting < MIN_PER_LEVEL:
                scan.report(
                    where,
                    1,
                    f"discipline '{discipline}' has {fitting} action(s) for "
                    f"'{level}'; plans want {MIN_PER_LEVEL}, so others fill in",
                    "warning",
                )


def tool_ids(library: ActionLibrary) -> Sequence[str]:
    """Every tool id the library refers to (checked against the taxonomy by the checker)."""
    return sorted({t for a in library.actions.values() for t in a.tools})
