"""What a question offers: options from the file, the taxonomy's disciplines and tool catalogue,
or the profile's priorities, plus the user's own entries already given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogs.content import ContentStore, Tool
from dialogs.content.taxonomy import fold
from dialogs.interview.definition import OptionDef, SourceDef, Step
from dialogs.profile import DISCIPLINES, OTHER, PRIORITIES
from dialogs.text import user

OWN_PREFIX = "own-"
_KIND_ORDER = {"tool": 0, "framework": 1, "standard": 2}


@dataclass(frozen=True)
class Choice:
    """One option as offered: ``value`` goes in the token, ``answer`` is what is recorded."""

    value: str
    label: str  # trusted text, or user-marked for the user's own entries
    answer: str
    description: str = ""
    aliases: tuple[str, ...] = ()


class Catalog:
    """The content the interview offers, looked up once at start-up."""

    def __init__(self, content: ContentStore) -> None:
        self.content = content
        self.tools: dict[str, Tool] = dict(content.tools)
        self._tool_by_name = {fold(t.name): t for t in content.tools.values()}
        by_discipline: dict[str, list[Tool]] = {d: [] for d in DISCIPLINES}
        for tool in content.tools.values():
            for discipline in tool.disciplines:
                by_discipline.setdefault(discipline, []).append(tool)
        self._by_discipline = {
            d: sorted(tools, key=lambda t: (_KIND_ORDER[t.kind], fold(t.name)))
            for d, tools in by_discipline.items()
        }

    def discipline_short(self, discipline: str) -> str:
        """``ITSM``, ``ITFM/TBM``; ``Other`` for the other discipline."""
        found = self.content.disciplines.get(discipline)
        return found.short if found is not None else "Other"

    def discipline_name(self, discipline: str, answers: dict[str, object]) -> str:
        """The short name, or the user's name for "other" (marked as user text)."""
        if discipline == OTHER:
            name = answers.get(f"{OTHER}.name")
            return user(name) if isinstance(name, str) and name else "your other discipline"
        return self.discipline_short(discipline)

    def tool_named(self, name: str) -> Tool | None:
        return self._tool_by_name.get(fold(name))

    def tools_for(self, discipline: str) -> Sequence[Tool]:
        return self._by_discipline.get(discipline, ())

    def choices(self, step: Step, discipline: str | None, current: object) -> tuple[Choice, ...]:
        """The options of a step (for ``discipline``), with the user's own entries appended."""
        options = step.spec.options
        if options is None:
            return ()
        if isinstance(options, SourceDef):
            base = self._source(options, discipline)
        else:
            base = tuple(_from_def(o) for o in options)
        if not step.spec.free_text or not isinstance(current, list):
            return base
        known = {fold(c.answer) for c in base}
        own = [a for a in current if isinstance(a, str) and fold(a) not in known]
        return base + tuple(self._own(i, a) for i, a in enumerate(own, 1))

    def _own(self, index: int, answer: str) -> Choice:
        """An entry the user gave that is not offered here (a catalogue tool or their own)."""
        tool = self.tool_named(answer)
        if tool is not None:
            return Choice(f"{OWN_PREFIX}{index}", tool.name, answer, tool.vendor)
        return Choice(f"{OWN_PREFIX}{index}", user(answer), answer, "your own")

    def _source(self, source: SourceDef, discipline: str | None) -> tuple[Choice, ...]:
        if source.source == "disciplines":
            out = []
            for d in DISCIPLINES:
                info = self.content.disciplines.get(d)
                if info is None:
                    continue
                aliases = (d, info.short, info.label, *info.synonyms)
                out.append(Choice(d, info.short, d, info.label, aliases))
            out.append(Choice(OTHER, "Other", OTHER, "Something else", ("other", "others")))
            return tuple(out)
        if source.source == "priorities":
            return tuple(Choice(k, label, k, "", (k,)) for k, label in PRIORITIES.items())
        tools = self.tools_for(discipline or "")
        return tuple(Choice(t.id, t.name, t.name, t.vendor, (t.id, *t.aliases)) for t in tools)


def _from_def(option: OptionDef) -> Choice:
    return Choice(option.value, option.label, option.value, option.description, option.aliases)
