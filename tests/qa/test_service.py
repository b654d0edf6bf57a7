"""The Q&A decisions on the real content: answer, clarify, abstain, small talk, follow-ups."""

from __future__ import annotations

import pytest

from dialogs.qa.index import Hit
from dialogs.qa.service import QaService
from dialogs.qa.smalltalk import small_talk, strip_lead


def test_a_question_gets_its_article_summary_passage_and_follow_ups(service: QaService) -> None:
    outcome = service.ask("how does SAM relate to FinOps?")
    assert outcome.kind == "answer"
    article = outcome.article
    assert article is not None and article.id == "sam.overlap"
    assert outcome.confidence >= service.policy.threshold
    assert outcome.passage is not None and outcome.passage.markdown in article.body
    text = outcome.answer_markdown()
    assert text.startswith(article.summary) and outcome.passage.markdown in text
    assert 2 <= len(outcome.suggestions) <= 3
    assert article.id not in {a.id for a in outcome.suggestions}
    assert outcome.suggestions[0].id == article.related[0]


@pytest.mark.parametrize(
    ("british", "american"),
    [("licence management and finops", "license management and finops"),
     ("cost optimisation for our organisation", "cost optimization for our organization")],
)
def test_british_and_american_spellings_answer_the_same(
    service: QaService, british: str, american: str
) -> None:
    a, b = service.ask(british), service.ask(american)
    assert [x.id for x in a.articles] == [x.id for x in b.articles]
    assert a.confidence == pytest.approx(b.confidence)


def test_typos_and_acronyms_find_the_article(service: QaService) -> None:
    assert service.ask("how does azure hybrid benfit work").articles[0].id == "sam.licensing"
    assert service.ask("AHB").articles[0].id == "sam.licensing"
    assert service.ask("whats TBM").articles[0].id == "itfm.tbm"


def test_out_of_scope_abstains_with_the_closest_topics_and_a_gap(service: QaService) -> None:
    outcome = service.ask("what's a good recipe for banana bread")
    assert outcome.kind == "abstain" and outcome.gap
    assert outcome.confidence < service.policy.threshold
    assert outcome.articles == () and len(outcome.suggestions) <= 3


def test_a_message_without_words_is_not_a_gap(service: QaService) -> None:
    outcome = service.ask("?!")
    assert outcome.kind == "abstain" and not outcome.gap and not outcome.suggestions


def test_an_ambiguous_acronym_asks_which_meaning(service: QaService) -> None:
    outcome = service.ask("what is EA?")
    assert outcome.kind == "clarify"
    assert outcome.reply.startswith("Did you mean **enterprise architecture** or")
    first, second = outcome.articles
    assert first.id == "ea.overview"
    assert second.primary_topic in ("sam.licensing", "procurement.overlap")


def test_close_unrelated_articles_ask_did_you_mean(
    service: QaService, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = service.content.articles
    focus, ea, sam = articles["focus"], articles["ea.overview"], articles["sam.overview"]
    assert service._close(Hit(focus, 10.0), Hit(ea, 9.5))
    assert not service._close(Hit(focus, 10.0), Hit(ea, 5.0))  # not close
    assert not service._close(Hit(articles["sam.overlap"], 10.0), Hit(sam, 9.9))  # related

    monkeypatch.setattr(service.index, "search", lambda q, limit: [Hit(focus, 30.0),
                                                                 Hit(ea, 29.0)])
    outcome = service.ask("focus data for the architects")
    assert outcome.kind == "clarify" and outcome.articles == (focus, ea)
    assert outcome.reply == f"Did you mean **{focus.title}** or **{ea.title}**?"


@pytest.mark.parametrize(
    ("text", "kind"),
    [("hi", "greeting"), ("Good morning Crosswalk!", "greeting"), ("thanks a lot", "thanks"),
     ("Thank you!", "thanks"), ("who are you?", "identity"), ("are you a bot", "identity"),
     ("how are you", "wellbeing"), ("bye", "bye"), ("ok", "ack")],
)
def test_small_talk_is_recognised(text: str, kind: str) -> None:
    found = small_talk(text)
    assert found is not None and found.kind == kind


@pytest.mark.parametrize(
    "text", ["what are your commands", "hi, what is FinOps?", "thanks, and what about SAM?",
             "who are the finops personas", "are you able to answer licensing questions?"],
)
def test_questions_are_not_small_talk(text: str) -> None:
    assert small_talk(text) is None


def test_small_talk_gets_a_friendly_reply_not_a_miss(service: QaService) -> None:
    outcome = service.ask("hello")
    assert outcome.kind == "smalltalk" and not outcome.gap and "Ask me" in outcome.reply


def test_a_leading_greeting_is_dropped_before_searching(service: QaService) -> None:
    assert strip_lead("Hi there, what is FOCUS?") == "what is FOCUS?"
    assert strip_lead("thanks! and what about SAM") == "and what about SAM"
    assert service.ask("hey, what is FOCUS?").articles[0].id == "focus"


def test_follow_ups_resolve_against_the_last_answer(service: QaService) -> None:
    first = service.ask("how does ITSM overlap with FinOps?")
    assert first.article is not None and first.article.id == "itsm.overlap"
    steps = service.ask("and the first steps?", topic="itsm.overlap")
    assert steps.article is not None and steps.article.id == "itsm.first-steps"
    sam = service.ask("what about SAM?", topic="itsm.first-steps")
    assert sam.article is not None and sam.article.id == "sam.first-steps"
    overview = service.ask("what about SAM?", topic="itsm.overview")
    assert overview.article is not None and overview.article.id == "sam.overview"
    alone = service.ask("what about SAM?")
    assert alone.article is not None and alone.article.id == "sam.overview"


def test_a_follow_up_to_an_unknown_topic_is_a_plain_question(service: QaService) -> None:
    outcome = service.ask("and the first steps with ITAM?", topic="gone.article")
    assert outcome.article is not None and outcome.article.id == "itam.first-steps"


def test_picking_an_offered_article_by_position(service: QaService) -> None:
    offered = ["sam.overview", "sam.first-steps", "sam.licensing"]
    assert service.ask("the second one", candidates=offered).articles[0].id == "sam.first-steps"
    assert service.ask("3", candidates=offered).articles[0].id == "sam.licensing"
    assert service.ask("4", candidates=offered).kind == "abstain"


def test_explain_answers_a_chosen_article(service: QaService) -> None:
    outcome = service.explain("focus")
    assert outcome.kind == "answer" and outcome.confidence == 1.0
    assert outcome.passage is not None and outcome.suggestions


def test_very_long_or_hostile_input_is_answered(service: QaService) -> None:
    outcome = service.ask("licence " * 5000 + "\x00\x1b[31m")
    assert outcome.kind in ("answer", "abstain", "clarify")
    assert "\x1b" not in outcome.question and len(outcome.question) <= 1000
