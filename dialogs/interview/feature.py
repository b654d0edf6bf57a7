"""The interview as a feature of the core: its command, presses, status and step ownership."""

from __future__ import annotations

from dialogs.commands import Command
from dialogs.interview import views
from dialogs.interview.engine import Engine, Outcome
from dialogs.interview.flow import from_profile
from dialogs.interview.ports import InterviewData, ProfileVersion
from dialogs.interview.session import REVIEW, SUBJECT, Session
from dialogs.interview.versions import changes
from dialogs.messages import FormSubmit, Outbound, Post, Press, Text
from dialogs.profile import DISCIPLINE_KEYS
from dialogs.text import truncate, user
from dialogs.turn import Replies, TurnContext

STALE = "That button belongs to an earlier question, so I changed nothing."
NONE_ACTIVE = "There's no interview in progress here. Type `interview` to start or resume one."
PAUSED = "Paused. Your answers are kept: type `interview` whenever you want to carry on."
CHANNEL_NOTE = "I've sent you a direct message to run the interview there, one to one."
DIRECT_FALLBACK = (
    "I couldn't open a one-to-one chat with you from here. Open a personal chat with "
    "Crosswalk (in Teams: the app's **Chat** tab; in Slack: the app's **Messages** tab) and "
    "type `interview`; your answers wait for you there."
)


def repo(ctx: TurnContext) -> InterviewData:
    return ctx.data.interview


