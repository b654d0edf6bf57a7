"""Analysis: spelling folding, acronym plurals, stop words, typo correction, phrases."""

from __future__ import annotations

from dialogs.qa.analysis import STOP_WORDS, Analyzer
from dialogs.qa.index import QaIndex
from dialogs.qa.question import repair
from dialogs.qa.spelling import Speller

SPELLINGS = [("licence", "license"), ("optimisation", "optimization"), ("catalogue", "catalog")]


def test_british_and_american_spellings_give_the_same_terms() -> None:
    analyzer = Analyzer(SPELLINGS)
    assert analyzer.terms("licence optimisation catalogue") == analyzer.terms(
        "License OPTIMIZATION catalog"
    )


def test_regular_ize_endings_fold_without_a_list() -> None:
    analyzer = Analyzer()
    assert analyzer.terms("organization rationalized prioritizing analyze") == analyzer.terms(
        "organisation rationalised prioritising analyse"
    )
    assert analyzer.word("size") == "size"  # too short to be an -ize ending


def test_acronym_plurals_fold_to_the_acronym() -> None:
    analyzer = Analyzer(acronyms=["KPI", "RI"])
    assert analyzer.terms("KPIs and RIs") == analyzer.terms("kpi ri")
    assert Analyzer().terms("KPIs") != Analyzer().terms("KPI")


def test_stop_words_are_kept_in_words_and_dropped_from_terms() -> None:
    analyzer = Analyzer()
    assert analyzer.words("What's the FinOps view?") == ["what", "the", "finops", "view"]
    assert analyzer.terms("What's the FinOps view?") == ["finop", "view"]
    assert "first" not in STOP_WORDS and "start" not in STOP_WORDS


def test_accents_and_punctuation_do_not_matter() -> None:
    analyzer = Analyzer()
    assert analyzer.words("Café—ITSM/ITIL!") == ["cafe", "itsm", "itil"]


def test_speller_corrects_close_words_and_prefers_common_ones() -> None:
    counts = {"management": 30, "managements": 1, "benefit": 5, "principles": 4}
    speller = Speller(counts, counts.__getitem__)
    assert speller.correct("managment") == "management"
    assert speller.correct("benfit") == "benefit"
    assert speller.correct("principals") == "principles"
    assert speller.correct("sam") is None  # short words (acronyms) are never corrected
    assert speller.correct("banana") is None
    assert speller.correct("management") is None  # known words are left alone


def test_speller_leaves_other_forms_of_corpus_words_alone() -> None:
    counts = {"day": 3, "says": 9, "management": 30}
    analyzer = Analyzer()
    stems = {analyzer.stem(w) for w in counts}
    speller = Speller(counts, counts.__getitem__, analyzer.stem, stems)
    assert speller.correct("days") is None  # "day" is known: not a typo of "says"
    assert speller.correct("mangement") == "management"


def test_split_and_misspelt_words_are_repaired(index: QaIndex) -> None:
    question = index.parse("whats finosp, and IT asset mangement")
    assert question.corrections == {"finosp": "finops", "mangement": "management"}
    assert question.words[1] == "finops" and "itam" in question.terms
    vocabulary = {"servicenow": 3, "rocks": 1}
    words, fixed = repair(["servic", "enow", "rocks"], Speller(vocabulary, vocabulary.__getitem__))
    assert words == ["servicenow", "rocks"] and fixed == {"servic enow": "servicenow"}
    assert "p:finops.overview" in index.parse("Fin Ops").concepts  # a taxonomy synonym


def test_acronyms_and_synonyms_add_taxonomy_concepts(index: QaIndex) -> None:
    ahb = index.parse("AHB")
    spelled = index.parse("azure hybrid benefit")
    assert "p:sam.licensing" in ahb.concepts and "p:sam.licensing" in spelled.concepts
    tool = index.parse("we use SCCM")
    assert "d:itam" in tool.concepts  # a tool alias points at its discipline


def test_a_name_with_more_words_damps_its_topic_boost(index: QaIndex) -> None:
    alone = index.parse("what is SAM?")
    more = index.parse("how do SAM and FinOps overlap?")
    assert not alone.residual and more.residual
    assert more.concepts["p:sam.overview"] < alone.concepts["p:sam.overview"]


def test_an_ambiguous_name_asked_alone_has_two_senses(index: QaIndex) -> None:
    senses = index.parse("what is EA?").ambiguous()
    assert {s.name for s in senses} == {"term:ea-architecture", "term:ea-agreement"}
    assert index.parse("EA first steps with cloud cost data").ambiguous() == ()
