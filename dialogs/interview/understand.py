"""Understanding a sentence about the organisation's disciplines and tools.

"We use ServiceNow for ITSM and the CMDB, Flexera for software licences" → ITSM (ServiceNow),
ITAM (ServiceNow CMDB), SAM (Flexera). Names come from the taxonomy: discipline synonyms, the
tool catalogue's names and aliases, and terms (weaker evidence: they give context, not a
discipline). Matching is exact on whole words first (longest phrase wins), then tolerant of a
typo or two in longer names. A sentence is cut into clauses at punctuation and words like "but";
a negation in a clause ("we don't have SAM") drops the disciplines named after it. A vendor's
bare name combines with another name in its clause ("ServiceNow … the CMDB" → ServiceNow CMDB).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from dialogs.content import ContentStore, Tool
from dialogs.interview.choice import allowed_typos
from dialogs.profile import DISCIPLINES
from dialogs.text import clean

_TOKEN = re.compile(r"\w+|[,;!?\n]|[.:](?=\s|$)")
CLAUSE_WORDS = frozenset({"but", "while", "whereas", "although", "though", "except", "however"})
NEGATIONS = frozenset(
    {"no", "not", "don", "dont", "doesn", "didn", "haven", "hasn", "isn", "aren", "without",
     "never", "lack", "lacks", "lacking", "neither", "nor", "nobody"}
)  # fmt: skip
# names that are also everyday words: matched only when written with a capital letter
CAPITALISED = frozenset(
    {"remedy", "advisor", "zip", "prisma", "orca", "tofu", "focus", "wiz", "backstage",
     "vantage", "sentinel", "torii", "helix", "discovery", "cost management"}
)  # fmt: skip
# words never corrected into a name (a typo-tolerant match would misread them)
NO_FUZZ = frozenset(
    {"vendor", "vendors", "service", "services", "license", "licence", "licenses", "licences",
     "licensed", "licenced", "cloud", "clouds", "team", "teams", "tool", "tools", "asset",
     "assets", "finance", "security", "secure", "source", "sources", "purchase", "purchases",
     "manage", "managed", "management", "platform", "platforms", "process", "processes",
     "architect", "architects", "agile", "carbon", "green", "portfolio", "model", "models",
     "owner", "owners", "office", "their", "there", "these", "those", "where", "which",
     "about", "using", "other", "others", "still", "mostly", "mainly", "follow", "follows",
     "spreadsheet", "spreadsheets", "excel", "email", "emails", "people", "person",
     "product", "products", "production", "location", "render", "lower", "lowers"}
)  # fmt: skip


@dataclass(frozen=True)
class PendingTool:
    """A tool understood from free text, with the discipline it was attributed to."""

    name: str
    catalogue_id: str
    discipline: str


@dataclass(frozen=True)
class Understood:
    """What a sentence said: disciplines (in the order they came up), tools, and notes."""

    disciplines: tuple[str, ...]
    tools: tuple[PendingTool, ...]
    notes: tuple[str, ...] = ()


@dataclass
class _Reading:
    disciplines: set[str] = field(default_factory=set)
    context: set[str] = field(default_factory=set)
    tools: dict[str, str] = field(default_factory=dict)  # tool id -> display name

    def empty(self) -> bool:
        return not (self.disciplines or self.context or self.tools)

    def merged(self, other: _Reading) -> _Reading:
        return _Reading(
            self.disciplines | other.disciplines,
            self.context | other.context,
            {**other.tools, **self.tools},  # names already here keep their display
        )

    def touches(self, tools: dict[str, Tool]) -> set[str]:
        """Every discipline this reading points at, directly or through its tools."""
        out = self.disciplines | self.context
        for tool_id in self.tools:
            out |= set(tools[tool_id].disciplines)
        return out


@dataclass
class _Entry:
    base: _Reading = field(default_factory=_Reading)
    ambiguous: list[tuple[str, _Reading]] = field(default_factory=list)  # (display, reading)
    display: str = ""
    discipline_word: bool = False  # a discipline id or short name (may be typed lower-case)


@dataclass(frozen=True)
class _Hit:
    """A tool named in the text; ``own`` are disciplines its own words name."""

    tool_id: str
    shown: str
    mention: _Mention
    own: frozenset[str]


@dataclass
class _Token:
    text: str
    key: str
    clause: int


@dataclass
class _Mention:
    start: int
    end: int
    clause: int
    phrase: str
    entry: _Entry
    negated: bool
    reading: _Reading | None = None


def _words(name: str) -> list[str]:
    return re.findall(r"\w+", clean(name).casefold())


class Lexicon:
    """Every name the taxonomy knows, normalised, built once from the content store."""

    def __init__(self, content: ContentStore) -> None:
        self.tools: dict[str, Tool] = dict(content.tools)
        self._spelling: dict[str, str] = {}
        for group in content.spellings:
            first = group[0].casefold()
            for variant in group[1:]:
                self._spelling[variant.casefold()] = first
        self.entries: dict[str, _Entry] = {}
        for d in content.disciplines.values():
            for name in (d.id, d.short, d.label, *d.synonyms):
                self._entry(name).base.disciplines.add(d.id)
            self._entry(d.id).discipline_word = True
            self._entry(d.short).discipline_word = True
        for tool in content.tools.values():
            for name in (tool.name, *tool.aliases):
                self._entry(name).base.tools.setdefault(tool.id, name)
        claims: dict[str, list[tuple[str, _Reading]]] = {}
        for term in content.terms.values():
            tools = {t: self.tools[t].name for t in term.tools if t in self.tools}
            for name in (term.term, *term.synonyms):
                reading = _Reading(set(), set(term.disciplines), dict(tools))
                if term.ambiguous_with:
                    claims.setdefault(self.key(name), []).append((name, reading))
                else:
                    entry = self._entry(name)
                    entry.base = entry.base.merged(reading)
        self._embedded_disciplines(content)
        for key, readings in claims.items():
            entry = self.entries.setdefault(key, _Entry(display=readings[0][0]))
            if len(readings) == 1:
                entry.base = entry.base.merged(readings[0][1])
            else:
                entry.ambiguous = readings
        self.longest = max(len(k.split()) for k in self.entries)
        self._fuzzy: dict[int, list[str]] = {}
        for key in self.entries:
            if len(key) >= 5 and key not in CAPITALISED:
                self._fuzzy.setdefault(len(key.split()), []).append(key)
        self._first_word = {t.id: _words(t.name)[0] for t in content.tools.values()}

    def _embedded_disciplines(self, content: ContentStore) -> None:
        """A tool name that names a discipline ("Ivanti Neurons for ITSM") names it too."""
        named = {k: e.base.disciplines for k, e in self.entries.items() if e.base.disciplines}
        for tool in content.tools.values():
            for name in (tool.name, *tool.aliases):
                words = self.key(name).split()
                entry = self.entries[" ".join(words)]
                for i in range(len(words)):
                    for j in range(i + 1, len(words) + 1):
                        found = named.get(" ".join(words[i:j]))
                        if found and (i, j) != (0, len(words)):
                            entry.base.disciplines |= found & set(tool.disciplines)

    def key(self, name: str) -> str:
        return " ".join(self._spelling.get(w, w) for w in _words(name))

    def _entry(self, name: str) -> _Entry:
        key = self.key(name)
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = _Entry(display=name)
        return entry

    # ------------------------------------------------------------------ matching

    def tokens(self, text: str) -> list[_Token]:
        out: list[_Token] = []
        clause = 0
        for match in _TOKEN.finditer(clean(text)):
            word = match.group(0)
            low = word.casefold()
            if match.group(0) in ",;!?\n.:" or low in CLAUSE_WORDS:
                clause += 1
                continue
            out.append(_Token(word, self._spelling.get(low, low), clause))
        return out

    def mentions(self, tokens: Sequence[_Token]) -> list[_Mention]:
        """Exact longest matches left to right, then typo-tolerant matches in the gaps."""
        found: list[_Mention] = []
        taken = [False] * len(tokens)
        i = 0
        while i < len(tokens):
            for length in range(min(self.longest, len(tokens) - i), 0, -1):
                span = tokens[i : i + length]
                if span[-1].clause != span[0].clause:
                    continue
                phrase = " ".join(t.key for t in span)
                entry = self.entries.get(phrase)
                if entry is not None and self._case_ok(phrase, span, entry):
                    found.append(self._mention(tokens, i, i + length, phrase, entry))
                    for k in range(i, i + length):
                        taken[k] = True
                    i += length
                    break
            else:
                i += 1
        found += self._fuzzy_mentions(tokens, taken)
        found.sort(key=lambda m: m.start)
        return found

    def tool_named(self, text: str) -> str | None:
        """The catalogue tool ``text`` names as a whole, typos tolerated; ``None`` otherwise."""
        tokens = self.tokens(text)
        found = self.mentions(tokens)
        if len(found) != 1 or (found[0].start, found[0].end) != (0, len(tokens)):
            return None
        tools = found[0].entry.base.tools
        return next(iter(tools)) if len(tools) == 1 else None

    def _case_ok(self, phrase: str, span: Sequence[_Token], entry: _Entry) -> bool:
        first = span[0].text
        if phrase in CAPITALISED:
            return first[0].isupper()
        if len(span) == 1 and len(first) <= 3:
            return first.isupper() or (entry.discipline_word and first.islower())
        return True

    def _mention(
        self, tokens: Sequence[_Token], start: int, end: int, phrase: str, entry: _Entry
    ) -> _Mention:
        clause = tokens[start].clause
        negated = any(t.key in NEGATIONS for t in tokens[:start] if t.clause == clause)
        return _Mention(start, end, clause, phrase, entry, negated)

    def _fuzzy_mentions(self, tokens: Sequence[_Token], taken: list[bool]) -> list[_Mention]:
        found: list[_Mention] = []
        for length in (3, 2, 1):
            candidates = self._fuzzy.get(length, [])
            for i in range(len(tokens) - length + 1):
                span = tokens[i : i + length]
                if any(taken[i : i + length]) or span[-1].clause != span[0].clause:
                    continue
                if span[0].key in NO_FUZZ or span[-1].key in NO_FUZZ:
                    continue
                phrase = " ".join(t.key for t in span)
                limit = allowed_typos(len(phrase))
                if not limit:
                    continue
                best = self._closest(phrase, candidates, limit)
                # a misspelt product name counts only when written like a name ("Flexra")
                if best is None or (self.entries[best].base.tools and span[0].text.islower()):
                    continue
                found.append(self._mention(tokens, i, i + length, best, self.entries[best]))
                for k in range(i, i + length):
                    taken[k] = True
        return found

    @staticmethod
    def _closest(phrase: str, candidates: Iterable[str], limit: int) -> str | None:
        """The one candidate within ``limit`` edits, word by word (short words must match)."""
        words = phrase.split()
        scored = []
        for candidate in candidates:
            other = candidate.split()
            if candidate == phrase or abs(len(candidate) - len(phrase)) > limit:
                continue
            total = 0
            for mine, theirs in zip(words, other, strict=True):
                allowed = allowed_typos(len(theirs))
                found = OSA.distance(mine, theirs, score_cutoff=allowed)
                if found > allowed:
                    total = limit + 1
                    break
                total += found
            if total <= limit:
                scored.append((total, candidate))
        if not scored:
            return None
        scored.sort()
        ties = [c for d, c in scored if d == scored[0][0]]
        return ties[0] if len(ties) == 1 else None

    # ------------------------------------------------------------------ understanding

    def understand(self, text: str) -> Understood | None:
        """Disciplines and tools named in ``text``; ``None`` when it names no discipline."""
        tokens = self.tokens(text)
        mentions = self.mentions(tokens)
        notes: list[str] = []
        self._resolve(mentions, notes)
        hits = self._tools(mentions)
        explicit: dict[str, int] = {}
        for m in mentions:
            if m.reading is not None and not m.negated:
                for d in sorted(m.reading.disciplines):
                    explicit.setdefault(d, m.start)
        attributed = self._attribute(hits, mentions, explicit, notes)
        first_seen = dict(explicit)
        for tool in attributed:
            first_seen.setdefault(tool[0].discipline, tool[1])
        if not first_seen:
            return None
        order = sorted(first_seen, key=lambda d: (first_seen[d], DISCIPLINES.index(d)))
        tools = [t for t, _ in attributed]
        tools.sort(key=lambda t: order.index(t.discipline))
        return Understood(tuple(order), tuple(tools), tuple(dict.fromkeys(notes)))

    def _resolve(self, mentions: list[_Mention], notes: list[str]) -> None:
        """Give each mention one reading; an ambiguous name is read from its clause's context."""

        def context(mention: _Mention, pool: Iterable[_Mention]) -> set[str]:
            out: set[str] = set()
            for other in pool:
                if other is not mention and not other.entry.ambiguous and not other.negated:
                    out |= other.entry.base.touches(self.tools)
            return out

        for m in mentions:
            if not m.entry.ambiguous:
                m.reading = m.entry.base
                continue
            near = context(m, [o for o in mentions if o.clause == m.clause])
            near = near or context(m, mentions)
            fits = [r for _, r in m.entry.ambiguous if r.touches(self.tools) & near]
            base = m.entry.base
            if len(fits) == 1:
                reading = fits[0]
                compatible = base.disciplines <= reading.touches(self.tools)
                m.reading = base.merged(reading) if compatible else reading
            elif base.disciplines:
                m.reading = base
            else:
                names = " or ".join(
                    sorted({self.tools[t].name for _, r in m.entry.ambiguous for t in r.tools})
                )
                notes.append(f"“{m.entry.display}” could mean {names}, so I left it out")

    def _tools(self, mentions: Sequence[_Mention]) -> list[_Hit]:
        """Tools named, with vendor names combined ("ServiceNow … the CMDB")."""
        out: list[_Hit] = []
        previous: list[_Mention] = []
        for clause in sorted({m.clause for m in mentions}):
            inside = [m for m in mentions if m.clause == clause and not m.negated]
            own = [m for m in inside if self._vendor(m)]
            vendors = own or ([] if any(_tools_of(m) for m in inside) else previous)
            combined: set[int] = set()
            for m in inside:
                if any(m is v for v in own):
                    continue
                mine = frozenset(_disciplines_of(m))
                out += [_Hit(tool_id, shown, m, mine) for tool_id, shown in _tools_of(m).items()]
                for vendor in vendors:
                    entry = self.entries.get(f"{vendor.phrase} {m.phrase}")
                    if entry is None or not entry.base.tools:
                        continue
                    combined.add(id(vendor))
                    # "ServiceNow for ITSM" shows as ServiceNow; "ServiceNow … CMDB" by its name
                    named_discipline = not _tools_of(m) and bool(mine)
                    vendor_name = next(iter(_tools_of(vendor).values()))
                    both = mine | entry.base.disciplines
                    for tool_id, shown in entry.base.tools.items():
                        out.append(
                            _Hit(tool_id, vendor_name if named_discipline else shown, m, both)
                        )
            for vendor in own:
                if id(vendor) not in combined:
                    out += [
                        _Hit(self._switch(tool_id, inside), shown, vendor, frozenset())
                        for tool_id, shown in _tools_of(vendor).items()
                    ]
            previous = own or previous
        seen: set[str] = set()
        unique = []
        for hit in out:
            if hit.tool_id not in seen:
                seen.add(hit.tool_id)
                unique.append(hit)
        return unique

    def _vendor(self, m: _Mention) -> bool:
        """A bare vendor name: one word that starts its tool's name ("ServiceNow", "Apptio")."""
        if m.reading is None or len(m.phrase.split()) != 1:
            return False
        return any(self._first_word[t] == m.phrase for t in m.reading.tools)

    def _switch(self, tool_id: str, clause: Sequence[_Mention]) -> str:
        """The vendor's product for the discipline its clause is about ("ServiceNow for SAM")."""
        wanted: set[str] = set()
        for m in clause:
            if m.reading is not None and not m.negated:
                wanted |= m.reading.disciplines | m.reading.context
        tool = self.tools[tool_id]
        if not wanted or set(tool.disciplines) & wanted:
            return tool_id
        word = self._first_word[tool_id]
        for other in self.tools.values():
            same_vendor = self._first_word[other.id] == word
            if same_vendor and other.disciplines and other.disciplines[0] in wanted:
                return other.id
        return tool_id

    def _attribute(
        self,
        hits: Sequence[_Hit],
        mentions: Sequence[_Mention],
        explicit: dict[str, int],
        notes: list[str],
    ) -> list[tuple[PendingTool, int]]:
        """Each tool with the one discipline it serves here.

        A discipline in the tool's own name wins ("Ivanti Neurons for ITSM"); then one its
        clause names that no other tool took ("ServiceNow for ITSM and the CMDB" → ITAM);
        without such context, the discipline of the tools named with it, else its first.
        """
        out: list[tuple[PendingTool, int]] = []
        covered: set[str] = set()
        together: dict[int, set[str]] = {}  # clause -> disciplines its tools went to
        for hit in sorted(hits, key=lambda h: len(self.tools[h.tool_id].disciplines) != 1):
            tool = self.tools[hit.tool_id]
            cands = list(tool.disciplines)
            if not cands:
                notes.append(f"{tool.name} is a FinOps tool rather than one of these disciplines")
                continue
            clause = hit.mention.clause
            near: set[str] = set()
            for m in mentions:
                if m.clause == clause and not m.negated and not _tools_of(m):
                    near |= _disciplines_of(m) | (m.reading.context if m.reading else set())
            options = [c for c in cands if c in hit.own]
            if not options and near:
                options = (
                    [c for c in cands if c in near and c not in covered]
                    or [c for c in cands if c not in covered and c not in explicit]
                    or [c for c in cands if c in near]
                )
            elif not options:
                options = [c for c in cands if c in together.get(clause, set())] or [
                    c for c in cands if c in explicit
                ]
            discipline = (options or cands)[0]
            covered.add(discipline)
            together.setdefault(clause, set()).add(discipline)
            out.append((PendingTool(hit.shown, hit.tool_id, discipline), hit.mention.start))
        out.sort(key=lambda item: item[1])
        return out


def _tools_of(m: _Mention) -> dict[str, str]:
    return m.reading.tools if m.reading is not None else {}


def _disciplines_of(m: _Mention) -> set[str]:
    return m.reading.disciplines if m.reading is not None else set()
