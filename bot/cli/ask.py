"""``crosswalk ask``: answer questions from the curated content, for people and scripts.

No database, no SDK, no aiohttp: content, the cached index, an answer. The JSON contract is in
docs/qa.md.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from bot.cli.common import fail, load


@click.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
def ask(question: str | None, as_json: bool) -> None:
    """Answer QUESTION; without it, read questions from stdin (one per line, JSON lines out)."""
    service = _service()
    if question is None:
        for line in sys.stdin:
            text = line.strip()
            if text:
                _print_json(service.ask(text).as_json())
        return
    outcome = service.ask(question)
    if as_json:
        _print_json(outcome.as_json())
        return
    from bot.console.render import render
    from dialogs.messages import Post
    from dialogs.qa.replies import replies

    for message in replies(outcome):
        if not isinstance(message, Post):
            click.echo(render(message).rstrip() + "\n")
    if outcome.kind in ("answer", "clarify", "abstain"):
        click.echo(f"(confidence {outcome.confidence:.2f})")


def _service() -> Any:
    from bot.compose import QA_CACHE_DIR, content_dir
    from dialogs.content import ContentError, load_content
    from dialogs.qa import Policy, QaService, load_index

    settings = load()
    try:
        content = load_content(content_dir(settings))
    except ContentError as exc:
        fail(f"content has {len(exc.diagnostics)} error(s); run `crosswalk content check`")
    except OSError as exc:
        fail(f"cannot read the content: {exc.strerror or exc}")
    index = load_index(content, QA_CACHE_DIR)
    return QaService(index, Policy(threshold=settings.qa_threshold))


def _print_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
