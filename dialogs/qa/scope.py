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
    "password", "passwords", "passcode", "reset my", "forgot my", "forgotten my",
    "locked out", "unlock", "log in", "login", "log on", "sign in", "cant access",
    "cannot access", "give me access", "grant me access", "request access", "access to my",
    "admin rights", "permissions", "mfa", "2fa", "authenticator", "sso", "vpn", "wifi",
    "wi fi", "licence key", "license key", "product key", "activation code", "url",
    # devices and desktop software
    "laptop", "desktop", "printer", "headset", "headsets", "keyboard", "mouse", "webcam",
    "camera", "my phone", "new phone", "new monitor", "second monitor", "install",
    "installing", "uninstall", "reinstall", "email signature", "outlook", "onedrive",
    "sharepoint", "change my", "update my", "new starter", "new joiner", "leaver",
    # incidents and fixes
    "outage", "is down", "down right now", "stopped working", "crashed", "crashing",
    "freezing", "error", "errors", "error message", "bug", "troubleshoot", "fix my",
    "restore", "deleted file", "renew my",
    # tickets and requests
    "raise a ticket", "open a ticket", "log a ticket", "create a ticket", "submit a ticket",
    "my ticket", "ticket status", "status of my", "status of incident", "status of ticket",
    "status of the incident", "status of the ticket", "support case", "open a case",
    "create a change", "raise a change", "raise an incident", "log an incident",
    "open an incident", "create an incident", "submit a request", "service request",
    "approve my", "request a new", "how do i request", "how can i request",
    "where do i request", "i need a new", "i need access", "configure", "configuring",
    "set up my", "add a field", "add a new field", "record for server", "on call",
    # the office, HR, careers and events
    "annual leave", "book leave", "payslip", "payroll", "expense claim", "refund",
    "meeting room", "canteen", "lunch", "opening hours", "phone number", "certification",
    "certified", "exam", "training course", "online course", "salary", "conference",
    "webinar", "free trial",
)
"""Phrases of helpdesk and operational requests, and of things around the job (courses,
conferences, vendor trials) that no article is about."""

LOOKUP: tuple[str, ...] = (
    "how much did we", "how much have we", "how much are we spending", "what was our",
    "what is our current", "so far this month", "so far this year", "year to date",
    "list our", "list all our", "list of our", "run a report", "how many * do we have",
    "how many * do we own", "account number", "subscription id", "tenant id", "who is our",
    "who are our", "who our", "who is my", "who my", "when does our", "when is our",
)
"""Phrases of questions about the organisation's own data and people, which Crosswalk cannot
see. Kept to phrases that only a lookup uses: "last month" also starts chatty real questions."""

ON_TOPIC: tuple[str, ...] = (
    "cost", "costs", "costing", "spend", "spending", "bill", "billing", "invoice",
    "invoices", "budget", "budgets", "budgeting", "forecast", "forecasts", "forecasting",
    "saving", "savings", "value", "price", "pricing", "chargeback", "showback", "allocation",
    "allocate", "tag", "tags", "tagging", "commitment", "commitments", "reservation",
    "reservations", "unit economics", "kpi", "metric", "metrics", "carbon", "emissions",
    "waste", "optimise", "optimisation", "rightsize", "rightsizing", "focus", "tbm", "money",
    "financial", "finance", "roi", "tco", "overlap", "relate", "align", "alignment",
    "integrate", "integration", "crosswalk", "interview", "plan", "nudge", "nudges",
    "reminder", "reminders", "profile", "command", "commands",
)
"""Words that show a question is about FinOps, cost, value or working across disciplines."""


class Scope:
    """Tells operational requests from questions about FinOps."""

    def __init__(
        self,
        analyzer: Analyzer,
        operational: Sequence[str] = OPERATIONAL,
        on_topic: Sequence[str] = ON_TOPIC,
        lookup: Sequence[str] = LOOKUP,
    ) -> None:
        self._operational = Cues(operational, analyzer)
        self._on_topic = Cues(on_topic, analyzer)
        self._lookup = Cues(lookup, analyzer)

    def operational(self, *texts: Sequence[str]) -> bool:
        """A lookup of the organisation's data, or a helpdesk cue and nothing about FinOps."""
        if self._lookup.found(*texts):
            return True
        return self._operational.found(*texts) and not self._on_topic.found(*texts)
