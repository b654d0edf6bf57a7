"""Which questions apply given the answers so far, and how answers map to the profile."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.interview.definition import Definition, Step
from dialogs.interview.validators import Answer
from dialogs.profile import DISCIPLINE_KEYS, OTHER, DisciplineProfile, Profile


@dataclass(frozen=True)
class Slot:
    """A step as asked: per-discipline steps once for each selected discipline."""

    step: Step
    discipline: str | None = None

    @property
    def id(self) -> str:
        return f"{self.discipline}.{self.step.id}" if self.discipline else self.step.id


def selected(definition: Definition, answers: dict[str, Answer]) -> list[str]:
    """The selected disciplines, in the profile's order."""
    value = answers.get(definition.disciplines_step.id)
    chosen = set(value) if isinstance(value, list) else set()
    return [d for d in DISCIPLINE_KEYS if d in chosen]


def slots(definition: Definition, answers: dict[str, Answer]) -> list[Slot]:
    """Every question that applies now, in order; runs of per-discipline steps are asked
    discipline by discipline."""
    chosen = selected(definition, answers)
    out: list[Slot] = []
    steps = definition.steps
    i = 0
    while i < len(steps):
        if not steps[i].per_discipline:
            if _holds(steps[i], answers):
                out.append(Slot(steps[i]))
            i += 1
            continue
        j = i
        while j < len(steps) and steps[j].per_discipline:
            j += 1
        out += [Slot(s, d) for d in chosen for s in steps[i:j] if s.applies_to(d)]
        i = j
    return out


def _holds(step: Step, answers: dict[str, Answer]) -> bool:
    when = step.spec.when
    if when is None or when.answer is None:
        return True
    value = answers.get(when.answer)
    if isinstance(value, list):
        return when.includes in value
    if isinstance(value, bool):
        return when.includes == ("yes" if value else "no")
    return value == when.includes


def slot(definition: Definition, answers: dict[str, Answer], slot_id: str) -> Slot | None:
    return next((s for s in slots(definition, answers) if s.id == slot_id), None)


def missing(definition: Definition, answers: dict[str, Answer], skipped: list[str]) -> Slot | None:
    """The first question neither answered nor skipped."""
    return next(
        (s for s in slots(definition, answers) if s.id not in answers and s.id not in skipped),
        None,
    )


def unanswered_required(definition: Definition, answers: dict[str, Answer]) -> list[Slot]:
    return [s for s in slots(definition, answers) if s.step.spec.required and s.id not in answers]


def discipline_keys(answers: dict[str, Answer], discipline: str) -> list[str]:
    """The answers belonging to one discipline's questions."""
    return [k for k in answers if k.startswith(f"{discipline}.")]


# --------------------------------------------------------------------------- profile


def to_profile(definition: Definition, org: str, answers: dict[str, Answer]) -> Profile:
    """The profile the answers describe (unanswered questions keep the profile's defaults)."""
    top: dict[str, object] = {}
    per: dict[str, dict[str, object]] = {d: {} for d in selected(definition, answers)}
    for s in slots(definition, answers):
        value = answers.get(s.id)
        if value is None or s.step.spec.field == "disciplines":
            continue
        if s.discipline is None:
            top[s.step.spec.field] = value
        else:
            per[s.discipline][s.step.spec.field] = value
    disciplines = {d: DisciplineProfile.model_validate(fields) for d, fields in per.items()}
    return Profile.model_validate({"org": org, **top, "disciplines": disciplines})


def from_profile(definition: Definition, profile: Profile) -> dict[str, Answer]:
    """Answers that reproduce a profile; empty values count as not answered."""
    answers: dict[str, Answer] = {}
    chosen = [d for d in DISCIPLINE_KEYS if d in profile.disciplines]
    if not chosen:
        return answers
    answers[definition.disciplines_step.id] = chosen
    top = profile.model_dump(include={"finops_maturity", "priorities"})
    for s in slots(definition, answers):
        field = s.step.spec.field
        if field == "disciplines":
            continue
        if s.discipline is None:
            value = top.get(field)
        else:
            value = getattr(profile.disciplines[s.discipline], field, None)
        if isinstance(value, list):
            value = [str(v) for v in value]
        # "unknown" maturity is asked again: it is also what a profile says when nobody answered
        if value in ("", [], None, "unknown") or (field == "name" and s.discipline != OTHER):
            continue
        if isinstance(value, str | list):
            answers[s.id] = value
    return answers
