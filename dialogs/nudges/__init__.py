"""Weekly alignment nudges: the schedule rules, the nudge itself and the ``nudge`` feature."""

from dialogs.nudges.cadence import DAYS, Rule, local_text, next_run, resolve, runs_between
from dialogs.nudges.compose import Nudge, Tip, compose, pick_tip
from dialogs.nudges.feature import NudgeFeature, status_line
from dialogs.nudges.model import (
    DELIVERY_STATES,
    FINAL_STATES,
    STATUSES,
    Change,
    DeliveryState,
    LastDelivery,
    Status,
    Subscription,
)
from dialogs.nudges.ports import (
    MarkResult,
    NudgeData,
    PlanAction,
    PlanSnapshot,
    PlanView,
)
from dialogs.nudges.rules import (
    RuleError,
    SubscribeRequest,
    parse_subscribe,
    parse_until,
    zone_name,
)

__all__ = [
    "DAYS",
    "DELIVERY_STATES",
    "FINAL_STATES",
    "STATUSES",
    "Change",
    "DeliveryState",
    "LastDelivery",
    "MarkResult",
    "Nudge",
    "NudgeData",
    "NudgeFeature",
    "PlanAction",
    "PlanSnapshot",
    "PlanView",
    "Rule",
    "RuleError",
    "Status",
    "SubscribeRequest",
    "Subscription",
    "Tip",
    "compose",
    "local_text",
    "next_run",
    "parse_subscribe",
    "parse_until",
    "pick_tip",
    "resolve",
    "runs_between",
    "status_line",
    "zone_name",
]
