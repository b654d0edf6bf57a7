"""The interview's rules, without I/O: what an answer, a press or a navigation word does.

Every method takes the session, changes it in place and says what happened in an ``Outcome``;
the feature stores the session and shows the next prompt. ``None`` means the input fits nothing
here (the router then answers a question or asks again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from dialogs.interview import choice as parse
from dialogs.interview.definition import Definition
from dialogs.interview.flow import (
    Slot,
    discipline_keys,
    missing,
    selected,
    slot,
    slots,
    to_profile,
    unanswered_required,
)
from dialogs.interview.options import Catalog, Choice
from dialogs.interview.session import REVIEW, Pending, Session
from dialogs.interview.understand import Lexicon
from dialogs.interview.validators import Answer
from dialogs.profile import DISCIPLINE_KEYS, Profile
from dialogs.text import user

TEXT_LIMIT = 200  # the profile's limit for every string
YES_NO = (Choice("yes", "Yes", "yes", "", ("y",)), Choice("no", "No", "no", "", ("n",)))
REVIEW_CHOICES = (
    Choice("confirm", "Confirm and save", "confirm", "", ("save", "confirm", "done")),
    Choice("edit", "Change an answer", "edit", "", ("change", "edit", "modify")),
)
CONFLICT_CHOICES = (
    Choice("save", "Save my answers as the new version", "save", "", ("mine", "keep mine")),
    Choice("reset", "Start from the current profile", "reset", "", ("theirs", "current")),
    Choice("edit", "Change some of my answers first", "edit", "", ("change", "edit")),
)


@dataclass
class Outcome:
    """What an input did."""

    notes: list[str] = field(default_factory=list)  # Markdown shown before the next prompt
    changed: bool = False
    save: bool = False  # confirmed at the review: write the profile
    conflict: str | None = None  # the choice made when the profile changed meanwhile


class Engine:
    """The interview's transitions over a definition and the content it offers."""

    def __init__(self, definition: Definition, catalog: Catalog, lexicon: Lexicon) -> None:
        self.definition = definition
        self.catalog = catalog
        self.lexicon = lexicon

    # ------------------------------------------------------------------ queries

    def slots(self, session: Session) -> list[Slot]:
        return slots(self.definition, session.answers)

    def current(self, session: Session) -> Slot | None:
        """The question being asked; ``None`` at the review."""
        if session.step == REVIEW:
            return None
        return slot(self.definition, session.answers, session.step)

    def choices(self, at: Slot, session: Session) -> tuple[Choice, ...]:
        if at.step.kind == "yesno":
            return YES_NO
        return self.catalog.choices(at.step, at.discipline, session.answers.get(at.id))

    def edit_choices(self, session: Session) -> tuple[Choice, ...]:
        out = []
        for s in self.slots(session):
            label = self.title(s, session)
            out.append(Choice(s.id, label, s.id, self.describe(s, session)))
        return tuple(out)

    def progress(self, session: Session) -> tuple[int, int]:
        """(questions answered or skipped, questions that apply now)."""
        live = self.slots(session)
        done = sum(1 for s in live if s.id in session.answers or s.id in session.skipped)
        return done, len(live)

    def title(self, at: Slot, session: Session) -> str:
        if at.discipline is None:
            return at.step.spec.title
        name = self.catalog.discipline_name(at.discipline, dict(session.answers))
        return f"{name}: {at.step.spec.title}"

    def describe(self, at: Slot, session: Session) -> str:
        """The answer in words (user text marked), or why there is none."""
        value = session.answers.get(at.id)
        if value is None:
            return "skipped" if at.id in session.skipped else "not answered yet"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        labels = {c.answer: c.label for c in self.choices(at, session)}
        items = value if isinstance(value, list) else [value]
        if not items:
            return "none"
        return ", ".join(labels.get(v) or user(v) for v in items)

    def profile(self, session: Session) -> Profile:
        return to_profile(self.definition, session.org_id, session.answers)

    # ------------------------------------------------------------------ transitions

    def begin(self, session: Session) -> None:
        """Go to the first question still missing, or to the review."""
        nxt = missing(self.definition, session.answers, session.skipped)
        session.step = nxt.id if nxt is not None else REVIEW
        session.awaiting = None

    def typed(self, session: Session, text: str) -> Outcome | None:
        """Typed input at the current step; ``None`` when it fits nothing."""
        text = text.strip()
        if not text:
            return None
        awaiting = session.awaiting
        if awaiting in ("understood", "remove", "restart"):
            answer = parse.yes_no(text)
            if answer is not None:
                return self._confirm(session, answer)
            if awaiting != "understood":
                return None
        if awaiting == "edit":
            picked = parse.single(text, self.edit_choices(session))
            return self._edit_to(session, picked.value) if picked is not None else None
        if awaiting == "conflict":
            picked = parse.single(text, CONFLICT_CHOICES)
            return Outcome(conflict=picked.value) if picked is not None else None
        if session.step == REVIEW:
            return self._review_typed(session, text)
        at = self.current(session)
        if at is None or text.endswith("?"):
            return None
        return self._typed_answer(session, at, text)

    def pressed(
        self, session: Session, values: Sequence[str] | Mapping[str, str]
    ) -> Outcome | None:
        """A button or card submitted for the current state; ``None`` when the values are not
        offered here (an outdated card)."""
        if isinstance(values, Mapping):
            at = self.current(session)
            raw = values.get("answer")
            if session.awaiting or at is None or raw is None:
                return None
            return self._typed_answer(session, at, raw)
        first = values[0] if values else ""
        awaiting = session.awaiting
        if awaiting in ("understood", "remove", "restart"):
            return self._confirm(session, first == "yes") if first in ("yes", "no") else None
        if awaiting == "edit":
            live = {c.value for c in self.edit_choices(session)}
            return self._edit_to(session, first) if first in live else None
        if awaiting == "conflict":
            known = {c.value for c in CONFLICT_CHOICES}
            return Outcome(conflict=first) if first in known else None
        if session.step == REVIEW:
            if first == "confirm":
                return self._save(session)
            if first == "edit":
                return self._open_edit(session)
            return None
        at = self.current(session)
        if at is None or at.step.kind == "text":
            return None
        offered = {c.value: c for c in self.choices(at, session)}
        if any(v not in offered for v in values):
            return None
        picked = [offered[v] for v in dict.fromkeys(values)]
        if at.step.kind == "multi":
            return self._answer(session, at, [c.answer for c in picked])
        if len(picked) != 1:
            return None
        answer: Answer = picked[0].answer == "yes" if at.step.kind == "yesno" else picked[0].answer
        return self._answer(session, at, answer)

    def navigate(self, session: Session, word: str) -> Outcome:
        """``back``, ``skip``, ``edit`` or ``restart``."""
        if word == "back":
            return self._back(session)
        if word == "skip":
            return self._skip(session)
        if word == "edit":
            return self._open_edit(session)
        if word == "restart":
            if not session.answers and not session.skipped:
                self.reseed(session, {})
                return Outcome(["We're at the start already."], changed=True)
            session.pending = None
            session.awaiting = "restart"
            return Outcome(changed=True)
        return Outcome([f"`{word}` does nothing in the interview."])

    def reseed(self, session: Session, answers: dict[str, Answer]) -> None:
        """Replace every answer (with the current profile's, or none) and start over."""
        session.answers = dict(answers)
        session.skipped = []
        session.pending = None
        session.history = []
        self.begin(session)

    # ------------------------------------------------------------------ answers

    def _typed_answer(self, session: Session, at: Slot, text: str) -> Outcome | None:
        kind = at.step.kind
        if kind == "text":
            value = " ".join(text.split())
            return self._answer(session, at, value, [f"Noted: {user(value)}."])
        if kind == "yesno":
            answer = parse.yes_no(text)
            return self._answer(session, at, answer) if answer is not None else None
        options = self.choices(at, session)
        if kind == "single":
            found = parse.single(text, options)
            if found is None:
                return None
            return self._answer(session, at, found.answer, [f"Got it: {found.label}."])
        strict = parse.multi(text, options, free_text=False)
        if strict is not None and (strict.choices or not at.step.spec.understand):
            return self._answer(session, at, strict.answers, [self._ack(strict, options)])
        if at.step.spec.understand:
            return self._understand(session, at, text)
        picked = parse.multi(text, options, at.step.spec.free_text)
        if picked is None:
            return None
        picked = self._catalogue_names(picked)
        return self._answer(session, at, picked.answers, [self._ack(picked, options)])

    def _catalogue_names(self, picked: parse.Picked) -> parse.Picked:
        """Own entries that name a catalogue tool ("servicenow", "Flexra") get its name."""
        own = []
        for entry in picked.own:
            tool_id = self.lexicon.tool_named(entry)
            own.append(self.catalog.tools[tool_id].name if tool_id is not None else entry)
        return parse.Picked(picked.choices, tuple(own))

    @staticmethod
    def _ack(picked: parse.Picked, options: Sequence[Choice]) -> str:
        if not picked.choices and not picked.own:
            return "Noted: none."
        names = [c.label for c in picked.choices]
        known = {c.answer for c in options}
        names += [user(o) if o not in known else o for o in picked.own]
        return f"Noted: {', '.join(names)}."

    def _understand(self, session: Session, at: Slot, text: str) -> Outcome | None:
        if text.endswith("?"):
            return None
        found = self.lexicon.understand(text)
        if found is None:
            return None
        session.pending = Pending(found.disciplines, found.tools)
        session.awaiting = "understood"
        session.step = at.id
        return Outcome(list(found.notes), changed=True)

    def _answer(
        self, session: Session, at: Slot, value: Answer, notes: Sequence[str] = ()
    ) -> Outcome:
        problem = self._problem(at, value)
        if problem is not None:
            return Outcome([problem])
        if at.step.spec.field == "disciplines" and isinstance(value, list):
            value = [d for d in DISCIPLINE_KEYS if d in value]
            if self._dropped(session, value):
                session.pending = Pending(tuple(value))
                session.step = at.id
                session.awaiting = "remove"
                return Outcome(changed=True)
            self._apply_disciplines(session, value)
        else:
            session.answers[at.id] = value
        if at.id in session.skipped:
            session.skipped.remove(at.id)
        session.pending = None
        self._advance(session)
        return Outcome(list(notes), changed=True)

    def _problem(self, at: Slot, value: Answer) -> str | None:
        for validator in at.step.validators:
            problem = validator.check(value)
            if problem is not None:
                return problem
        items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        too_long = next((i for i in items if len(i) > TEXT_LIMIT), None)
        if too_long is not None:
            return f"Please keep each answer under {TEXT_LIMIT} characters."
        if at.step.spec.field == "tools" and len(items) > 30:
            return "Please name at most 30 tools."
        if at.step.spec.field == "priorities" and len(items) > 20:
            return "Please pick at most 20 priorities."
        return None

    def _dropped(self, session: Session, chosen: Sequence[str]) -> list[str]:
        """Disciplines the new choice removes that have answers to lose."""
        return [
            d
            for d in selected(self.definition, session.answers)
            if d not in chosen and discipline_keys(session.answers, d)
        ]

    def _apply_disciplines(self, session: Session, chosen: Sequence[str]) -> None:
        for d in selected(self.definition, session.answers):
            if d not in chosen:
                for key in discipline_keys(session.answers, d):
                    del session.answers[key]
                session.skipped = [k for k in session.skipped if not k.startswith(f"{d}.")]
        session.answers[self.definition.disciplines_step.id] = list(chosen)

    def _confirm(self, session: Session, yes: bool) -> Outcome:
        awaiting, pending = session.awaiting, session.pending
        session.awaiting = None
        if awaiting == "restart":
            if not yes:
                return Outcome(["OK, carrying on."], changed=True)
            self.reseed(session, {})
            return Outcome(["Starting again from the top."], changed=True)
        session.pending = None
        if not yes or pending is None:
            if awaiting == "understood":
                return Outcome(["OK, please pick from the list instead."], changed=True)
            return Outcome(["OK, I kept your earlier choice."], changed=True)
        chosen = [d for d in DISCIPLINE_KEYS if d in pending.disciplines]
        self._apply_disciplines(session, chosen)
        for tool in pending.tools:
            found = self.catalog.tools.get(tool.catalogue_id)
            if found is None or tool.discipline not in chosen:
                continue
            key = f"{tool.discipline}.tools"
            current = session.answers.get(key)
            names = list(current) if isinstance(current, list) else []
            if found.name not in names and len(names) < 30:
                names.append(found.name)
            session.answers[key] = names
            if key in session.skipped:
                session.skipped.remove(key)
        self._advance(session)
        return Outcome(changed=True)

    def _advance(self, session: Session) -> None:
        nxt = missing(self.definition, session.answers, session.skipped)
        session.go(nxt.id if nxt is not None else REVIEW)

    # ------------------------------------------------------------------ navigation

    def _back(self, session: Session) -> Outcome:
        if session.awaiting:  # out of a confirmation or the picker, to the question or review
            session.awaiting = None
            session.pending = None
            return Outcome(changed=True)
        live = {s.id for s in self.slots(session)} | {REVIEW}
        while session.history:
            previous = session.history.pop()
            if previous in live and previous != session.step:
                session.step = previous
                return Outcome(changed=True)
        return Outcome(["This is the first question, there is nothing before it."], changed=True)

    def _skip(self, session: Session) -> Outcome:
        at = self.current(session)
        if session.awaiting or at is None:
            return Outcome(["There's no question to skip here."])
        if at.id not in session.skipped and at.id not in session.answers:
            session.skipped.append(at.id)
        self._advance(session)
        return Outcome(["Skipped for now; `edit` brings you back to it."], changed=True)

    def _open_edit(self, session: Session) -> Outcome:
        session.pending = None
        session.go(REVIEW)
        session.awaiting = "edit"
        return Outcome(changed=True)

    def _edit_to(self, session: Session, slot_id: str) -> Outcome:
        session.go(REVIEW)  # so that back returns to the review
        session.go(slot_id)
        return Outcome(changed=True)

    def _review_typed(self, session: Session, text: str) -> Outcome | None:
        answer = parse.yes_no(text)
        picked = parse.single(text, REVIEW_CHOICES)
        if answer is True or (picked is not None and picked.value == "confirm"):
            return self._save(session)
        if answer is False or (picked is not None and picked.value == "edit"):
            return self._open_edit(session)
        target = parse.single(text, self.edit_choices(session))
        return self._edit_to(session, target.value) if target is not None else None

    def _save(self, session: Session) -> Outcome:
        nxt = missing(self.definition, session.answers, session.skipped)
        if nxt is not None:
            session.go(nxt.id)
            return Outcome(["A few questions are still open; let's do those first."], True)
        todo = unanswered_required(self.definition, session.answers)
        if todo:
            session.go(todo[0].id)
            names = ", ".join(self.title(s, session) for s in todo)
            return Outcome([f"Please answer these before saving: {names}."], changed=True)
        try:
            self.profile(session)
        except ValidationError as exc:  # stored answers that no longer fit the profile
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return Outcome([f"An answer doesn't fit the profile ({where}); please change it."])
        return Outcome(save=True)
