"""Plan versions compared: new, dropped and re-prioritised actions, maturity changes."""

from __future__ import annotations

from dataclasses import replace

from dialogs.plan import build_plan, diff_markdown, diff_plans
from dialogs.plan.diff import basis
from dialogs.plan.export import diff_json
from dialogs.plan.library import ActionLibrary
from dialogs.plan.model import Posting, StoredPlan
from dialogs.profile import DisciplineProfile
from dialogs.text import strip_markdown
from tests.plan.helpers import NOW, check_golden, kit, profile, templates


def stored(plan_id: int, version: int, prof_name: str = "sample", **changes: object) -> StoredPlan:
    p = profile(prof_name).model_copy(update=changes)
    return StoredPlan(plan_id, "acme", version, version, NOW, "t",
                      build_plan(p, kit().library, kit().vocab))


def test_first_version_has_nothing_to_compare() -> None:
    new = stored(1, 1)
    found = diff_plans(None, new, kit().library, None)
    assert not found.changed and "first plan" in found.basis


def test_maturity_changes_new_dropped_and_moved() -> None:
    old = stored(1, 1)
    sample = profile("sample")
    disciplines = dict(sample.disciplines)
    disciplines["sam"] = disciplines["sam"].model_copy(update={"maturity": "walk"})
    disciplines["ea"] = DisciplineProfile(maturity="crawl", owner="Tom")
    del disciplines["itam"]
    new = stored(2, 2, disciplines=disciplines)
    found = diff_plans(old, new, kit().library, None)
    assert found.changed
    assert "SAM: crawl → walk" in found.maturity
    assert "EA: added (crawl)" in found.maturity
    assert "ITAM: removed from the profile" in found.maturity
    assert any(i.id.startswith("ea.") for i in found.added)
    reasons = {i.id: i.detail for i in found.dropped}
    assert reasons["itam.inventory-reconcile"] == "ITAM is no longer in the profile"
    assert reasons["sam.licensed-resources"] == "written for crawl; SAM is now planned at walk"
    assert found.moved and all(i.detail for i in found.moved)
    assert "No plan has been posted yet" in found.basis
    text = diff_markdown(templates(), found)
    check_golden("diff", "sample_changed.md", text)
    data = diff_json(found)
    assert data["from_version"] == 1 and data["to_version"] == 2 and data["changed"]
    assert set(data) == {"org", "from_version", "to_version", "basis", "changed",
                         "maturity_changes", "added", "dropped", "reprioritised"}


def test_an_action_gone_from_the_library_is_reported_as_such() -> None:
    old = stored(1, 1)
    library = kit().library
    actions = {k: v for k, v in library.actions.items() if k != "sam.licensed-resources"}
    smaller = ActionLibrary(actions, library.kpis, library.briefs, "smaller")
    new_doc = build_plan(profile("sample"), smaller, kit().vocab)
    new = StoredPlan(2, "acme", 2, 1, NOW, "t", new_doc)
    found = diff_plans(old, new, smaller, None)
    reasons = {i.id: i.detail for i in found.dropped}
    assert reasons["sam.licensed-resources"] == "no longer in Crosswalk's action library"


def test_basis_names_the_last_posting() -> None:
    old, new = stored(1, 1), stored(2, 2)
    posting = Posting(1, 1, "slack", "C1", "channel", "#finops", "u1", NOW)
    assert basis(old, new, posting) == (
        "Compared with version 1, the plan last posted (27 Nov 2026 to #finops).")
    same = basis(new, new, replace(posting, plan_id=2, version=2))
    assert "nothing changed since" in same


def test_user_text_in_a_diff_stays_inert() -> None:
    old = stored(1, 1, "injection")
    new = stored(2, 2, "injection", finops_maturity="walk")
    text = diff_markdown(templates(), diff_plans(old, new, kit().library, None))
    assert "<!channel>" in strip_markdown(text)  # verbatim in plain text …
    from dialogs.text import to_markdown

    assert "<!channel>" not in to_markdown(text)  # … escaped in Markdown
