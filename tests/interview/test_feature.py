"""The interview through the core and the real store: tokens, channels, status, versions."""

from __future__ import annotations

from datetime import datetime

from bot.store import Store
from bot.store.interview import interview_repo
from dialogs.interview.feature import CHANNEL_NOTE, DIRECT_FALLBACK, STALE
from dialogs.interview.session import Session
from dialogs.messages import Card, Choices, Form, Post, Text, Token
from tests.interview.helpers import Chat, chat, last_token

ITSM_ANSWERS = ("ITSM", "walk", "ServiceNow", "Service desk", "Too many tickets", "crawl",
                "allocation, licences")  # fmt: skip


async def session_of(store: Store, user: str = "ana", org: str = "acme") -> Session:
    async with interview_repo(store, org, datetime.now().astimezone()) as repo:
        found = await repo.latest_session(user)
    assert found is not None
    return found


async def complete(c: Chat, answers: tuple[str, ...] = ITSM_ANSWERS) -> str:
    await c.say("interview")
    for text in answers:
        await c.say(text)
    assert isinstance(c.replies[-1], Card), "expected the review"
    return await c.say("yes")


async def test_buttons_and_forms_answer_with_tokens(store: Store) -> None:
    c = chat(store)
    await c.say("interview")
    choices = c.replies[-1]
    assert isinstance(choices, Choices) and choices.multi
    assert choices.token.subject.startswith("interview:") and choices.token.step == "disciplines"
    await c.press("itsm", "procurement")
    await c.press("walk")
    await c.press("servicenow-itsm", "itil-4")
    form = c.replies[-1]
    assert isinstance(form, Form) and form.token.step == "itsm.owner"
    await c.submit("Service desk")
    session = await session_of(store)
    assert session.answers["disciplines"] == ["itsm", "procurement"]
    assert session.answers["itsm.tools"] == ["ServiceNow ITSM", "ITIL 4"]
    assert session.answers["itsm.owner"] == "Service desk"
    assert session.step == "itsm.pain"


async def test_an_outdated_press_changes_nothing(store: Store) -> None:
    c = chat(store)
    await c.say("interview")
    first = last_token(c.replies)
    await c.press("itsm")
    before = await session_of(store)
    reply = await c.press("itsm", "sam", token=first)  # the disciplines card, pressed again
    assert STALE in reply
    after = await session_of(store)
    assert (after.answers, after.step, after.revision) == (
        before.answers, before.step, before.revision,
    )  # fmt: skip
    assert isinstance(c.replies[-1], Choices) and c.replies[-1].token.step == "itsm.maturity"
    forged = Token(before.subject, before.state_key, before.revision + 5)
    assert STALE in await c.press("walk", token=forged)
    other = Token("interview:999999", before.state_key, before.revision)
    assert STALE in await c.press("walk", token=other)
    assert (await session_of(store)).answers == before.answers


async def test_a_value_not_offered_is_refused(store: Store) -> None:
    c = chat(store)
    await c.say("interview")
    assert STALE in await c.press("itsm", "bogus")
    assert (await session_of(store)).answers == {}


async def test_started_in_a_channel_it_moves_to_a_direct_chat(store: Store) -> None:
    channel = chat(store, direct=False)
    await channel.say("interview")
    [post] = channel.replies
    assert isinstance(post, Post) and post.target == "direct"
    assert post.note == Text(CHANNEL_NOTE) and post.fallback == (Text(DIRECT_FALLBACK),)
    assert isinstance(post.messages[-1], Choices)
    session = await session_of(store)
    assert post.record == session.subject
    # the channel never holds the interview: navigation words are not taken there
    assert "works during the interview" in await channel.say("back")
    direct = chat(store)
    await direct.press("itsm", token=post.messages[-1].token)  # type: ignore[union-attr]
    assert (await session_of(store)).answers["disciplines"] == ["itsm"]
    assert "Question 2 of 7" in await direct.say("interview")
    assert (await session_of(store)).step == "itsm.maturity"


async def test_cancel_keeps_answers_and_interview_resumes(store: Store) -> None:
    c = chat(store)
    await c.say("interview")
    await c.say("ITSM")
    await c.say("walk")
    assert "Paused" in await c.say("cancel")
    paused = await session_of(store)
    assert paused.status == "cancelled" and paused.answers["itsm.maturity"] == "walk"
    assert "carry on" in await c.say("interview")
    resumed = await session_of(store)
    assert resumed.status == "in_progress" and resumed.step == paused.step
    assert isinstance(c.replies[-1], Choices) and c.replies[-1].token.step == "itsm.tools"


