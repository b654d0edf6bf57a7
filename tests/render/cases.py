"""One example of every outbound type, shared by the golden tests of every target."""

from __future__ import annotations

from dialogs.messages import (
    Action,
    Card,
    Choices,
    Fact,
    Form,
    FormField,
    Link,
    Option,
    Outbound,
    Section,
    Text,
    Token,
)
from dialogs.text import user

TOKEN = Token("interview:42", "owner_role", 3)
INJECTIONS = ("<!channel>", "<@U123>", "*bold*", "[x](http://e)", "</script>")

TOOLS = ("AWS", "Azure", "GCP", "Oracle", "IBM", "Alibaba", "Snowflake", "Databricks")
ROLES = (
    "Finance lead",
    "Engineering lead",
    "Product owner",
    "Procurement",
    "IT asset manager",
    "Security",
    "Architecture",
    "Service owner",
    "CFO office",
    "Platform team",
    "Data team",
    "Operations",
    "Vendor management",
    "Leadership",
)

CASES: dict[str, Outbound] = {
    "text": Text(
        "Welcome to **Crosswalk**. It maps _FinOps_ to the frameworks you run, "
        "such as `ITIL 4` and [TBM](https://www.tbmcouncil.org/).\n"
        "A second line of the same paragraph.\n\n"
        "- ask a question\n- start an interview\n\n"
        "3. three\n4. four"
    ),
    "text_user": Text(
        f"Thanks, **{user('Sam O’Neil')}**. Your tool {user('Cost <Explorer> & co')} is saved.\n\n"
        f"- owner: {user('finops@example.com')}\n- note: _{user('*really* cheap')}_"
    ),
    "single_few": Choices(
        prompt="Who owns the **cloud budget**?",
        options=(
            Option("finance", "Finance", "The finance team sets it"),
            Option("engineering", "Engineering"),
            Option("other", user("Shared <team>")),
        ),
        token=TOKEN,
        selected=("engineering",),
    ),
    "single_many": Choices(
        prompt="Which cloud do you spend most on?",
        options=tuple(Option(t.lower(), t) for t in TOOLS),
        token=TOKEN,
    ),
    "multi_few": Choices(
        prompt="Which frameworks do you run? _Pick all that apply._",
        options=(
            Option("itil", "ITIL 4"),
            Option("cobit", "COBIT"),
            Option("tbm", "TBM", "Technology Business Management"),
            Option("itam", "ITAM"),
        ),
        token=TOKEN,
        multi=True,
        selected=("itil", "tbm"),
        submit_label="Done",
    ),
    "multi_many": Choices(
        prompt="Which roles take part?",
        options=tuple(Option(f"r{i}", r) for i, r in enumerate(ROLES)),
        token=TOKEN,
        multi=True,
        selected=("r0",),
    ),
    "form": Form(
        title="Describe your **tagging policy**",
        fields=(
            FormField("name", "Policy name", required=True, placeholder="e.g. Cost tags v2"),
            FormField(
                "details",
                "Details",
                kind="multiline",
                max_length=1000,
                value=user("Tags: <owner>, cost-center"),
            ),
            FormField("owner", user("Owner of <policy>"), value="Sam"),
        ),
        token=Token("interview:42", "tagging", 4),
    ),
    "card": Card(
        title=f"Plan for {user('Acme <Cloud>')}",
        subtitle="Draft, _not yet shared_",
        body="Three steps to connect **FinOps** with `ITIL 4`:\n\n1. name an owner\n2. tag spend",
        facts=(Fact("Owner", user("Sam")), Fact("Budget", "**120k** per month")),
        sections=(
            Section(
                "Step 1: name an owner",
                "Pick someone in [finance](https://example.com/finance).",
                facts=(Fact("Due", "in 2 weeks"),),
            ),
            Section("Step 2: tag spend", f"Start with {user('prod <eu>')}."),
            Section("Always open", "This section is not collapsed.", collapsed=False),
        ),
        actions=(
            Action("Share plan", Token("plan:7", "share", 1), "channel", "primary"),
            Action("Edit", Token("plan:7", "edit", 1)),
            Action("Discard", Token("plan:7", "discard", 1), style="danger"),
        ),
        links=(
            Link("FinOps Framework", "https://www.finops.org/framework/"),
            Link(user("their wiki"), "javascript:alert(1)"),
        ),
    ),
    "card_trusted_facts": Card(
        title="Budget summary",
        facts=(Fact("Owner", "Finance"), Fact("Budget", "**120k** (see [sheet](https://e.com/s))")),
    ),
    "injection": Card(
        title=f"Title {user(INJECTIONS[0])}",
        subtitle=user(INJECTIONS[1]),
        body=" ".join(user(s) for s in INJECTIONS),
        facts=tuple(Fact(user(s), user(s)) for s in INJECTIONS),
        links=(Link(user(INJECTIONS[3]), "https://example.com/"),),
        actions=(Action(user(INJECTIONS[4]), TOKEN, "x"),),
    ),
    "injection_choices": Choices(
        prompt=f"Pick {user(INJECTIONS[2])}",
        options=tuple(Option(f"v{i}", user(s), user(s)) for i, s in enumerate(INJECTIONS)),
        token=TOKEN,
    ),
}

ANSWERED: dict[str, tuple[Outbound, str]] = {
    "answered_choice": (CASES["single_few"], "Engineering"),
    "answered_multi": (CASES["multi_few"], "ITIL 4, TBM"),
    "answered_form": (CASES["form"], user("Cost tags <v2>")),
    "answered_card": (CASES["card"], "Share plan"),
    "answered_text": (CASES["text"], "Seen"),
}


def long_card(sections: int = 60) -> Card:
    """A card too long for one Slack message."""
    return Card(
        title="A very long plan",
        body="Every step of the plan, in order.",
        sections=tuple(
            Section(
                f"Step {i}",
                f"Do the thing number {i} carefully and write down what {user('the owner')} "
                "decided. " * 3,
                facts=(Fact("Owner", user(f"person {i}")),),
            )
            for i in range(1, sections + 1)
        ),
    )
