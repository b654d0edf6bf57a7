"""The interview's messages: the current question, confirmations, the review and its cards."""

from __future__ import annotations

from collections.abc import Sequence

from dialogs.interview.engine import CONFLICT_CHOICES, YES_NO, Engine
from dialogs.interview.flow import Slot, discipline_keys, selected, unanswered_required
from dialogs.interview.options import Choice
from dialogs.interview.ports import ProfileVersion
from dialogs.interview.session import REVIEW, Session
from dialogs.interview.versions import Change, describe
from dialogs.messages import (
    Action,
    Card,
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
from dialogs.text import user

CHANGES_SHOWN = 12


def token(session: Session) -> Token:
    return Token(session.subject, session.state_key, session.revision)


def options(choices: Sequence[Choice]) -> tuple[Option, ...]:
    return tuple(Option(c.value, c.label, c.description) for c in choices)


def prompt(engine: Engine, session: Session) -> list[Outbound]:
    """What to show for where the session is now."""
    awaiting = session.awaiting
    if awaiting == "understood":
        return [_yes_no(session, understood(engine, session), "Yes, that's right", "No")]
    if awaiting == "remove":
        return [_yes_no(session, removal(engine, session), "Yes, remove", "No, keep")]
    if awaiting == "restart":
        text = "Start the interview again from the top? This clears every answer in it."
        return [_yes_no(session, text, "Yes, restart", "No, carry on")]
    if awaiting == "edit":
        return [
            Choices(
                "Which answer do you want to change?",
                options(engine.edit_choices(session)),
                token(session),
                submit_label="Change",
            )
        ]
    if awaiting == "conflict":
        return [
            Choices(
                "What would you like to do?",
                options(CONFLICT_CHOICES),
                token(session),
                submit_label="Go",
            )
        ]
    at = engine.current(session)
    if at is None:
        return [review(engine, session)]
    return [question(engine, session, at)]


def question(engine: Engine, session: Session, at: Slot) -> Outbound:
    live = engine.slots(session)
    position = live.index(at) + 1 if at in live else 1
    text = at.step.spec.prompt
    if at.discipline is not None:
        name = engine.catalog.discipline_name(at.discipline, dict(session.answers))
        text = text.replace("{discipline}", name)
    counter = f"Question {position} of {len(live)}"
    current = session.answers.get(at.id)
    choices = engine.choices(at, session)
    if at.step.kind == "text" or not choices:
        text = f"{counter}: {text}"  # a form's title is one line
        value = ", ".join(current) if isinstance(current, list) else str(current or "")
        placeholder = at.step.spec.example
        field = FormField("answer", at.step.spec.title, "text", True, placeholder, str(value))
        return Form(text, (field,), token(session), submit_label="Next")
    text = f"_{counter}_\n\n{text}"
    if isinstance(current, bool):
        chosen: tuple[str, ...] = ("yes",) if current else ("no",)
    else:
        answers = current if isinstance(current, list) else [current] if current else []
        chosen = tuple(c.value for c in choices if c.answer in answers)
    return Choices(
        text,
        options(choices),
        token(session),
        multi=at.step.kind == "multi",
        selected=chosen,
        submit_label="Next",
    )


def hint(engine: Engine, session: Session) -> str:
    """How to answer where the session is, with an example."""
    if session.awaiting in ("understood", "remove", "restart"):
        return "Please answer **yes** or **no** (or `back`)."
    if session.awaiting in ("edit", "conflict"):
        return "Reply with the number of an option."
    if session.step == REVIEW:
        return "Reply **1** to confirm and save, or **2** to change an answer."
    at = engine.current(session)
    if at is None:
        return ""
    kind = at.step.kind
    if kind == "text":
        how = "Type your answer"
    elif kind == "yesno":
        how = "Answer **yes** or **no**"
    elif kind == "multi":
        how = "Reply with numbers or names separated by commas"
        if at.step.spec.understand:
            how += ", or describe your organisation in a sentence"
    else:
        how = "Reply with a number or the name of an option"
    example = at.step.spec.example
    return f"{how}, or `skip`." + (f" For example: _{example}_" if example else "")


def understood(engine: Engine, session: Session) -> str:
    pending = session.pending
    if pending is None:
        return "I understood nothing yet. Right?"
    parts = []
    for d in pending.disciplines:
        name = engine.catalog.discipline_name(d, dict(session.answers))
        tools = [t.name for t in pending.tools if t.discipline == d]
        parts.append(f"{name} ({', '.join(tools)})" if tools else name)
    text = f"I understood: {', '.join(parts)}. Right?"
    dropped = _dropping(engine, session, pending.disciplines)
    if dropped:
        text += f"\n\nThat replaces your earlier choice and removes the answers for {dropped}."
    return text


def removal(engine: Engine, session: Session) -> str:
    chosen = session.pending.disciplines if session.pending else ()
    dropped = _dropping(engine, session, chosen)
    return (
        f"Removing {dropped} also removes the answers you gave about it "
        "(maturity, tools, owner, pain point). Remove it?"
    )


def _dropping(engine: Engine, session: Session, chosen: Sequence[str]) -> str:
    gone = [
        engine.catalog.discipline_name(d, dict(session.answers))
        for d in selected(engine.definition, session.answers)
        if d not in chosen and discipline_keys(session.answers, d)
    ]
    return ", ".join(f"**{g}**" for g in gone)


def _yes_no(session: Session, text: str, yes: str, no: str) -> Choices:
    labels = {"yes": yes, "no": no}
    opts = tuple(Option(c.value, labels[c.value]) for c in YES_NO)
    return Choices(text, opts, token(session), submit_label="OK")


def review(engine: Engine, session: Session) -> Card:
    """Every answer, with confirm and change buttons."""
    live = engine.slots(session)
    top = [s for s in live if s.discipline is None]
    facts = tuple(Fact(s.step.spec.title, engine.describe(s, session)) for s in top)
    sections = []
    for d in selected(engine.definition, session.answers):
        name = engine.catalog.discipline_name(d, dict(session.answers))
        mine = [s for s in live if s.discipline == d]
        rows = tuple(Fact(s.step.spec.title, engine.describe(s, session)) for s in mine)
        sections.append(Section(name, "", rows, collapsed=False))
    todo = unanswered_required(engine.definition, session.answers)
    body = "Check your answers, then confirm to save them as your organisation's profile."
    if todo:
        names = ", ".join(engine.title(s, session) for s in todo)
        body += f"\n\nStill needed before saving: {names}."
    base = session.base_version
    subtitle = f"Updating profile version {base}" if base else "A new profile"
    tok = token(session)
    actions = (
        Action("Confirm and save", tok, "confirm", "primary"),
        Action("Change an answer", tok, "edit"),
    )
    return Card("Review your answers", body, subtitle, facts, tuple(sections), actions)


def conflict(latest: ProfileVersion, diff: Sequence[Change]) -> Card:
    """The profile changed while the person answered: how their answers differ from it."""
    when = latest.created_at.strftime("%d %b %Y %H:%M UTC")
    lines = [f"- {describe(c)}" for c in diff[:CHANGES_SHOWN]]
    if len(diff) > CHANGES_SHOWN:
        lines.append(f"- … and {len(diff) - CHANGES_SHOWN} more")
    body = (
        f"While you were answering, {user(latest.created_by)} saved version {latest.version} "
        f"of the profile ({when}). Saving your answers would change it like this:\n\n"
        + ("\n".join(lines) if lines else "- nothing: your answers match it")
    )
    return Card("The profile changed meanwhile", body)


def saved(version: int, diff: Sequence[Change]) -> Text:
    lines = [f"- {describe(c)}" for c in diff[:CHANGES_SHOWN]]
    if len(diff) > CHANGES_SHOWN:
        lines.append(f"- … and {len(diff) - CHANGES_SHOWN} more")
    text = f"Saved: your organisation's profile is now **version {version}**."
    if version > 1 and lines:
        text += f" Changes from version {version - 1}:\n\n" + "\n".join(lines)
    elif version > 1:
        text += f" Nothing changed from version {version - 1}; it is dated today."
    return Text(text + "\n\nType `status` to see it, or `interview` to review it again later.")
