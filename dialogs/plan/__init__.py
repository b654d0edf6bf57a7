"""The alignment plan: action library, prioritiser, builder, versions, statuses and rendering.

Importing this package registers the plan's content checker (``dialogs.plan.check``).
"""

from dialogs.plan import check as _check  # noqa: F401  (registers the content checker)
from dialogs.plan.builder import Vocabulary, build_plan
from dialogs.plan.diff import PlanDiff, diff_plans
from dialogs.plan.document import Templates, diff_markdown, plan_markdown, plan_text
from dialogs.plan.export import diff_json, plan_json
from dialogs.plan.feature import PlanFeature
from dialogs.plan.library import ActionLibrary, ActionSpec, load_library
from dialogs.plan.messages import followups, plan_card, plan_messages, summary_card
from dialogs.plan.model import ActionState, PlanDoc, PlannedAction, PlanView, Posting, StoredPlan
from dialogs.plan.ports import PlanData, ProfileSource
from dialogs.plan.service import (
    PlanKit,
    change_owner,
    change_status,
    current_plan,
    load_kit,
    plan_diff,
    view_of,
)
from dialogs.plan.status import VERBS, Verb, resolve

__all__ = [
    "VERBS",
    "ActionLibrary",
    "ActionSpec",
    "ActionState",
    "PlanData",
    "PlanDiff",
    "PlanDoc",
    "PlanFeature",
    "PlanKit",
    "PlanView",
    "PlannedAction",
    "Posting",
    "ProfileSource",
    "StoredPlan",
    "Templates",
    "Verb",
    "Vocabulary",
    "build_plan",
    "change_owner",
    "change_status",
    "current_plan",
    "diff_json",
    "diff_markdown",
    "diff_plans",
    "followups",
    "load_kit",
    "load_library",
    "plan_card",
    "plan_diff",
    "plan_json",
    "plan_markdown",
    "plan_messages",
    "plan_text",
    "resolve",
    "summary_card",
    "view_of",
]
