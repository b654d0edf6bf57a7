"""Random answers, presses and commands: never a crash, never a lost answer, always valid."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.store import Store
from bot.store.interview import interview_repo
from dialogs.interview.flow import selected, slot, slots, to_profile
from dialogs.interview.session import AWAITING, REVIEW, Session
from dialogs.messages import Card, Choices, Form, Token
from dialogs.profile import DISCIPLINE_KEYS
from tests.interview.helpers import Chat, chat, engine

_orgs = itertools.count(1)

TYPED = [
    "1", "2", "3", "4", "10", "1, 3", "2 4 5", "ITSM", "SAM, other", "walk", "Crawl", "not sure",
    "none", "yes", "no", "confirm", "Service desk", "x" * 250, "what is TBM?", "purple", "",
    "We use ServiceNow for ITSM and Flexera for licences", "Flexera, our own tool",
    "Data governance", "allocation, cut egress", "ITSM: Owner", "save mine",
    "back", "skip", "edit", "restart", "cancel", "interview", "status", "help",
]  # fmt: skip
press = st.tuples(st.just("press"), st.integers(0, 63))  # always offered: moves things on
actions = st.lists(
    st.one_of(
        press,
        press,
        press,
        st.tuples(st.just("say"), st.sampled_from(TYPED)),
        st.tuples(st.just("stale"), st.integers(0, 40)),
        st.tuples(st.just("submit"), st.sampled_from(["Ops team", "", "y" * 300])),
    ),
    min_size=15,
    max_size=50,
)


async def load(c: Chat, store: Store) -> Session | None:
    async with interview_repo(store, c.org, datetime.now(UTC)) as repo:
        return await repo.latest_session(c.user)


def check_valid(session: Session) -> None:
    """The stored session is one the interview can always continue from."""
    definition = engine().definition
    assert session.step == REVIEW or slot(definition, session.answers, session.step) is not None
    assert session.awaiting in (None, *AWAITING)
    if session.awaiting in ("understood", "remove"):
        assert session.pending is not None
    if session.awaiting in ("edit", "conflict"):
        assert session.step == REVIEW
    chosen = session.answers.get("disciplines", [])
    assert isinstance(chosen, list) and set(chosen) <= set(DISCIPLINE_KEYS)
    for s in slots(definition, session.answers):
        if s.id in session.answers:
            for validator in s.step.validators:
                assert validator.check(session.answers[s.id]) is None, (s.id, session.answers)
    to_profile(definition, session.org_id, session.answers)  # never raises


def check_kept(before: Session, after: Session) -> None:
    """An answer only goes when a confirmation said so, and only changes where it was asked."""
    definition = engine().definition
    restarted = before.awaiting == "restart" and not after.answers
    if restarted:
        return
    kept = selected(definition, after.answers)
    for key, value in before.answers.items():
        if key not in after.answers:
            confirmed = before.awaiting in ("remove", "understood")
            gone = key.split(".")[0] not in kept
            assert confirmed and gone, f"{key} lost at {before.state_key}"
        elif after.answers[key] != value:
            asked = key in (before.step, "disciplines") or (
                before.awaiting == "understood" and key.endswith(".tools")
            )
            assert asked, f"{key} changed at {before.state_key}"


@settings(max_examples=40)
@given(steps=actions)
async def test_random_conversations_keep_the_interview_valid(
    store: Store, steps: list[tuple[str, object]]
) -> None:
    c = chat(store, user="pat", org=f"prop{next(_orgs)}")
    await c.say("interview")
    stale: Token | None = None
    first = c.replies[-1]
    if isinstance(first, Choices | Form):
        stale = first.token
    before = await load(c, store)
    assert before is not None
    for kind, arg in steps:
        if kind == "say":
            await c.say(str(arg))  # Chat asserts the turn did not fail
        elif kind == "press":
            await press_something(c, int(str(arg)))
        elif kind == "stale" and stale is not None:
            await c.press(str(arg), token=stale)
        elif kind == "submit":
            last = c.replies[-1] if c.replies else None
            if isinstance(last, Form):
                await c.submit(str(arg))
        after = await load(c, store)
        assert after is not None
        check_valid(after)
        check_kept(before, after)
        before = after


async def press_something(c: Chat, n: int) -> None:
    """Press what the last message offers, chosen by ``n`` (a form gets a short answer)."""
    for reply in reversed(c.replies):
        if isinstance(reply, Form):
            await c.submit(f"Team {n}", token=reply.token)
            return
        if isinstance(reply, Choices) and reply.options:
            options = reply.options
            if reply.multi:
                values = tuple(o.value for i, o in enumerate(options) if (n >> (i % 6)) & 1)
            else:
                values = (options[n % len(options)].value,)
            await c.press(*values, token=reply.token)
            return
        if isinstance(reply, Card) and reply.actions:
            action = reply.actions[n % len(reply.actions)]
            await c.press(action.value, token=action.token)
            return
