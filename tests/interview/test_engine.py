"""The interview's rules without storage: answers, typed choices, navigation, dependants."""

from __future__ import annotations

from dialogs.interview.engine import Outcome
from dialogs.interview.session import REVIEW, Session
from tests.interview.helpers import engine, new_session

SENTENCE = (
    "We use ServiceNow for ITSM and the CMDB, Flexera for software licences, Apptio for TBM, "
    "and security follows NIST CSF"
)


def typed(session: Session, text: str) -> Outcome:
    outcome = engine().typed(session, text)
    assert outcome is not None, f"{text!r} was not understood at {session.state_key}"
    return outcome


def test_a_new_session_starts_with_the_disciplines() -> None:
    session = new_session()
    assert session.step == "disciplines" and session.answers == {}


def test_numbers_labels_and_misspellings_all_answer_a_choice() -> None:
    session = new_session()
    typed(session, "2, 4")
    assert session.answers["disciplines"] == ["itam", "itsm"]
    assert session.step == "itam.maturity"
    typed(session, "Wlak")
    assert session.answers["itam.maturity"] == "walk"
    engine().navigate(session, "back")
    typed(session, "3")
    assert session.answers["itam.maturity"] == "run"
    engine().navigate(session, "back")
    typed(session, "intermediate")
    assert session.answers["itam.maturity"] == "walk"
    engine().navigate(session, "back")
    typed(session, "don't know")
    assert session.answers["itam.maturity"] == "unknown"


def test_labels_and_aliases_pick_disciplines_without_confirmation() -> None:
    session = new_session()
    typed(session, "ITSM and service desk; Procurement")
    assert session.answers["disciplines"] == ["itsm", "procurement"]
    assert session.awaiting is None


def test_unknown_input_changes_nothing() -> None:
    session = new_session()
    typed(session, "4")
    before = (dict(session.answers), session.step)
    assert engine().typed(session, "purple elephants") is None
    assert engine().typed(session, "what does crawl mean?") is None  # a question, not an answer
    assert (session.answers, session.step) == before


def test_a_sentence_is_understood_stored_as_pending_and_confirmed() -> None:
    session = new_session()
    outcome = typed(session, SENTENCE)
    assert outcome.changed and session.awaiting == "understood"
    assert session.pending is not None
    assert set(session.pending.disciplines) == {"itsm", "itam", "sam", "itfm", "security"}
    assert "disciplines" not in session.answers  # nothing recorded before the yes
    typed(session, "yes")
    assert session.pending is None
    assert session.answers["disciplines"] == ["itfm", "itam", "sam", "itsm", "security"]
    assert session.answers["itsm.tools"] == ["ServiceNow ITSM"]
    assert session.answers["itam.tools"] == ["ServiceNow CMDB"]
    assert session.answers["sam.tools"] == ["Flexera One"]
    # tools already known are not asked again
    asked = [s.id for s in engine().slots(session) if s.id not in session.answers]
    assert "itsm.tools" not in asked and "itsm.owner" in asked


def test_no_to_the_understanding_records_nothing() -> None:
    session = new_session()
    typed(session, SENTENCE)
    typed(session, "no")
    assert session.pending is None and session.awaiting is None
    assert session.answers == {} and session.step == "disciplines"


def test_a_new_sentence_replaces_what_was_understood() -> None:
    session = new_session()
    typed(session, SENTENCE)
    typed(session, "Actually just Coupa for procurement")
    assert session.pending is not None and session.pending.disciplines == ("procurement",)


def test_text_answers_are_validated_and_never_silently_cut() -> None:
    session = new_session()
    typed(session, "ITSM")
    typed(session, "walk")
    typed(session, "none")
    assert session.answers["itsm.tools"] == [] and session.step == "itsm.owner"
    outcome = typed(session, "x" * 201)
    assert not outcome.changed and "200" in outcome.notes[0]
    assert "itsm.owner" not in session.answers and session.step == "itsm.owner"
    typed(session, "  The   service desk  ")
    assert session.answers["itsm.owner"] == "The service desk"


def test_own_tools_are_kept_and_catalogue_names_normalised() -> None:
    session = new_session()
    typed(session, "ITAM")
    typed(session, "crawl")
    typed(session, "lansweeper, ServiceNoww, our own spreadsheet")
    assert session.answers["itam.tools"] == [
        "Lansweeper", "ServiceNow ITSM", "our own spreadsheet",
    ]  # fmt: skip