async def test_status_lines(store: Store) -> None:
    c = chat(store)
    await c.say("interview")
    await c.say("ITSM")
    status = await c.say("status")
    assert "Interview: in progress: 1 of 7 questions answered" in status
    assert "Profile: none yet" in status
    await c.say("cancel")
    assert "Interview: paused" in await c.say("status")
    await c.say("interview")
    for text in ITSM_ANSWERS[1:]:
        await c.say(text)
    assert "version 1" in await c.say("confirm")
    status = await c.say("status")
    assert "Interview: complete on 27 Nov 2026" in status
    assert "Profile: version 1, saved 27 Nov 2026 by ana; disciplines: ITSM" in status


async def test_completing_writes_a_version_with_who_and_when(store: Store) -> None:
    c = chat(store)
    assert "version 1" in await complete(c)
    async with interview_repo(store, "acme", c.clock[0]) as repo:
        latest = await repo.latest_profile()
    assert latest is not None and latest.created_by == "ana" and latest.source == "interview"
    assert latest.profile.disciplines["itsm"].tools == ["ServiceNow ITSM"]
    assert latest.profile.priorities == ["allocation", "licensing"]
    session = await session_of(store)
    assert session.status == "complete" and latest.session_id == session.id
    assert session.base_version is None


async def test_reassessment_starts_from_the_profile_and_asks_only_what_is_missing(
    store: Store,
) -> None:
    c = chat(store)
    await complete(c)
    text = await c.say("interview")
    assert "version 1" in text and "only ask what is missing" in text
    assert isinstance(c.replies[-1], Card)  # every question answered: straight to the review
    session = await session_of(store)
    assert session.base_version == 1 and session.status == "in_progress"
    assert "Nothing changed from version 1" in await c.say("yes")


async def test_two_contributors_nothing_is_merged_silently(store: Store) -> None:
    ana, bob = chat(store, "ana"), chat(store, "bob")
    await ana.say("interview")
    await bob.say("interview")
    assert "version 1" in await complete(bob, ITSM_ANSWERS)
    for text in ("SAM", "run", "Flexera", "Licence office", "Shelfware", "walk", "waste"):
        await ana.say(text)
    text = await ana.say("yes")
    assert "The profile changed meanwhile" in text and "Bob" not in text and "bob" in text
    assert "disciplines.itsm" in text and "disciplines.sam" in text
    async with interview_repo(store, "acme", ana.clock[0]) as repo:
        assert len(await repo.profile_versions()) == 1  # nothing written yet
    assert "version 2" in await ana.say("1")  # save mine
    async with interview_repo(store, "acme", ana.clock[0]) as repo:
        versions = await repo.profile_versions()
    assert [(v.version, v.created_by) for v in versions] == [(1, "bob"), (2, "ana")]
    assert set(versions[1].profile.disciplines) == {"sam"}


async def test_a_conflict_can_start_from_the_current_profile(store: Store) -> None:
    ana, bob = chat(store, "ana"), chat(store, "bob")
    await ana.say("interview")
    await complete(bob)
    for text in ("SAM", "run", "Flexera", "Licence office", "Shelfware", "walk", "waste"):
        await ana.say(text)
    await ana.say("yes")
    await ana.say("start from the current profile")
    session = await session_of(store, "ana")
    assert session.answers["disciplines"] == ["itsm"] and session.seen_version == 1
    assert "version 2" in await ana.say("yes")


async def test_wrong_input_is_asked_again_with_an_example(store: Store) -> None:
    c = chat(store)
    await c.say("interview")
    reply = await c.say("purple")
    assert "didn't understand" in reply and "For example" in reply and "ITSM, SAM" in reply
    assert isinstance(c.replies[-1], Choices)
    assert (await session_of(store)).answers == {}


async def test_navigation_outside_the_interview_says_how_to_start(store: Store) -> None:
    c = chat(store)
    assert "works during the interview" in await c.say("back")


async def test_a_stored_step_that_no_longer_exists_moves_on(store: Store) -> None:
    c = chat(store)
    await c.say("interview")
    await c.say("ITSM")
    session = await session_of(store)
    session.step = "itsm.budget"  # a question an older interview file had
    async with interview_repo(store, "acme", c.clock[0], write=True) as repo:
        await repo.save_session(session)
    await c.say("interview")
    moved = await session_of(store)
    assert moved.step == "itsm.maturity" and moved.answers == session.answers
    await c.press("walk")
    assert (await session_of(store)).answers["itsm.maturity"] == "walk"
