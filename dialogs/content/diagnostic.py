"""Diagnostics: what the content checker reports, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding about a content file: ``path:line: message``."""

    path: str  # relative to the repository root when possible, with forward slashes
    line: int  # 1-based
    level: Level
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """The content store is invalid; ``diagnostics`` lists every error found."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        lines = "\n".join(str(d) for d in self.diagnostics)
        super().__init__(f"content store has {len(self.diagnostics)} error(s):\n{lines}")


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Only the error-level diagnostics."""
    return [d for d in diagnostics if d.level == "error"]
