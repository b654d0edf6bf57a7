"""Question intent and scope: which kind of article a question wants, and helpdesk requests."""

from __future__ import annotations

import pytest

from dialogs.content import ContentStore
from dialogs.qa.analysis import Analyzer
from dialogs.qa.cues import Cues
from dialogs.qa.index import QaIndex
from dialogs.qa.intent import INTENTS, Intent, IntentCues
from dialogs.qa.scope import Scope
from dialogs.qa.service import QaService


def test_cues_match_whole_words_and_gaps() -> None:
    analyzer = Analyzer()
    cues = Cues(["first steps", "where * begin"], analyzer)
    assert cues.found(analyzer.words("First steps with SAM?"))
    assert cues.found(analyzer.words("where do we even begin with ITSM"))
    assert not cues.found(analyzer.words("the firstly stepson"))  # whole words only
    assert not cues.found(analyzer.words("where"), analyzer.words("begin"))
    words = analyzer.words("where should the ITAM team begin")
    assert cues.positions(words) == {0, 5}  # the words a "*" stands for are not the cue


@pytest.mark.parametrize(
    ("question", "intents"),
    [
        ("where do we start with the SAM team", {"start"}),
        ("quick wins for ITSM", {"start"}),
        ("how does ITAM relate to FinOps", {"relate"}),
        ("who owns showback, FinOps or IT finance?", {"relate"}),
        ("what is GreenOps", {"define"}),
        ("what data do we give the TBM team", {"data"}),
        ("which KPIs for security", {"measure"}),
        ("how does finops tie in with IT financial management", {"relate"}),
        ("kicking off finops with the SAM team", {"start"}),
        ("any tips on getting going with ITAM", {"start"}),
        ("whats the weather", set()),
    ],
)
def test_cue_phrases_give_intents(index: QaIndex, question: str, intents: set[str]) -> None:
    assert set(index.parse(question).intents) == intents


def test_an_intent_points_at_the_named_disciplines_article(index: QaIndex) -> None:
    assert index.parse("where do we begin with ITSM").routed == ("itsm.first-steps",)
    assert index.parse("how does licence management relate to FinOps").routed == ("sam.overlap",)
    several = index.parse("where do I start integrating FinOps with ITIL and ITAM")
    assert several.routed == ("intersecting.getting-started",)
    assert "p:itsm.first-steps" in index.parse("first steps ITSM").concepts


def test_a_bare_intent_needs_a_question_about_the_name_alone(index: QaIndex) -> None:
    assert index.parse("what is ITSM").routed == ("itsm.overview",)
    assert index.parse("what is the ITSM ticket volume of the UK office").routed == ()


def test_intents_only_point_at_topics_the_taxonomy_has(content: ContentStore) -> None:
    cues = IntentCues(content, Analyzer(), (*INTENTS, Intent("x", ("nope",), "", "", ("zz",))))
    assert cues.topics(cues.intents[-1:], ["sam"]) == []
    aspects = {a for i in INTENTS for a in i.aspects}
    topics = {f"{d}.{a}" for d in content.disciplines for a in aspects}
    assert topics & set(content.topics), "no discipline has an article for any aspect"
    for intent in INTENTS:
        assert intent.several in ("", *content.topics) and intent.alone in ("", *content.topics)


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("where do we begin with the ITAM team", "itam.first-steps"),
        ("where do ITAM and FinOps meet", "itam.overlap"),
        ("greenops quick wins", "sustainability.first-steps"),
        ("procurement roadmap for finops", "procurement.first-steps"),
    ],
)
def test_intent_picks_the_article_within_a_discipline(
    service: QaService, question: str, article: str
) -> None:
    outcome = service.ask(question)
    assert outcome.kind in ("answer", "clarify") and outcome.articles[0].id == article


@pytest.mark.parametrize(
    "question",
    [
        "I forgot my ServiceNow password",
        "ServiceNow is down, is there an outage?",
        "how do I install the Flexera agent on my laptop",
        "how much did we spend on Azure in March",
        "who is our AWS account manager",
        "how do I write a glide script in ServiceNow",
        "how do I migrate our Jira tickets to ServiceNow",
    ],
)
def test_helpdesk_requests_and_data_lookups_are_abstained(
    service: QaService, question: str
) -> None:
    outcome, decision = service.run(question)
    assert outcome.kind == "abstain" and outcome.gap and outcome.confidence == 0.0
    assert decision.features is None and len(outcome.suggestions) <= 3


@pytest.mark.parametrize(
    "question",
    [
        "how do we get cost alerts into ServiceNow",
        "should cost anomalies raise an incident",
        "what access does FinOps need to the CMDB for cost allocation",
    ],
)
def test_operational_words_about_finops_are_in_scope(index: QaIndex, question: str) -> None:
    assert not index.parse(question).operational


def test_scope_cues_are_matched_as_typed_and_as_corrected() -> None:
    analyzer = Analyzer()
    scope = Scope(analyzer)
    assert scope.operational(analyzer.words("reset my password"), ["rest", "my", "password"])
    assert not scope.operational(analyzer.words("reset the cost allocation"))


def test_a_lookup_cue_in_a_question_about_where_to_start_is_in_scope(index: QaIndex) -> None:
    """It describes the organisation's data ("no list of our contracts") rather than asking
    for it; the same words without the request for guidance stay a lookup."""
    asks = index.parse("we have no list of our cloud contracts, where do we start with procurement")
    assert not asks.operational and "start" in asks.intents
    assert index.parse("give me a list of our cloud contracts").operational
