"""A whole interview through the console channel, with back, edit and resuming later."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from bot.console.chat import chat
from bot.settings import Settings
from bot.store import Store
from bot.store.interview import interview_repo

SENTENCE = (
    "We use ServiceNow for ITSM and the CMDB, Flexera for software licences, Apptio for TBM, "
    "and security follows NIST CSF"
)
FULL = [
    "interview",
    SENTENCE,
    "yes",
    "walk", "IT finance", "Allocating shared costs",  # ITFM/TBM (Apptio already known)
    "1", "Asset team", "Unknown assets",  # ITAM
    "crawl", "Licence office", "Shelfware",  # SAM
    "Run", "Service desk", "Too many tickets",  # ITSM
    "not sure", "CISO office", "Too many alerts",  # Security
    "crawl",  # FinOps maturity
    "1, 2, reduce egress cost",  # priorities
    "1",  # confirm and save
]  # fmt: skip


async def run(settings: Settings, lines: list[str], user: str = "ana") -> str:
    out = io.StringIO()
    stdin = io.StringIO("".join(f"{line}\n" for line in lines))
    assert await chat(settings, "acme", user, stdin=stdin, stdout=out, interactive=False) == 0
    return out.getvalue()


def settings_for(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'console.db'}")  # type: ignore[call-arg]


async def versions(settings: Settings) -> list:  # type: ignore[type-arg]
    store = await Store.open(settings.database_url)
    try:
        async with interview_repo(store, "acme", datetime.now(UTC)) as repo:
            return await repo.profile_versions()
    finally:
        await store.close()


async def test_a_full_interview_in_the_console(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    text = await run(settings, FULL)
    assert (
        "I understood: ITSM (ServiceNow), ITAM (ServiceNow CMDB), SAM (Flexera), ITFM/TBM\n"
        "(Apptio), Security (NIST CSF). Right?"
    ) in text
    assert "Review your answers" in text
    assert "version 1" in text
    [v1] = await versions(settings)
    profile = v1.profile
    assert list(profile.disciplines) == ["itfm", "itam", "sam", "itsm", "security"]
    assert profile.disciplines["itsm"].model_dump() == {
        "maturity": "run", "tools": ["ServiceNow ITSM"], "owner": "Service desk",
        "pain": "Too many tickets", "name": "",
    }  # fmt: skip
    assert profile.disciplines["itam"].tools == ["ServiceNow CMDB"]
    assert profile.disciplines["security"].maturity == "unknown"
    assert profile.finops_maturity == "crawl"
    assert profile.priorities == ["allocation", "licensing", "reduce egress cost"]


async def test_back_edit_and_resume_across_runs(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    first = await run(settings, ["interview", "ITSM, SAM", "walk", "back", "run", "Flexera"])
    assert first.count("How mature is SAM") == 2  # asked, then asked again after back
    # a new console process: the interview resumes at the same question with answers intact
    second = await run(settings, ["interview"])
    assert "Welcome back: 3 of" in second
    assert "Which team or person owns SAM?" in second
    rest = ["Licence office", "Shelfware", "walk", "ServiceNow", "Service desk", "Tickets",
            "crawl", "waste", "edit", "SAM: Maturity", "crawl", "1"]  # fmt: skip
    third = await run(settings, ["interview", *rest])
    assert "Which answer do you want to change?" in third
    [v1] = await versions(settings)
    assert v1.profile.disciplines["sam"].maturity == "crawl"  # the edit
    assert v1.profile.disciplines["sam"].tools == ["Flexera One"]
    assert v1.profile.disciplines["itsm"].tools == ["ServiceNow ITSM"]
    # later: a re-assessment starts at the review, one edit, a second version
    again = await run(settings, ["interview", "2", "ITSM: Owner", "Service management office",
                                 "1"])  # fmt: skip
    assert "only ask what is missing" in again and "version 2" in again
    assert "disciplines.itsm.owner: Service desk → Service management office" in again
    assert [v.version for v in await versions(settings)] == [1, 2]
