"""``content/interview.yaml`` checked by ``crosswalk content check`` and loaded at start-up."""

from __future__ import annotations

from pathlib import Path

from dialogs.content import CheckContext, ContentError, Diagnostic, register_checker
from dialogs.content.checker import display_path
from dialogs.interview.definition import Definition, parse_definition

INTERVIEW_FILE = "interview.yaml"


def diagnostics(root: Path) -> tuple[Definition | None, list[Diagnostic]]:
    """The definition under a content root, or what is wrong with it."""
    file = root / INTERVIEW_FILE
    where = display_path(root, file)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Diagnostic(where, 1, "error", "the interview file is missing")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Diagnostic(where, 1, "error", f"cannot read file: {exc}")]
    definition, problems = parse_definition(text)
    return definition, [Diagnostic(where, line, "error", message) for line, message in problems]


@register_checker
def check_interview(context: CheckContext) -> list[Diagnostic]:
    """The content checker for the interview file."""
    return diagnostics(context.root)[1]


def load_definition(root: Path) -> Definition:
    """The validated interview; ``ContentError`` lists every problem."""
    definition, found = diagnostics(root)
    if definition is None:
        raise ContentError(sorted(found))
    return definition
