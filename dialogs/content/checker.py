"""The content checker: reads every content file once and reports what is wrong, with lines."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dialogs.content.article import Article, ParsedArticle, parse_article, peek, word_count
from dialogs.content.diagnostic import Diagnostic, Level
from dialogs.content.taxonomy import ParsedTaxonomy, parse_taxonomy
from dialogs.content.yamldoc import YamlDoc, parse_yaml

TAXONOMY_FILE = "taxonomy.yaml"
ARTICLES_DIR = "articles"
LONG_FORM_SUFFIXES = (".overlap", ".first-steps")
LONG_FORM_WORDS = (200, 600)
STALE_AFTER_DAYS = 365
HEADING_WARNING = "chat renderers show them literally; use a line in **bold**"
_HEADING = re.compile(r"^ {0,3}#{1,6}\s")


@dataclass
class Scan:
    """Everything read from a content root, and what was wrong with it (date checks aside)."""

    root: Path
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (display path, bytes)
    taxonomy: ParsedTaxonomy | None = None
    articles: list[ParsedArticle] = field(default_factory=list)
    invalid: list[tuple[str | None, tuple[str, ...]]] = field(default_factory=list)  # id, topics
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def path(self, file: Path) -> str:
        return display_path(self.root, file)

    def report(self, file: Path | str, line: int, message: str, level: Level = "error") -> None:
        where = file if isinstance(file, str) else self.path(file)
        self.diagnostics.append(Diagnostic(where, line, level, message))


@dataclass(frozen=True)
class CheckContext:
    """What an extra checker gets: root, today, the taxonomy (None if invalid), valid articles."""

    root: Path
    today: date
    taxonomy: ParsedTaxonomy | None
    articles: Mapping[str, Article]

    def path(self, file: Path) -> str:
        """How ``file`` is shown in a diagnostic."""
        return display_path(self.root, file)

    def read_yaml(self, file: Path) -> tuple[YamlDoc | None, list[Diagnostic]]:
        """Parse a YAML file; use ``doc.line_of(loc)`` to point diagnostics at keys."""
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return None, [Diagnostic(self.path(file), 1, "error", f"cannot read file: {exc}")]
        doc, problems = parse_yaml(text)
        return doc, [Diagnostic(self.path(file), p.line, "error", p.message) for p in problems]


Checker = Callable[[CheckContext], Iterable[Diagnostic]]

CHECKERS: list[Checker] = []
"""Extra checkers (interview, actions, ...) run by ``check_content``; see ``register_checker``."""


def register_checker(checker: Checker) -> Checker:
    """Add a checker to ``CHECKERS`` (once); usable as a decorator."""
    if checker not in CHECKERS:
        CHECKERS.append(checker)
    return checker


def display_path(root: Path, file: Path) -> str:
    """``file`` relative to the directory holding the content root (the repository root)."""
    try:
        return file.resolve().relative_to(root.resolve().parent).as_posix()
    except ValueError:
        return file.as_posix()


def check_content(
    root: Path, today: date, checkers: Sequence[Checker] | None = None
) -> list[Diagnostic]:
    """Every problem in the content store under ``root``, sorted by file and line."""
    scan = scan_content(root)
    found = list(scan.diagnostics)
    found += _dates(scan, today)
    articles = {p.meta.id: p.article() for p in scan.articles}
    context = CheckContext(root, today, scan.taxonomy, articles)
    for checker in CHECKERS if checkers is None else checkers:
        found += checker(context)
    return sorted(found)


def scan_content(root: Path) -> Scan:
    """Read and check the taxonomy and every article (all checks that do not need a date)."""
    scan = Scan(root)
    _read_taxonomy(scan)
    _read_articles(scan)
    _check_articles(scan)
    _check_coverage(scan)
    return scan


def _read(scan: Scan, file: Path) -> str | None:
    try:
        data = file.read_bytes()
    except OSError as exc:
        scan.report(file, 1, f"cannot read file: {exc.strerror or exc}")
        return None
    scan.files.append((scan.path(file), data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        scan.report(file, 1, "file is not valid UTF-8")
        return None


def _read_taxonomy(scan: Scan) -> None:
    file = scan.root / TAXONOMY_FILE
    if not file.is_file():
        scan.report(file, 1, "taxonomy file is missing")
        return
    text = _read(scan, file)
    if text is None:
        return
    scan.taxonomy, problems = parse_taxonomy(text)
    for line, message in problems:
        scan.report(file, line, message)


def _read_articles(scan: Scan) -> None:
    folder = scan.root / ARTICLES_DIR
    for file in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        if file.parent.parent != folder:
            scan.report(file, 1, "articles must be at articles/<folder>/<id>.md")
            continue
        text = _read(scan, file)
        if text is None:
            continue
        parsed, problems = parse_article(text, scan.path(file))
        for line, message in problems:
            scan.report(file, line, message)
        if parsed is not None:
            scan.articles.append(parsed)
        else:
            scan.invalid.append(peek(text))


def _check_articles(scan: Scan) -> None:
    """Checks that need more than one file: ids, names, taxonomy references, related links."""
    first_path: dict[str, str] = {}
    for parsed in scan.articles:
        meta, doc = parsed.meta, parsed.front
        stem = Path(parsed.path).name.removesuffix(".md")
        if meta.id != stem:
            message = f"id '{meta.id}' does not match the file name '{stem}.md'"
            scan.report(parsed.path, doc.line_of(("id",)), message)
        if meta.id in first_path:
            message = f"duplicate article id '{meta.id}' (also in {first_path[meta.id]})"
            scan.report(parsed.path, doc.line_of(("id",)), message)
        first_path.setdefault(meta.id, parsed.path)
    known = set(first_path) | {found for found, _ in scan.invalid if found}
    for parsed in scan.articles:
        for loc, message in _references(parsed, scan.taxonomy, known):
            scan.report(parsed.path, parsed.front.line_of(loc), message)
        for message in _body(parsed):
            scan.report(parsed.path, parsed.body_line, message)
        headings = list(_headings(parsed))
        if headings:
            message = f"{len(headings)} Markdown heading(s), first here: {HEADING_WARNING}"
            scan.report(parsed.path, headings[0], message, "warning")


def _references(
    parsed: ParsedArticle, taxonomy: ParsedTaxonomy | None, article_ids: set[str]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    meta = parsed.meta
    if taxonomy is not None:
        topics = {t.id for t in taxonomy.model.topics}
        disciplines = {d.id for d in taxonomy.model.disciplines}
        for i, topic in enumerate(meta.topics):
            if topic not in topics:
                yield ("topics", i), f"unknown topic '{topic}'"
        for i, discipline in enumerate(meta.disciplines):
            if discipline not in disciplines:
                yield ("disciplines", i), f"unknown discipline '{discipline}'"
    for i, related in enumerate(meta.related):
        if related == meta.id:
            yield ("related", i), "an article cannot be related to itself"
        elif related not in article_ids:
            yield ("related", i), f"related article '{related}' does not exist"


def _body(parsed: ParsedArticle) -> Iterator[str]:
    words = word_count(parsed.body)
    low, high = LONG_FORM_WORDS
    if words == 0:
        yield "the body is empty"
    elif parsed.meta.id.endswith(LONG_FORM_SUFFIXES) and not low <= words <= high:
        yield f"body has {words} words; overlap and first-steps articles need {low}-{high}"


def _headings(parsed: ParsedArticle) -> Iterator[int]:
    """Lines of Markdown headings, which chat renderers show literally."""
    for i, line in enumerate(parsed.body.splitlines()):
        if _HEADING.match(line):
            yield parsed.body_line + i


def _check_coverage(scan: Scan) -> None:
    """Required topics must be listed by at least one article (reported against the taxonomy)."""
    if scan.taxonomy is None:
        return
    covered = {topic for parsed in scan.articles for topic in parsed.meta.topics}
    covered |= {topic for _, topics in scan.invalid for topic in topics}
    lines = {t.id: ("topics", i, "id") for i, t in enumerate(scan.taxonomy.model.topics)}
    file = scan.root / TAXONOMY_FILE
    for topic in sorted((scan.taxonomy.required_topics() & lines.keys()) - covered):
        line = scan.taxonomy.doc.line_of(lines[topic])
        scan.report(file, line, f"required topic '{topic}' is not covered by any article")


def _dates(scan: Scan, today: date) -> Iterator[Diagnostic]:
    for parsed in scan.articles:
        reviewed = parsed.meta.reviewed
        line = parsed.front.line_of(("reviewed",))
        age = (today - reviewed).days
        if age < 0:
            message = f"reviewed date {reviewed} is in the future"
            yield Diagnostic(parsed.path, line, "error", message)
        elif age > STALE_AFTER_DAYS:
            message = f"reviewed {age} days ago (limit {STALE_AFTER_DAYS}); review the article"
            yield Diagnostic(parsed.path, line, "warning", message)
