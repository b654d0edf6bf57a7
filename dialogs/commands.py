"""The command table: one list of every command, used by every channel, the router and help."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Group = Literal["global", "interview", "plan", "nudges", "qa"]

GROUP_TITLES: dict[Group, str] = {
    "global": "Anywhere",
    "interview": "During the interview",
    "plan": "Alignment plan",
    "nudges": "Weekly nudges",
    "qa": "Questions",
}


@dataclass(frozen=True)
class CommandSpec:
    """One command: its words, where it applies, and how it is described in help."""

    name: str  # the words that start it, lowercase, e.g. "post plan"
    group: Group
    usage: str
    summary: str
    args: Literal["none", "optional", "required"] = "none"


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("help", "global", "help", "Show what I can do and these commands."),
    CommandSpec("cancel", "global", "cancel", "Stop what is in progress (answers are kept)."),
    CommandSpec("status", "global", "status", "Interview progress, profile, plan and nudges."),
    CommandSpec("interview", "global", "interview", "Start or resume the framework interview."),
    CommandSpec("back", "interview", "back", "Go back to the previous question."),
    CommandSpec("skip", "interview", "skip", "Skip this question for now."),
    CommandSpec("edit", "interview", "edit", "Review the answers and pick one to change."),
    CommandSpec("restart", "interview", "restart", "Start the interview again from the top."),
    CommandSpec("plan", "plan", "plan", "Show the alignment plan here."),
    CommandSpec(
        "post plan",
        "plan",
        "post plan [#channel]",
        "Post the plan summary to a channel.",
        "optional",
    ),
    CommandSpec("done", "plan", "done <n|id>", "Mark an action done.", "required"),
    CommandSpec("start", "plan", "start <n|id>", "Mark an action in progress.", "required"),
    CommandSpec("drop", "plan", "drop <n|id>", "Skip an action.", "required"),
    CommandSpec("reopen", "plan", "reopen <n|id>", "Reopen an action.", "required"),
    CommandSpec("snooze", "plan", "snooze <n|id>", "Snooze an action for a week.", "required"),
    CommandSpec(
        "subscribe",
        "nudges",
        "subscribe [weekly on <day> <HH:MM> <Area/City>]",
        "Weekly nudges in this channel.",
        "optional",
    ),
    CommandSpec("unsubscribe", "nudges", "unsubscribe", "Stop weekly nudges here."),
    CommandSpec(
        "pause nudges", "nudges", "pause nudges [until <date>]", "Pause nudges.", "optional"
    ),
    CommandSpec("resume nudges", "nudges", "resume nudges", "Resume paused nudges."),
    CommandSpec("nudge now", "nudges", "nudge now", "Send this week's nudge now."),
    CommandSpec("ask", "qa", "ask <question>", "Ask about FinOps and your frameworks.", "required"),
)

BY_NAME: dict[str, CommandSpec] = {c.name: c for c in COMMANDS}
NAVIGATION: frozenset[str] = frozenset(c.name for c in COMMANDS if c.group == "interview")
# longest names first so "post plan" wins over "plan"
_ORDERED = sorted(COMMANDS, key=lambda c: -len(c.name))
_PREFIX = re.compile(r"^(?:/crosswalk\s+|@?crosswalk[:,]?\s+|/)", re.IGNORECASE)
_TRAILING = re.compile(r"[\s.!]+$")


@dataclass(frozen=True)
class Command:
    """A parsed command: the spec and the rest of the text."""

    spec: CommandSpec
    args: str = ""

    @property
    def name(self) -> str:
        return self.spec.name


def normalize(text: str) -> str:
    """Lowercase, collapse spaces, drop a leading slash-command or bot name and trailing stops."""
    text = " ".join(text.split())
    text = _PREFIX.sub("", text)
    return _TRAILING.sub("", text)


def parse(text: str) -> Command | None:
    """Match the start of a message against the table; ``None`` when it is not a command."""
    norm = normalize(text)
    low = norm.lower()
    for spec in _ORDERED:
        if low == spec.name:
            return Command(spec)  # a missing required argument is answered with the usage
        if spec.args != "none" and low.startswith(spec.name + " "):
            return Command(spec, norm[len(spec.name) + 1 :].strip())
    return None


def help_markdown() -> str:
    """The command table as Markdown, grouped."""
    lines: list[str] = []
    for group, title in GROUP_TITLES.items():
        specs = [c for c in COMMANDS if c.group == group]
        lines.append(f"**{title}**")
        lines += [f"- `{c.usage}` — {c.summary}" for c in specs]
        if group == "qa":
            lines.append("- Or just type a question, e.g. _how does SAM relate to FinOps?_")
        lines.append("")
    return "\n".join(lines).strip()
