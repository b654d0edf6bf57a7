"""What the interview needs from storage, inside the turn's transaction (org-scoped)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from dialogs.interview.session import Session
from dialogs.profile import Profile

Source = Literal["interview", "import"]


@dataclass(frozen=True)
class ProfileVersion:
    """One saved version of the org's profile: who wrote it, when, and how."""

    version: int
    profile: Profile  # with ``version`` and ``updated`` filled in
    created_at: datetime
    created_by: str
    source: Source
    session_id: int | None = None


class InterviewData(Protocol):
    """Interview sessions and profile versions of one organisation."""

    async def open_session(self, user_id: str) -> Session | None:
        """The person's session in progress or paused, locked for this turn."""
        ...

    async def latest_session(self, user_id: str) -> Session | None: ...

    async def create_session(self, session: Session) -> Session:
        """Insert a new session; returns it with its id."""
        ...

    async def save_session(self, session: Session) -> None: ...

    async def latest_profile(self) -> ProfileVersion | None: ...

    async def add_profile_version(
        self, profile: Profile, by: str, source: Source, session_id: int | None, expected: int
    ) -> int | None:
        """Write version ``expected``; ``None`` when that version exists already (a race)."""
        ...
