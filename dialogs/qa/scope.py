"""Out of scope: helpdesk and operational requests that use our words but ask for something else.

"Reset my password in ServiceNow" names a tool the content covers, so retrieval finds the
ServiceNow article with a good score; but the user wants a service-desk action, not how FinOps
meets ITSM. A question is *operational* when it has a helpdesk cue (passwords, access, tickets,
outages, installing or configuring things) and no cue that it is about FinOps at all (cost,
spend, value, allocation, integration...). Such a question is abstained on whatever the
retrieval score (``QaService.decide``), with confidence 0.

Both lists are data: extend them rather than adding rules. Cues are matched on the words as
typed (the speller would turn "reset" into a corpus word) and as corrected.
"""

from __future__ import annotations

from collections.abc import Sequence

from dialogs.qa.analysis import Analyzer
from dialogs.qa.cues import Cues

OPERATIONAL: tuple[str, ...] = (
    # accounts and access
    "password", "passwords", "passcode", "reset my", "forgot", "forgotten", "locked out",
    "unlock", "log in", "login", "log on", "sign in", "cant access", "cannot access",
    "give me access", "grant me access", "request access", "access to my", "admin rights",
    "permissions", "mfa", "2fa", "authenticator", "sso", "vpn", "wifi", "wi fi",
    # devices and desktop software
    "laptop", "desktop", "printer", "headset", "headsets", "keyboard", "mouse", "webcam",
    "camera", "my phone", "new phone", "new monitor", "second monitor", "install",
    "installing", "uninstall", "reinstall", "upgrade", "download", "email signature",
    "outlook", "onedrive", "sharepoint",
    # incidents and fixes
    "outage", "is down", "down right now", "not working", "doesnt work", "stopped working",
    "broken", "crashed", "crashing", "freezing", "keeps freezing", "error", "errors",
    "error message", "bug", "troubleshoot", "fix my", "restore", "deleted file", "expired",
    "has expired", "renew my",
    # tickets and requests
    "raise a ticket", "open a ticket", "log a ticket", "create a ticket", "my ticket",
    "ticket status", "status of", "support case", "open a case", "create a change",
    "raise a change", "approve my", "request a new", "configure", "configuring",
    "set up my", "add a field", "add a new field", "record for server", "on call",
    # the office and HR
    "annual leave", "book leave", "payslip", "payroll", "expense claim", "refund",
    "meeting room", "canteen", "lunch",
)
"""Phrases of helpdesk and operational requests."""

ON_TOPIC: tuple[str, ...] = (
    "finops", "cost", "costs", "costing", "spend", "spending", "bill", "billing", "invoice",
    "invoices", "budget", "budgets", "budgeting", "forecast", "forecasts", "forecasting",
    "saving", "savings", "value", "price", "pricing", "chargeback", "showback", "allocation",
    "allocate", "tag", "tags", "tagging", "commitment", "commitments", "reservation",
    "reservations", "unit economics", "kpi", "metric", "metrics", "carbon", "emissions",
    "waste", "optimise", "optimisation", "rightsize", "rightsizing", "focus", "tbm", "money",
    "financial", "finance", "roi", "tco", "overlap", "relate", "align", "alignment",
    "integrate", "integration", "crosswalk", "interview", "plan", "nudge", "nudges",
)
"""Words that show a question is about FinOps, cost, value or working across disciplines."""


class Scope:
    """Tells operational requests from questions about FinOps."""

    def __init__(
        self,
        analyzer: Analyzer,
        operational: Sequence[str] = OPERATIONAL,
        on_topic: Sequence[str] = ON_TOPIC,
    ) -> None:
        self._operational = Cues(operational, analyzer)
        self._on_topic = Cues(on_topic, analyzer)

    def operational(self, *texts: Sequence[str]) -> bool:
        """A helpdesk cue in the words (as typed or corrected) and nothing about FinOps."""
        if any(self._on_topic.found(words) for words in texts):
            return False
        return any(self._operational.found(words) for words in texts)