class InterviewFeature:
    """Runs the interview in a one-to-one conversation (``Feature`` and ``StepOwner``)."""

    name = SUBJECT
    commands = frozenset({"interview"})

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def owns(self, active: str) -> bool:
        return active.startswith(f"{SUBJECT}:")

    # ------------------------------------------------------------------ Feature

    async def command(self, ctx: TurnContext, cmd: Command) -> Replies:
        data = repo(ctx)
        session = await self._open(ctx)
        if session is None:
            latest = await data.latest_profile()
            version = latest.version if latest is not None else None
            session = Session(
                id=0,
                org_id=ctx.org_id,
                user_id=ctx.user_id,
                base_version=version,
                seen_version=version,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
            if latest is not None:
                session.answers = from_profile(self.engine.definition, latest.profile)
            self.engine.begin(session)
            session = await data.create_session(session)
            intro = self.engine.definition.intro
            if latest is not None:
                intro += (
                    f"\n\nI've filled in what your organisation's profile (version "
                    f"{latest.version}) already says, so I'll only ask what is missing."
                )
        else:
            session.status = "in_progress"
            await self._store(ctx, session)
            done, total = self.engine.progress(session)
            intro = f"Welcome back: {done} of {total} questions answered. Let's carry on."
        messages: list[Outbound] = [Text(intro), *views.prompt(self.engine, session)]
        if ctx.event.origin.is_direct:
            ctx.state.active = session.subject
            return list(messages)
        return [
            Post(
                target="direct",
                messages=tuple(messages),
                note=Text(CHANNEL_NOTE),
                fallback=(Text(DIRECT_FALLBACK),),
                record=session.subject,
            )
        ]

    async def press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies:
        session = await self._open(ctx)
        tok = event.token
        if (
            session is None
            or session.status != "in_progress"
            or tok.subject != session.subject
            or tok.step != session.state_key
            or tok.revision != session.revision
        ):
            return self._stale(ctx, session)
        outcome = self.engine.pressed(session, event.values)
        if outcome is None:
            return self._stale(ctx, session)
        return await self._finish(ctx, session, outcome)

    async def status(self, ctx: TurnContext) -> str | None:
        session = await repo(ctx).latest_session(ctx.user_id)
        if session is None:
            return "not started; type `interview` to describe your frameworks"
        if session.status == "complete":
            when = session.completed_at or session.updated_at
            day = f" on {when:%d %b %Y}" if when is not None else ""
            return f"complete{day}; type `interview` to review your answers again"
        done, total = self.engine.progress(session)
        where = "in progress" if session.status == "in_progress" else "paused"
        return f"{where}: {done} of {total} questions answered; type `interview` to carry on"

    # ------------------------------------------------------------------ StepOwner

    async def navigate(self, ctx: TurnContext, word: str) -> Replies:
        session = await self._active(ctx)
        if session is None:
            return [Text(NONE_ACTIVE)]
        return await self._finish(ctx, session, self.engine.navigate(session, word))

    async def step_input(self, ctx: TurnContext, text: str) -> Replies | None:
        session = await self._active(ctx)
        if session is None:
            return [Text(NONE_ACTIVE)]
        outcome = self.engine.typed(session, text)
        if outcome is None:
            return None
        return await self._finish(ctx, session, outcome)

    async def not_understood(self, ctx: TurnContext, text: str) -> Replies:
        session = await self._active(ctx)
        if session is None:
            return [Text(NONE_ACTIVE)]
        said = user(truncate(" ".join(text.split()), 80))
        note = f"Sorry, I didn't understand “{said}”. {views.hint(self.engine, session)}"
        return [Text(note.strip()), *views.prompt(self.engine, session)]

    async def reprompt(self, ctx: TurnContext) -> Replies:
        session = await self._active(ctx)
        if session is None:
            return [Text(NONE_ACTIVE)]
        return list(views.prompt(self.engine, session))

    async def cancel(self, ctx: TurnContext) -> Replies:
        session = await self._active(ctx)
        ctx.state.active = None
        if session is None:
            return [Text("There is nothing in progress to cancel.")]
        session.status = "cancelled"
        await self._store(ctx, session)
        return [Text(PAUSED)]

    # ------------------------------------------------------------------ helpers

    async def _open(self, ctx: TurnContext) -> Session | None:
        """The person's open session, moved on if its step no longer exists (the file changed)."""
        session = await repo(ctx).open_session(ctx.user_id)
        if session is not None and session.step != REVIEW and self.engine.current(session) is None:
            self.engine.begin(session)
            await self._store(ctx, session)
        return session

    async def _active(self, ctx: TurnContext) -> Session | None:
        """The person's session in progress (one per person and org, whichever chat it is)."""
        session = await self._open(ctx)
        if session is None or session.status != "in_progress":
            ctx.state.active = None
            return None
        return session

    async def _store(self, ctx: TurnContext, session: Session) -> None:
        session.revision += 1
        session.updated_at = ctx.now
        await repo(ctx).save_session(session)

    def _stale(self, ctx: TurnContext, session: Session | None) -> Replies:
        replies: Replies = [Text(STALE)]
        if session is None or session.status != "in_progress":
            replies.append(Text("Type `interview` to start or resume the interview."))
        elif ctx.event.origin.is_direct:
            ctx.state.active = session.subject
            replies += views.prompt(self.engine, session)
        return replies

    async def _finish(self, ctx: TurnContext, session: Session, outcome: Outcome) -> Replies:
        """Apply what the input asked for, store the session, and answer."""
        replies: Replies = [Text(n) for n in outcome.notes]
        if outcome.conflict is not None:
            replies += await self._conflict_choice(ctx, session, outcome.conflict)
        elif outcome.save:
            replies += await self._save(ctx, session)
        elif outcome.changed:
            await self._store(ctx, session)
        if session.status == "in_progress":
            if ctx.event.origin.is_direct:
                ctx.state.active = session.subject
            # a conflict shown by saving brings its own prompt
            if not (session.awaiting == "conflict" and (outcome.save or outcome.conflict)):
                replies += views.prompt(self.engine, session)
        return replies

    async def _save(self, ctx: TurnContext, session: Session) -> Replies:
        data = repo(ctx)
        latest = await data.latest_profile()
        current = latest.version if latest is not None else None
        if current != session.seen_version and latest is not None:
            return await self._show_conflict(ctx, session, latest)
        profile = self.engine.profile(session)
        version = await data.add_profile_version(
            profile, ctx.user_id, "interview", session.id, (current or 0) + 1
        )
        if version is None:  # someone saved at the same moment
            latest = await data.latest_profile()
            if latest is not None:
                return await self._show_conflict(ctx, session, latest)
            return [Text("Saving failed for a moment; please confirm again.")]
        session.status = "complete"
        session.completed_at = ctx.now
        session.awaiting = None
        session.pending = None
        session.seen_version = version
        await self._store(ctx, session)
        ctx.state.active = None
        before = latest.profile.stripped() if latest is not None else None
        return [views.saved(version, changes(before, profile))]

    async def _show_conflict(
        self, ctx: TurnContext, session: Session, latest: ProfileVersion
    ) -> Replies:
        diff = changes(latest.profile.stripped(), self.engine.profile(session))
        session.seen_version = latest.version  # they see its changes now
        session.step = REVIEW
        session.awaiting = "conflict"
        await self._store(ctx, session)
        return [views.conflict(latest, diff), *views.prompt(self.engine, session)]

    async def _conflict_choice(self, ctx: TurnContext, session: Session, choice: str) -> Replies:
        if choice == "save":
            session.awaiting = None
            return await self._save(ctx, session)
        if choice == "reset":
            latest = await repo(ctx).latest_profile()
            answers = from_profile(self.engine.definition, latest.profile) if latest else {}
            self.engine.reseed(session, answers)
            await self._store(ctx, session)
            return [Text("I've loaded the current profile; change what you need.")]
        self.engine.navigate(session, "edit")
        await self._store(ctx, session)
        return []


class ProfileFeature:
    """The org profile's line in ``status``."""

    name = "profile"
    commands: frozenset[str] = frozenset()

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def command(self, ctx: TurnContext, cmd: Command) -> Replies:
        return [Text("Type `interview` to build or update your organisation's profile.")]

    async def press(self, ctx: TurnContext, event: Press | FormSubmit) -> Replies:
        return [Text(STALE)]

    async def status(self, ctx: TurnContext) -> str | None:
        latest = await repo(ctx).latest_profile()
        if latest is None:
            return "none yet; the interview creates it"
        profile = latest.profile
        names = [
            self.engine.catalog.discipline_short(d) if d != "other" else "Other"
            for d in DISCIPLINE_KEYS
            if d in profile.disciplines
        ]
        return (
            f"version {latest.version}, saved {latest.created_at:%d %b %Y} by "
            f"{user(latest.created_by)}; disciplines: {', '.join(names) or 'none'}; "
            f"FinOps maturity: {profile.finops_maturity}"
        )
