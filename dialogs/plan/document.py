"""The plan and its diff as documents, from the Jinja2 templates in ``content/templates/``.

Templates run with ``StrictUndefined``. Every ``{{ value }}`` goes through ``finalize``: our own
strings are passed in as ``Trusted`` and printed as they are; anything else is user text and is
wrapped with ``user()``, so the Markdown output escapes it and it can never format, link or
mention. Numbers print as numbers.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)

from dialogs.plan.diff import DiffItem, PlanDiff
from dialogs.plan.model import PlannedAction, PlanView
from dialogs.plan.present import (
    CROSS_TITLE,
    by_horizon,
    day,
    disciplines_phrase,
    horizon_label,
    notes,
    owner_text,
    priority_labels,
    progress,
    section_label,
    status_text,
    top_actions,
)
from dialogs.text import Trusted, strip_markdown, to_markdown, user

TEMPLATES_DIR = "templates"
PLAN_MD = "plan.md.j2"
PLAN_TEXT = "plan.txt.j2"
DIFF = "diff.md.j2"
TEMPLATE_NAMES = (PLAN_MD, PLAN_TEXT, DIFF)
TEXT_WIDTH = 100
_MARKER = re.compile(
    r"^(?:[-*] |\d{1,3}\. |(?:Why now|Pain point|Priorities|Overlap|Owner|Tools): )"
)


def finalize(value: object) -> str:
    """Jinja's finalize: trusted strings as they are, numbers as digits, the rest as user text."""
    if isinstance(value, Trusted):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None:
        return ""
    return user(value)


class Templates:
    """The plan templates of one content root."""

    def __init__(self, root: Path) -> None:
        # Markdown and plain text, not HTML: user text is made inert by ``finalize``.
        self.env = Environment(
            loader=FileSystemLoader(root / TEMPLATES_DIR),
            undefined=StrictUndefined,
            finalize=finalize,
            autoescape=False,  # noqa: S701
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, name: str, context: dict[str, Any]) -> str:
        return self.env.get_template(name).render(context)

    def check(self) -> list[tuple[str, int, str]]:
        """Templates that are missing or do not compile: (file name, line, problem)."""
        problems: list[tuple[str, int, str]] = []
        for name in TEMPLATE_NAMES:
            try:
                self.env.get_template(name)
            except TemplateSyntaxError as exc:
                problems.append(
                    (exc.name or name, exc.lineno or 1, f"template error: {exc.message}")
                )
            except TemplateError as exc:
                problems.append((name, 1, f"{exc.__class__.__name__}: {exc}"))
        return problems


def plan_markdown(templates: Templates, view: PlanView, now: datetime) -> str:
    """The plan as a Markdown file: user text escaped."""
    return _spaced(_tidy(to_markdown(templates.render(PLAN_MD, plan_context(view, now)))))


def plan_text(templates: Templates, view: PlanView, now: datetime) -> str:
    """The plan as plain text: our markup stripped, user text as written."""
    context = plan_context(view, now)
    context["org_upper"] = view.doc.org.upper()
    context["shared_title_upper"] = Trusted(CROSS_TITLE.upper())
    for d in context["disciplines"]:
        d["label_upper"] = Trusted(str(d["label"]).upper())
    return _wrapped(_tidy(strip_markdown(templates.render(PLAN_TEXT, context))))


def diff_markdown(templates: Templates, diff: PlanDiff) -> str:
    """The diff in our Markdown subset with user marks (render with ``to_markdown`` or strip)."""
    return _tidy(templates.render(DIFF, diff_context(diff)))


def _spaced(markdown: str) -> str:
    """A blank line around every heading, which Jinja's whitespace control tends to eat."""
    out: list[str] = []
    for line in markdown.split("\n"):
        heading = line.startswith("#")
        if heading and out and out[-1]:
            out.append("")
        if out and out[-1].startswith("#") and line:
            out.append("")
        out.append(line)
    return "\n".join(out)


