"""The taxonomy file: disciplines, topics, terms, tools and spellings, with its own checks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from dialogs.content.models import Taxonomy, error_messages
from dialogs.content.yamldoc import Loc, YamlDoc, parse_yaml

DISCIPLINE_IDS: tuple[str, ...] = (
    "itfm",
    "itam",
    "sam",
    "itsm",
    "security",
    "sustainability",
    "ea",
    "devops",
    "procurement",
)

REQUIRED_TOPICS: frozenset[str] = frozenset(
    {
        "finops.overview",
        "finops.principles",
        "finops.personas",
        "finops.phases",
        "finops.maturity",
        "finops.capabilities",
        "focus",
        "intersecting.overview",
        "intersecting.getting-started",
        "intersecting.kpis",
        "intersecting.data",
        "intersecting.microsoft",
        "bot.help",
        "itfm.tbm",
        "sam.licensing",
        "itsm.tools",
    }
    | {f"{d}.{part}" for d in DISCIPLINE_IDS for part in ("overview", "overlap", "first-steps")}
)


@dataclass(frozen=True)
class ParsedTaxonomy:
    """The validated taxonomy and its YAML positions."""

    model: Taxonomy
    doc: YamlDoc

    def required_topics(self) -> frozenset[str]:
        """Topics every content store must cover: the code floor plus those marked in the data."""
        return REQUIRED_TOPICS | {t.id for t in self.model.topics if t.required}


Problem = tuple[int, str]


def parse_taxonomy(text: str) -> tuple[ParsedTaxonomy | None, list[Problem]]:
    """Validate the taxonomy text; problems come back as (line, message)."""
    doc, yaml_problems = parse_yaml(text)
    found = [(p.line, p.message) for p in yaml_problems]
    if doc is None:
        return None, found
    if not isinstance(doc.data, dict):
        return None, [*found, (1, "the taxonomy must be a YAML mapping")]
    try:
        model = Taxonomy.model_validate(doc.data)
    except ValidationError as exc:
        fields = tuple(Taxonomy.model_fields)
        return None, found + [(doc.line_of(loc), m) for loc, m in error_messages(exc, fields)]
    parsed = ParsedTaxonomy(model, doc)
    return parsed, found + [(doc.line_of(loc), m) for loc, m in _consistency(model)]


def _consistency(tax: Taxonomy) -> Iterator[tuple[Loc, str]]:
    """Cross-references inside the taxonomy: ids exist, are unique, and aliases do not clash."""
    yield from _duplicates("disciplines", "discipline", [d.id for d in tax.disciplines])
    yield from _duplicates("topics", "topic", [t.id for t in tax.topics])
    yield from _duplicates("terms", "term", [t.id for t in tax.terms])
    yield from _duplicates("tools", "tool", [t.id for t in tax.tools])
    disciplines = {d.id for d in tax.disciplines}
    topics = {t.id for t in tax.topics}
    tools = {t.id for t in tax.tools}
    terms = {t.id for t in tax.terms}
    for missing in sorted(set(DISCIPLINE_IDS) - disciplines):
        yield ("disciplines",), f"discipline '{missing}' is missing"
    for missing in sorted(REQUIRED_TOPICS - topics):
        yield ("topics",), f"required topic '{missing}' is missing from the taxonomy"
    for i, topic in enumerate(tax.topics):
        if topic.discipline is not None and topic.discipline not in disciplines:
            yield ("topics", i, "discipline"), f"unknown discipline '{topic.discipline}'"
    for i, term in enumerate(tax.terms):
        yield from _unknown(("terms", i, "topics"), "topic", term.topics, topics)
        yield from _unknown(
            ("terms", i, "disciplines"), "discipline", term.disciplines, disciplines
        )
        yield from _unknown(("terms", i, "tools"), "tool", term.tools, tools)
        yield from _unknown(("terms", i, "ambiguous_with"), "term", term.ambiguous_with, terms)
    for i, tool in enumerate(tax.tools):
        yield from _unknown(
            ("tools", i, "disciplines"), "discipline", tool.disciplines, disciplines
        )
    yield from _clashes(
        "disciplines", "synonyms", [[d.id, d.short, *d.synonyms] for d in tax.disciplines]
    )
    yield from _clashes("tools", "aliases", [[t.id, t.name, *t.aliases] for t in tax.tools])
    yield from _term_clashes(tax)
    yield from _clashes("spellings", None, [list(group) for group in tax.spellings])


def _duplicates(section: str, what: str, ids: Sequence[str]) -> Iterator[tuple[Loc, str]]:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            yield (section, i, "id"), f"duplicate {what} id '{value}'"
        seen.add(value)


def _unknown(
    loc: Loc, what: str, values: Iterable[str], known: set[str]
) -> Iterator[tuple[Loc, str]]:
    for j, value in enumerate(values):
        if value not in known:
            yield (*loc, j), f"unknown {what} '{value}'"


def fold(name: str) -> str:
    """How names are compared: case-insensitive, whitespace collapsed."""
    return " ".join(name.casefold().split())


def _clashes(
    section: str, key: str | None, groups: Sequence[Sequence[str]]
) -> Iterator[tuple[Loc, str]]:
    """Names shared by two entries of one section (each entry's own repeats are fine)."""
    owner: dict[str, int] = {}
    for i, names in enumerate(groups):
        for name in dict.fromkeys(fold(n) for n in names):
            if name in owner and owner[name] != i:
                loc: Loc = (section, i, key) if key else (section, i)
                yield loc, f"'{name}' is used by two {section} entries; names must be unambiguous"
            owner.setdefault(name, i)


def _term_clashes(tax: Taxonomy) -> Iterator[tuple[Loc, str]]:
    """Terms may share a name only when they list each other in ``ambiguous_with``."""
    owners: dict[str, list[int]] = {}
    for i, term in enumerate(tax.terms):
        for name in dict.fromkeys(fold(n) for n in (term.term, *term.synonyms)):
            owners.setdefault(name, []).append(i)
    for name, indexes in owners.items():
        for later in indexes[1:]:
            for earlier in indexes[: indexes.index(later)]:
                a, b = tax.terms[earlier], tax.terms[later]
                if b.id not in a.ambiguous_with or a.id not in b.ambiguous_with:
                    yield (
                        ("terms", later, "term"),
                        f"'{name}' is shared by terms '{a.id}' and '{b.id}'; "
                        "list each in the other's ambiguous_with",
                    )
