"""The Q&A feature through the real router: cards, presses, state, gaps and feedback."""

from __future__ import annotations

from dialogs.messages import Card, Choices, FormSubmit, Text, Token
from dialogs.qa.feature import QaFeature
from dialogs.qa.replies import GONE, STALE, THANKS_HELPFUL, THANKS_UNHELPFUL
from dialogs.qa.service import QaService
from dialogs.router import Core
from dialogs.state import ConversationState
from tests.helpers import NOW, ORIGIN, SENDER, ctx_for, press, text
from tests.qa.conftest import FakeData


def core(service: QaService) -> Core:
    qa = QaFeature(service)
    return Core([qa], [], qa)


async def test_a_question_gets_a_card_with_sources_follow_ups_and_feedback(
    service: QaService,
) -> None:
    state, data = ConversationState(), FakeData()
    replies = await core(service).handle(ctx_for(text("how does SAM relate to FinOps?"), state,
                                                  data))
    [card] = replies
    assert isinstance(card, Card)
    article = service.content.articles["sam.overlap"]
    assert card.title == article.title and card.body.startswith(article.summary)
    assert 1 <= len(card.links) <= 3
    assert [(link.title, link.url) for link in card.links] == [
        (s.title, s.url) for s in article.sources[:3]]
    follow = [a for a in card.actions if a.token.step == "follow"]
    assert 2 <= len(follow) <= 3
    assert all(a.token.subject.startswith("qa:") for a in card.actions)
    assert [a.token for a in card.actions[-2:]] == [
        Token("qa:sam.overlap", "up"), Token("qa:sam.overlap", "down")]
    assert state.topic == "sam.overlap"
    assert state.candidates == [a.token.subject[3:] for a in follow]
    assert data.qa.gaps == []


async def test_the_ask_command_answers_too(service: QaService) -> None:
    replies = await core(service).handle(ctx_for(text("ask what is FOCUS?"), data=FakeData()))
    assert isinstance(replies[0], Card) and replies[0].title.startswith("FOCUS")


async def test_no_curated_answer_logs_a_gap_and_offers_the_closest_topics(
    service: QaService,
) -> None:
    state, data = ConversationState(), FakeData()
    replies = await core(service).handle(
        ctx_for(text("how do I reset my laptop"), state, data))
    [card] = replies
    assert isinstance(card, Card) and card.title == "No curated answer yet"
    assert card.actions and all(a.token.step == "follow" for a in card.actions)
    assert data.qa.gaps == [("how do I reset my laptop", NOW)]
    assert state.candidates == [a.token.subject[3:] for a in card.actions]
    assert state.topic is None


async def test_small_talk_is_not_a_gap(service: QaService) -> None:
    data = FakeData()
    replies = await core(service).handle(ctx_for(text("thanks!"), data=data))
    assert isinstance(replies[0], Text) and "welcome" in replies[0].markdown
    assert data.qa.gaps == []


async def test_did_you_mean_is_a_choice_answered_by_a_press(service: QaService) -> None:
    state, data = ConversationState(), FakeData()
    bot = core(service)
    [choices] = await bot.handle(ctx_for(text("what is EA?"), state, data))
    assert isinstance(choices, Choices) and choices.token == Token("qa:clarify", "pick")
    assert choices.prompt.startswith("Did you mean")
    picked = choices.options[1].value
    assert state.candidates == [o.value for o in choices.options]
    [card] = await bot.handle(ctx_for(press(choices.token, picked), state, data))
    assert isinstance(card, Card) and card.title == service.content.articles[picked].title
    assert state.topic == picked


async def test_a_follow_up_button_answers_that_article(service: QaService) -> None:
    state = ConversationState()
    [card] = await core(service).handle(
        ctx_for(press(Token("qa:itsm.first-steps", "follow")), state, FakeData()))
    assert isinstance(card, Card) and card.title.startswith("First steps to connect ITSM")
    assert state.topic == "itsm.first-steps"


async def test_follow_up_questions_use_the_conversation(service: QaService) -> None:
    state, bot = ConversationState(), core(service)
    await bot.handle(ctx_for(text("how does ITSM overlap with FinOps?"), state, FakeData()))
    [card] = await bot.handle(ctx_for(text("and the first steps?"), state, FakeData()))
    assert isinstance(card, Card) and state.topic == "itsm.first-steps"
    [card] = await bot.handle(ctx_for(text("what about SAM?"), state, FakeData()))
    assert isinstance(card, Card) and state.topic == "sam.first-steps"


async def test_thumbs_are_stored_per_article(service: QaService) -> None:
    data, bot = FakeData(), core(service)
    [up] = await bot.handle(ctx_for(press(Token("qa:focus", "up")), data=data))
    [down] = await bot.handle(ctx_for(press(Token("qa:sam.overlap", "down")), data=data))
    assert isinstance(up, Text) and up.markdown == THANKS_HELPFUL
    assert isinstance(down, Text) and down.markdown == THANKS_UNHELPFUL
    assert data.qa.votes == [("focus", True, NOW), ("sam.overlap", False, NOW)]


async def test_bad_presses_change_nothing(service: QaService) -> None:
    data, state, bot = FakeData(), ConversationState(topic="focus"), core(service)
    cases = [
        (press(Token("qa:no.such.article", "up")), GONE),
        (press(Token("qa:no.such.article", "follow")), GONE),
        (press(Token("qa:focus", "explode")), STALE),
        (press(Token("qa:clarify", "pick")), STALE),  # no value
        (press(Token("qa:clarify", "pick"), "nope"), GONE),
        (FormSubmit("f1", ORIGIN, SENDER, Token("qa:focus", "up"), {}), STALE),
    ]
    for event, expected in cases:
        replies = await bot.handle(ctx_for(event, state, data))
        assert replies == [Text(expected)], event
    assert data.qa.votes == [] and state.topic == "focus"


async def test_user_text_is_never_echoed_into_replies(service: QaService) -> None:
    hostile = "<at>everyone</at> [click](http://evil.example) banana"
    replies = await core(service).handle(ctx_for(text(hostile), data=FakeData()))
    assert replies and all("evil.example" not in r.fallback_text() for r in replies)