def _wrapped(text: str) -> str:
    """Lines wrapped to ``TEXT_WIDTH``, continuing under their indent or list marker."""
    out: list[str] = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        indent = line[: len(line) - len(body)]
        marker = _MARKER.match(body)
        hang = indent + " " * (len(marker[0]) if marker else 0)
        out += textwrap.wrap(
            line,
            TEXT_WIDTH,
            subsequent_indent=hang,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return "\n".join(out)


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


# --------------------------------------------------------------------------- contexts


def _t(value: str) -> Trusted:
    return Trusted(value)


def plan_context(view: PlanView, now: datetime) -> dict[str, Any]:
    """Everything the plan templates may print; trusted text is marked ``Trusted``."""
    doc, plan = view.doc, view.plan
    posted = view.last_posting
    return {
        "org": doc.org,
        "version": plan.version,
        "profile_version": plan.profile_version,
        "generated": _t(day(plan.created_at)),
        "finops_maturity": _t(doc.finops_maturity),
        "teams": _t(disciplines_phrase(view)),
        "progress": _t(progress(view)),
        "priorities": [_t(p) for p in priority_labels(view)],
        "partial": doc.partial,
        "gaps": [_t(g) for g in doc.gaps],
        "last_posted": _t(f"{day(posted.at)} (version {posted.version})") if posted else None,
        "top": [_action(view, a, now) for a in top_actions(view, now)],
        "horizons": [
            {"label": _t(horizon_label(days)), "actions": [_action(view, a, now) for a in acts]}
            for days, acts in by_horizon(view)
        ],
        "shared_title": _t(CROSS_TITLE),
        "shared": [_action(view, a, now) for a in doc.cross_cutting],
        "disciplines": [
            {
                "label": _t(d.label),
                "maturity": _t(d.maturity),
                "level": _t(d.level),
                "owner": d.owner if d.owner else _t("not named yet"),
                "tools": list(d.tools),
                "pain": d.pain,
                "overlap": _t(d.overlap),
                "shared_data": [_t(s) for s in d.shared_data],
                "stakeholders": [
                    {"name": s.name if s.from_profile else _t(s.name), "role": _t(s.role)}
                    for s in d.stakeholders
                ],
                "actions": [_action(view, a, now) for a in d.actions],
                "kpis": [
                    {"name": _t(k.name), "formula": _t(k.formula), "target": _t(k.target)}
                    for k in d.kpis
                ],
            }
            for d in doc.disciplines
        ],
        "notes": [_t(n) for n in notes(view)],
    }


def _action(view: PlanView, a: PlannedAction, now: datetime) -> dict[str, Any]:
    return {
        "n": a.n,
        "title": _t(a.title),
        "summary": _t(a.summary),
        "why": _t(a.why),
        "horizon": a.horizon_days,
        "owner": _t(owner_text(view, a)),
        "status": _t(status_text(view, a, now)),
        "kpi": _t(a.kpi_name),
        "section": _t(section_label(view, a)),
        "source": _t(a.source),
        "source_host": _t(urlsplit(a.source).hostname or a.source),
    }


def diff_context(diff: PlanDiff) -> dict[str, Any]:
    return {
        "org": diff.org,
        "old_version": diff.old_version if diff.old_version is not None else _t("none"),
        "new_version": diff.new_version,
        "basis": _t(diff.basis),
        "changed": diff.changed,
        "first": diff.old_version is None,
        "maturity": [_t(m) for m in diff.maturity],
        "added": _items(diff.added),
        "dropped": _items(diff.dropped),
        "moved": _items(diff.moved),
    }


def _items(items: Sequence[DiffItem]) -> list[dict[str, Any]]:
    return [
        {
            "n": i.n,
            "id": _t(i.id),
            "title": _t(i.title),
            "section": _t(i.section),
            "horizon": i.horizon_days,
            "reason": _t(i.detail),
            "change": _t(i.detail),
        }
        for i in items
    ]
