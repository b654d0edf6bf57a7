"""The interview as data: ``content/interview.yaml`` parsed into strict models and checked.

The file holds no code: answer kinds, option sources, conditions, profile fields and validators
are names this module knows. ``parse_definition`` returns problems with YAML lines, so the
content checker and the loader report the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from dialogs.content.models import error_messages
from dialogs.content.yamldoc import Loc, parse_yaml
from dialogs.interview.validators import ValidatorSpec, check_spec
from dialogs.profile import DISCIPLINES, MATURITIES, OTHER

Kind = Literal["single", "multi", "text", "yesno"]
Source = Literal["disciplines", "tools", "priorities"]

# where an answer goes in the profile; "discipline.*" fields belong to for_each steps
TOP_FIELDS = ("disciplines", "finops_maturity", "priorities")
DISCIPLINE_FIELDS = ("maturity", "tools", "owner", "pain", "name")
FIELD_KINDS: dict[str, tuple[Kind, ...]] = {
    "disciplines": ("multi",),
    "finops_maturity": ("single",),
    "priorities": ("multi",),
    "maturity": ("single",),
    "tools": ("multi",),
    "owner": ("text",),
    "pain": ("text",),
    "name": ("text",),
}
PLACEHOLDER = "{discipline}"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_BRACES = re.compile(r"\{[^}]*\}")


def _step_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"'{value}' is not a valid step id: use a-z, digits and '_'")
    return value


def _text(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("must not be empty")
    return value


def _prompt(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    for hole in _BRACES.findall(value):
        if hole != PLACEHOLDER:
            raise ValueError(f"unknown placeholder {hole}; only {PLACEHOLDER} is allowed")
    return value


def _value(value: str) -> str:
    if not value or "," in value or "|" in value or len(value) > 60:
        raise ValueError(f"'{value}' is not a valid option value (1-60 chars, no ',' or '|')")
    return value


StepId = Annotated[str, AfterValidator(_step_id)]
Line = Annotated[str, AfterValidator(_text)]
Prompt = Annotated[str, AfterValidator(_prompt)]
Value = Annotated[str, AfterValidator(_value)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionDef(_Model):
    """An option written in the file."""

    value: Value
    label: Line
    description: str = ""
    aliases: tuple[Line, ...] = ()


class SourceDef(_Model):
    """Options taken from the taxonomy or the profile model instead of the file."""

    source: Source


class Condition(_Model):
    """When a step applies: an earlier answer includes a value, or (per discipline) which one."""

    answer: StepId | None = None
    includes: Value | None = None
    discipline: Value | None = None


class StepDef(_Model):
    """One question."""

    id: StepId
    title: Line
    kind: Kind
    prompt: Prompt
    field: str
    for_each: Literal["discipline"] | None = None
    options: SourceDef | tuple[OptionDef, ...] | None = None
    when: Condition | None = None
    required: bool = False
    free_text: bool = False
    understand: bool = False
    example: Annotated[str, Field(max_length=300)] = ""
    validators: tuple[str | dict[str, int], ...] = ()

    @property
    def per_discipline(self) -> bool:
        return self.for_each == "discipline"


class DefinitionFile(_Model):
    """The whole of ``content/interview.yaml``."""

    version: Literal[1]
    intro: Line
    steps: Annotated[tuple[StepDef, ...], Field(min_length=1)]


# --------------------------------------------------------------------------- runtime


@dataclass(frozen=True)
class Step:
    """A validated step with its validators resolved."""

    spec: StepDef
    validators: tuple[ValidatorSpec, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def kind(self) -> Kind:
        return self.spec.kind

    @property
    def per_discipline(self) -> bool:
        return self.spec.per_discipline

    def applies_to(self, discipline: str) -> bool:
        when = self.spec.when
        return when is None or when.discipline is None or when.discipline == discipline


@dataclass(frozen=True)
class Definition:
    """The interview: intro and steps in order."""

    intro: str
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def disciplines_step(self) -> Step:
        """The step whose answer selects the disciplines (the checker guarantees one)."""
        return next(s for s in self.steps if s.spec.field == "disciplines")


Problem = tuple[int, str]


def parse_definition(text: str) -> tuple[Definition | None, list[Problem]]:
    """Validate the interview file; problems come back as (line, message)."""
    doc, yaml_problems = parse_yaml(text)
    found: list[Problem] = [(p.line, p.message) for p in yaml_problems]
    if doc is None:
        return None, found
    if not isinstance(doc.data, dict):
        return None, [*found, (1, "the interview must be a YAML mapping")]
    try:
        model = DefinitionFile.model_validate(doc.data)
    except ValidationError as exc:
        fields = tuple(DefinitionFile.model_fields)
        return None, found + [(doc.line_of(loc), m) for loc, m in error_messages(exc, fields)]
    consistency = list(_consistency(model))
    found += [(doc.line_of(loc), message) for loc, message in consistency]
    if found:
        return None, found
    steps = tuple(Step(s, tuple(check_spec(v)[0] for v in s.validators)) for s in model.steps)
    return Definition(model.intro, steps), []


def _consistency(model: DefinitionFile) -> Iterator[tuple[Loc, str]]:
    seen: dict[str, int] = {}
    fields: dict[str, int] = {}
    selector: int | None = None
    for i, step in enumerate(model.steps):
        spec = step
        loc: tuple[str | int, ...] = ("steps", i)
        if spec.id in seen:
            yield (*loc, "id"), f"duplicate step id '{spec.id}'"
        seen.setdefault(spec.id, i)
        yield from _field(spec, loc, fields, i)
        if spec.field == "disciplines":
            selector = i if selector is None else selector
        yield from _options(spec, loc)
        yield from _when(spec, loc, model.steps[:i])
        for j, raw in enumerate(spec.validators):
            _, problem = check_spec(raw)
            if problem:
                yield (*loc, "validators", j), problem
        if spec.understand and not (
            isinstance(spec.options, SourceDef) and spec.options.source == "disciplines"
        ):
            yield (*loc, "understand"), "understand needs options from the 'disciplines' source"
        if spec.free_text and spec.kind != "multi":
            yield (*loc, "free_text"), "free_text is only for multi-choice steps"
        if PLACEHOLDER in spec.prompt and not spec.per_discipline:
            yield (*loc, "prompt"), f"{PLACEHOLDER} needs for_each: discipline"
        if selector is not None and spec.per_discipline and i < selector:
            yield (*loc, "for_each"), "per-discipline steps must come after the disciplines step"
    if selector is None:
        yield ("steps",), "one step needs field: disciplines (it selects the disciplines)"
    for name in (*TOP_FIELDS, *DISCIPLINE_FIELDS):
        if name not in fields:
            yield ("steps",), f"no step fills the profile field '{name}'"


def _field(
    spec: StepDef, loc: tuple[str | int, ...], fields: dict[str, int], index: int
) -> Iterator[tuple[Loc, str]]:
    allowed = DISCIPLINE_FIELDS if spec.per_discipline else TOP_FIELDS
    if spec.field not in allowed:
        where = "per-discipline" if spec.per_discipline else "top-level"
        yield (
            (*loc, "field"),
            f"unknown {where} field '{spec.field}' (allowed: {', '.join(allowed)})",
        )
        return
    if spec.field in fields:
        yield (*loc, "field"), f"field '{spec.field}' is already filled by another step"
    fields.setdefault(spec.field, index)
    if spec.kind not in FIELD_KINDS[spec.field]:
        kinds = " or ".join(FIELD_KINDS[spec.field])
        yield (*loc, "kind"), f"field '{spec.field}' needs kind {kinds}"
    if spec.field in ("maturity", "finops_maturity") and isinstance(spec.options, tuple):
        for j, option in enumerate(spec.options):
            if option.value not in MATURITIES:
                yield (
                    (*loc, "options", j, "value"),
                    f"maturity values are {', '.join(MATURITIES)}",
                )
    if spec.field == "name" and (spec.when is None or spec.when.discipline != OTHER):
        yield (*loc, "when"), f"the 'name' field is only asked for discipline '{OTHER}'"


def _options(spec: StepDef, loc: tuple[str | int, ...]) -> Iterator[tuple[Loc, str]]:
    options = spec.options
    if spec.kind in ("text", "yesno"):
        if options is not None:
            yield (*loc, "options"), f"{spec.kind} steps take no options"
        return
    if options is None:
        yield (*loc, "options"), f"{spec.kind} steps need options (a list or a source)"
        return
    if isinstance(options, SourceDef):
        if options.source == "tools" and not spec.per_discipline:
            yield (*loc, "options"), "the 'tools' source needs for_each: discipline"
        return
    if not options:
        yield (*loc, "options"), "needs at least one option"
    values: set[str] = set()
    for j, option in enumerate(options):
        if option.value in values:
            yield (*loc, "options", j, "value"), f"duplicate option value '{option.value}'"
        values.add(option.value)


def _when(
    spec: StepDef, loc: tuple[str | int, ...], earlier: Sequence[StepDef]
) -> Iterator[tuple[Loc, str]]:
    when = spec.when
    if when is None:
        return
    if when.discipline is not None:
        if not spec.per_discipline:
            yield (*loc, "when", "discipline"), "when.discipline needs for_each: discipline"
        elif when.discipline not in (*DISCIPLINES, OTHER):
            yield (*loc, "when", "discipline"), f"unknown discipline '{when.discipline}'"
        if when.answer is not None or when.includes is not None:
            yield (*loc, "when"), "use either discipline or answer/includes"
        return
    if when.answer is None or when.includes is None:
        yield (*loc, "when"), "a condition needs answer and includes (or discipline)"
        return
    target = next((s for s in earlier if s.id == when.answer), None)
    if target is None:
        yield (*loc, "when", "answer"), f"'{when.answer}' is not an earlier step"
    elif target.per_discipline or target.kind not in ("single", "multi", "yesno"):
        yield (*loc, "when", "answer"), f"'{when.answer}' is not a top-level choice step"
