"""Routing order and the answers for what is not built, through the real Core."""

from __future__ import annotations

from dataclasses import dataclass, field

from dialogs.commands import Command
from dialogs.messages import FormSubmit, Joined, Press, Text, Token
from dialogs.router import COMING_SOON, STALE, WELCOME, Core
from dialogs.state import ConversationState
from dialogs.turn import Replies, TurnContext
from tests.helpers import ORIGIN, SENDER, ctx_for, press, text


def texts(replies: Replies) -> list[str]:
    return [r.markdown for r in replies if isinstance(r, Text)]


@dataclass
class FakeInterview:
    """A step owner that accepts 'yes'/'no' and records what reached it."""

    name: str = "interview"
    commands: frozenset[str] = frozenset({"interview"})
    seen: list[str] = field(default_factory=list)

    def owns(self, active: str) -> bool:
        return active.startswith("interview:")

    async def command(self, ctx: TurnContext, cmd: Command) -> Replies:
        ctx.state.active = "interview:1"
        return [Text("Q1: yes or no?")]

    async def press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies:
        self.seen.append(f"press:{event.token.step}")
        return [Text("pressed")]

    async def status(self, ctx: TurnContext) -> str | None:
        return "step 1 of 5"

    async def navigate(self, ctx: TurnContext, word: str) -> Replies:
        self.seen.append(f"nav:{word}")
        return [Text(f"navigated {word}")]

    async def step_input(self, ctx: TurnContext, body: str) -> Replies | None:
        if body.lower() in ("yes", "no"):
            self.seen.append(f"answer:{body}")
            return [Text("noted")]
        return None

    async def not_understood(self, ctx: TurnContext, body: str) -> Replies:
        return [Text("Please answer yes or no.")]

    async def reprompt(self, ctx: TurnContext) -> Replies:
        return [Text("Q1: yes or no?")]

    async def cancel(self, ctx: TurnContext) -> Replies:
        ctx.state.active = None
        return [Text("cancelled")]


@dataclass
class FakeAnswerer:
    asked: list[str] = field(default_factory=list)

    async def answer(self, ctx: TurnContext, question: str) -> Replies:
        self.asked.append(question)
        return [Text(f"answer to {question}")]


def core() -> tuple[Core, FakeInterview, FakeAnswerer]:
    interview, answerer = FakeInterview(), FakeAnswerer()
    return Core([interview], [interview], answerer), interview, answerer


async def test_welcome_once_per_conversation() -> None:
    c, _, _ = core()
    state = ConversationState()
    first = await c.handle(ctx_for(Joined("j1", ORIGIN, SENDER), state))
    again = await c.handle(ctx_for(Joined("j2", ORIGIN, SENDER), state))
    assert texts(first) == [WELCOME] and again == []


async def test_global_commands_win_during_an_interview() -> None:
    c, _interview, _answerer = core()
    state = ConversationState(active="interview:1")
    out = await c.handle(ctx_for(text("help"), state))
    assert "`post plan" in texts(out)[0]
    out = await c.handle(ctx_for(text("status"), state))
    assert "step 1 of 5" in texts(out)[0]
    out = await c.handle(ctx_for(text("cancel"), state))
    assert texts(out) == ["cancelled"] and state.active is None


async def test_navigation_then_answer_then_question_during_a_step() -> None:
    c, interview, answerer = core()
    state = ConversationState(active="interview:1")
    await c.handle(ctx_for(text("back"), state))
    await c.handle(ctx_for(text("yes"), state))
    out = await c.handle(ctx_for(text("what is TBM?"), state))
    assert texts(out) == ["answer to what is TBM?", "Q1: yes or no?"]
    out = await c.handle(ctx_for(text("purple"), state))
    assert texts(out) == ["Please answer yes or no."]
    assert interview.seen == ["nav:back", "answer:yes"]
    assert answerer.asked == ["what is TBM?"]


async def test_other_commands_and_questions_outside_a_step() -> None:
    c, _, answerer = core()
    out = await c.handle(ctx_for(text("back")))
    assert "works during the interview" in texts(out)[0]
    out = await c.handle(ctx_for(text("how does SAM relate to FinOps?")))
    assert texts(out) == ["answer to how does SAM relate to FinOps?"]
    out = await c.handle(ctx_for(text("ask whats TBM")))
    assert answerer.asked[-1] == "whats TBM"


async def test_commands_not_built_yet_say_coming_soon_with_help() -> None:
    c, _, _ = core()
    out = texts(await c.handle(ctx_for(text("post plan"))))
    assert out[0].startswith(COMING_SOON.format(name="post plan [#channel]"))
    assert "`help`" in out[0]
    usage = texts(await c.handle(ctx_for(text("done"))))
    assert usage == ["Usage: `done <n|id>` — Mark an action done."]


async def test_presses_route_by_token_kind_and_unknown_kinds_are_stale() -> None:
    c, _interview, _ = core()
    out = await c.handle(ctx_for(press(Token("interview:1", "q1", 0), "yes")))
    assert texts(out) == ["pressed"]
    out = await c.handle(ctx_for(press(Token("plan:9", "a1", 3))))
    assert texts(out) == [STALE]


async def test_an_active_subject_nobody_owns_is_dropped() -> None:
    c, _, answerer = core()
    state = ConversationState(active="survey:3")
    await c.handle(ctx_for(text("hello there"), state))
    assert state.active is None and answerer.asked == ["hello there"]


async def test_without_an_answerer_questions_get_an_honest_reply() -> None:
    out = await Core().handle(ctx_for(text("what is FOCUS?")))
    assert "can't answer questions yet" in texts(out)[0]
    out = await Core().handle(ctx_for(text("   ")))
    assert "empty message" in texts(out)[0]
