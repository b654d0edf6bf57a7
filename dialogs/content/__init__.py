"""The content store: curated articles and the taxonomy, loaded, validated and checked."""

from dialogs.content.article import Article, word_count
from dialogs.content.checker import (
    CHECKERS,
    CheckContext,
    Checker,
    check_content,
    register_checker,
)
from dialogs.content.diagnostic import ContentError, Diagnostic, Level
from dialogs.content.models import (
    ArticleMeta,
    Discipline,
    Maturity,
    Source,
    Taxonomy,
    Term,
    Tool,
    ToolKind,
    Topic,
)
from dialogs.content.stats import ContentStats, Stat, content_stats
from dialogs.content.store import ContentStore, load_content
from dialogs.content.taxonomy import DISCIPLINE_IDS, REQUIRED_TOPICS, ParsedTaxonomy, fold
from dialogs.content.yamldoc import YamlDoc

__all__ = [
    "CHECKERS",
    "DISCIPLINE_IDS",
    "REQUIRED_TOPICS",
    "Article",
    "ArticleMeta",
    "CheckContext",
    "Checker",
    "ContentError",
    "ContentStats",
    "ContentStore",
    "Diagnostic",
    "Discipline",
    "Level",
    "Maturity",
    "ParsedTaxonomy",
    "Source",
    "Stat",
    "Taxonomy",
    "Term",
    "Tool",
    "ToolKind",
    "Topic",
    "YamlDoc",
    "check_content",
    "content_stats",
    "fold",
    "load_content",
    "register_checker",
    "word_count",
]
