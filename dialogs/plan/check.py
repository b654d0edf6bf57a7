"""The plan's content checker, run by ``crosswalk content check`` through ``register_checker``.

It reports every problem in the action library with its file and line, checks the references
into the taxonomy (tool ids) and the articles (brief ``article`` ids), and renders every plan
template against a sample plan, so a template that needs a missing variable fails the check
rather than a user's ``plan`` command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from jinja2 import TemplateError, TemplateSyntaxError

from dialogs.content.checker import CheckContext, register_checker
from dialogs.content.diagnostic import Diagnostic, errors
from dialogs.content.taxonomy import fold
from dialogs.plan.builder import Vocabulary, build_plan
from dialogs.plan.diff import diff_plans
from dialogs.plan.document import (
    TEMPLATE_NAMES,
    TEMPLATES_DIR,
    Templates,
    diff_markdown,
    plan_markdown,
    plan_text,
)
from dialogs.plan.library import ActionLibrary, LibraryScan, scan_library
from dialogs.plan.model import PlanView, StoredPlan
from dialogs.profile import DISCIPLINES, DisciplineProfile, Maturity, Profile

SAMPLE_NOW = datetime(2026, 1, 1, tzinfo=UTC)


@register_checker
def check_plan_content(ctx: CheckContext) -> list[Diagnostic]:
    """Every problem in the action library, its references and its templates."""
    scan = scan_library(ctx.root)
    found = list(scan.diagnostics)
    found += _references(ctx, scan)
    if not errors(found):
        found += _templates(ctx, scan.library())
    return found


def _references(ctx: CheckContext, scan: LibraryScan) -> Iterator[Diagnostic]:
    if ctx.taxonomy is not None:
        known = {t.id for t in ctx.taxonomy.model.tools}
        for action_id, action in scan.actions.items():
            for i, tool in enumerate(action.tools):
                if tool not in known:
                    where, line = scan.line_of(action_id, "tools", i)
                    yield Diagnostic(where, line, "error", f"unknown tool '{tool}'")
    if scan.brief_doc is not None:
        where = scan.path(scan.root / "plan" / "disciplines.yaml")
        for discipline, brief in scan.briefs.items():
            if brief.article and brief.article not in ctx.articles:
                line = scan.brief_doc.line_of(("disciplines", discipline, "article"))
                yield Diagnostic(where, line, "error", f"unknown article '{brief.article}'")


def _vocabulary(ctx: CheckContext, library: ActionLibrary) -> Vocabulary:
    labels: dict[str, str] = {d: d.upper() for d in DISCIPLINES}
    names: dict[str, frozenset[str]] = {}
    if ctx.taxonomy is not None:
        labels |= {d.id: d.short for d in ctx.taxonomy.model.disciplines}
        names = {
            t.id: frozenset(fold(n) for n in (t.id, t.name, *t.aliases))
            for t in ctx.taxonomy.model.tools
        }
    asks: dict[str, str] = {}
    for d, brief in library.briefs.items():
        article = ctx.articles.get(brief.article or "")
        if article is not None and article.questions:
            asks[d] = article.questions[0]
    return Vocabulary(labels, names, asks)


def sample_profile() -> Profile:
    """Every discipline at a different level, with user text that must stay inert."""
    levels: tuple[Maturity, ...] = ("crawl", "walk", "run", "unknown")
    return Profile(
        org="Sample <org> *co*",
        finops_maturity="walk",
        priorities=["licensing", "allocation", "free text priority"],
        disciplines={
            d: DisciplineProfile(
                maturity=levels[i % 4],
                tools=["ServiceNow", "<tool>"],
                owner=f"Owner {i} [x](http://e)",
                pain="audit surprises",
            )
            for i, d in enumerate(DISCIPLINES)
        },
        version=1,
    )


def _templates(ctx: CheckContext, library: ActionLibrary) -> Iterator[Diagnostic]:
    folder = ctx.root / TEMPLATES_DIR
    templates = Templates(ctx.root)
    problems = templates.check()
    for name, line, problem in problems:
        yield Diagnostic(ctx.path(folder / name), line, "error", problem)
    if problems:
        return
    vocab = _vocabulary(ctx, library)
    profile = sample_profile()
    earlier = profile.model_copy(
        update={
            "finops_maturity": "crawl",
            "disciplines": {
                d: e.model_copy(update={"maturity": "crawl"})
                for d, e in list(profile.disciplines.items())[1:]
            },
        }
    )
    old = StoredPlan(1, "sample", 1, 1, SAMPLE_NOW, "check", build_plan(earlier, library, vocab))
    plan = StoredPlan(2, "sample", 2, 2, SAMPLE_NOW, "check", build_plan(profile, library, vocab))
    view = PlanView(plan)
    renders: list[tuple[str, Callable[[], str]]] = [
        (TEMPLATE_NAMES[0], lambda: plan_markdown(templates, view, SAMPLE_NOW)),
        (TEMPLATE_NAMES[1], lambda: plan_text(templates, view, SAMPLE_NOW)),
        (TEMPLATE_NAMES[2], lambda: diff_markdown(templates, diff_plans(old, plan, library, None))),
    ]
    for name, render in renders:
        try:
            render()
        except TemplateSyntaxError as exc:
            where = ctx.path(folder / (exc.name or name))
            yield Diagnostic(where, exc.lineno or 1, "error", f"template error: {exc.message}")
        except TemplateError as exc:
            yield Diagnostic(
                ctx.path(folder / name), 1, "error", f"template fails on a sample plan: {exc}"
            )