def test_back_skip_and_edit() -> None:
    session = new_session()
    typed(session, "ITSM")
    typed(session, "walk")
    assert session.step == "itsm.tools"
    engine().navigate(session, "skip")
    assert session.step == "itsm.owner" and "itsm.tools" in session.skipped
    engine().navigate(session, "back")
    assert session.step == "itsm.tools"
    engine().navigate(session, "back")
    assert session.step == "itsm.maturity"
    assert session.answers["itsm.maturity"] == "walk"  # going back loses nothing
    engine().navigate(session, "edit")
    assert session.step == REVIEW and session.awaiting == "edit"
    picked = engine().typed(session, "ITSM: Maturity")
    assert picked is not None and session.step == "itsm.maturity"
    typed(session, "run")
    # after an edit, the next open question (the skipped one stays skipped)
    assert session.step == "itsm.owner"
    engine().navigate(session, "back")
    assert session.step == "itsm.maturity"


def test_first_question_back_says_so() -> None:
    session = new_session()
    outcome = engine().navigate(session, "back")
    assert "first question" in outcome.notes[0] and session.step == "disciplines"


def test_adding_a_discipline_asks_its_questions() -> None:
    session = answered_itsm()
    assert session.step == REVIEW
    engine().navigate(session, "edit")
    typed(session, "Disciplines in place")
    typed(session, "ITSM, SAM")
    assert session.answers["disciplines"] == ["sam", "itsm"]
    assert session.step == "sam.maturity"  # only the new discipline's questions


def test_removing_a_discipline_drops_its_answers_after_confirmation() -> None:
    session = answered_itsm()
    engine().navigate(session, "edit")
    typed(session, "1")
    typed(session, "SAM")
    assert session.awaiting == "remove" and "itsm.owner" in session.answers
    typed(session, "no")
    assert session.answers["disciplines"] == ["itsm"] and "itsm.owner" in session.answers
    typed(session, "SAM")
    typed(session, "yes")
    assert session.answers["disciplines"] == ["sam"]
    assert not [k for k in session.answers if k.startswith("itsm.")]
    assert session.step == "sam.maturity"


def test_restart_asks_first_and_then_clears() -> None:
    session = answered_itsm()
    engine().navigate(session, "restart")
    assert session.awaiting == "restart"
    typed(session, "no")
    assert session.answers and session.step == REVIEW
    engine().navigate(session, "restart")
    typed(session, "yes")
    assert session.answers == {} and session.step == "disciplines"


def test_review_sends_to_open_questions_before_saving() -> None:
    session = new_session()
    typed(session, "ITSM")
    engine().navigate(session, "edit")
    engine().navigate(session, "back")  # out of the picker, to the review
    outcome = typed(session, "1")
    assert not outcome.save and session.step == "itsm.maturity"


def test_skipped_required_questions_block_saving() -> None:
    session = answered_itsm(priorities=False)
    outcome = typed(session, "confirm")
    assert not outcome.save and session.step == "priorities"
    assert "before saving" in outcome.notes[0]


def test_review_confirm_saves_a_valid_profile() -> None:
    session = answered_itsm()
    outcome = typed(session, "yes")
    assert outcome.save
    profile = engine().profile(session)
    assert profile.disciplines["itsm"].owner == "Service desk"
    assert profile.priorities == ["allocation", "reduce egress cost"]


def test_presses_must_name_offered_values() -> None:
    session = new_session()
    assert engine().pressed(session, ("itsm", "nonsense")) is None
    assert engine().pressed(session, ("itsm", "sam")) is not None
    assert session.answers["disciplines"] == ["sam", "itsm"]
    assert engine().pressed(session, {"answer": "walk"}) is not None  # a typed form answer
    assert session.answers["sam.maturity"] == "walk"


def test_other_discipline_asks_its_name_and_takes_free_text_tools() -> None:
    session = new_session()
    typed(session, "other")
    assert session.step == "other.name"
    typed(session, "Data governance")
    typed(session, "crawl")
    assert session.step == "other.tools"
    assert engine().choices(engine().current(session), session) == ()  # type: ignore[arg-type]
    typed(session, "Collibra, Purview")
    assert session.answers["other.tools"] == ["Collibra", "Purview"]
    profile_answers = answered(session)
    assert profile_answers.disciplines["other"].name == "Data governance"


def answered(session: Session):  # type: ignore[no-untyped-def]
    for text in ("Data office", "No lineage"):
        typed(session, text)
    typed(session, "walk")
    typed(session, "data")
    return engine().profile(session)


def answered_itsm(priorities: bool = True) -> Session:
    session = new_session()
    for text in ("ITSM", "walk", "ServiceNow", "Service desk", "Too many tickets", "crawl"):
        typed(session, text)
    if priorities:
        typed(session, "allocation, reduce egress cost")
    else:
        engine().navigate(session, "skip")
    assert session.step == REVIEW
    return session
