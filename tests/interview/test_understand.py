"""Free text on the disciplines question: sentences with the disciplines and tools they name."""

from __future__ import annotations

import pytest

from dialogs.interview.understand import Understood
from tests.interview.helpers import engine

# sentence → (disciplines, {catalogue id: discipline})
CASES: list[tuple[str, set[str], dict[str, str]]] = [
    (
        "We use ServiceNow for ITSM and the CMDB, Flexera for software licences, Apptio for TBM,"
        " and security follows NIST CSF",
        {"itsm", "itam", "sam", "itfm", "security"},
        {"servicenow-itsm": "itsm", "servicenow-cmdb": "itam", "flexera-one": "sam",
         "apptio-tbm-studio": "itfm", "nist-csf": "security"},
    ),
    ("we do itsm and sam", {"itsm", "sam"}, {}),
    ("ServiceNoww for tickets, Flexra for licences", {"itsm", "sam"},
     {"servicenow-itsm": "itsm", "flexera-one": "sam"}),
    ("We don't have SAM yet, but ITSM runs on ServiceNow", {"itsm"},
     {"servicenow-itsm": "itsm"}),
    ("Snow for licences", {"sam"}, {"snow-atlas": "sam"}),
    ("SNOW for tickets and change management", {"itsm"}, {"servicenow-itsm": "itsm"}),
    ("ServiceNow for SAM", {"sam"}, {"servicenow-sam": "sam"}),
    ("ServiceNow for ITSM, CMDB and HAM", {"itsm", "itam"},
     {"servicenow-itsm": "itsm", "servicenow-cmdb": "itsm", "servicenow-ham": "itam"}),
    ("We use Terraform and Backstage for our platform team", {"devops"},
     {"terraform": "devops", "backstage": "devops"}),
    ("EA with Microsoft for licensing", {"sam"}, {}),
    ("Our EA team sets the standards", {"ea"}, {}),
    ("Our enterprise architecture team uses LeanIX", {"ea"}, {"leanix": "ea"}),
    ("Security follows ISO 27001 and we run Microsoft Defender for Cloud", {"security"},
     {"iso-27001": "security", "defender-for-cloud": "security"}),
    ("We track carbon with the Emissions Impact Dashboard", {"sustainability"},
     {"emissions-impact-dashboard": "sustainability"}),
    ("Procurement runs on Coupa and SAP Ariba", {"procurement"},
     {"coupa": "procurement", "ariba": "procurement"}),
    ("We follow ITIL 4 with Jira Service Management", {"itsm"},
     {"itil-4": "itsm", "jira-service-management": "itsm"}),
    ("Cloudability for cloud costs and TBM Studio for IT finance", {"itfm"},
     {"cloudability": "itfm", "apptio-tbm-studio": "itfm"}),
    ("Lansweeper for hardware asset management, FlexNet Manager for software licensing",
     {"itam", "sam"}, {"lansweeper": "itam", "flexnet-manager": "sam"}),
    ("We have a GreenOps initiative and use Cloud Carbon Footprint", {"sustainability"},
     {"cloud-carbon-footprint": "sustainability"}),
    ("Platform engineering with Backstage, Terraform and GitHub Actions", {"devops"},
     {"backstage": "devops", "terraform": "devops", "github-actions": "devops"}),
    ("Our SRE team runs Kubecost on the clusters", {"devops"}, {"kubecost": "devops"}),
    ("We manage SaaS with Zylo and contracts with Vendr", {"sam", "procurement"},
     {"zylo": "sam", "vendr": "procurement"}),
    ("Snow License Manager for SAM and TOPdesk as service desk", {"sam", "itsm"},
     {"snow-atlas": "sam", "topdesk": "itsm"}),
    ("We use BMC Remedy for incidents and changes", {"itsm"}, {"bmc-helix-itsm": "itsm"}),
    ("Ivanti Neurons for ITSM and ITAM", {"itsm", "itam"}, {"ivanti-neurons": "itsm"}),
    ("Intune and SCCM for devices", {"itam"}, {"intune": "itam", "configmgr": "itam"}),
    ("Wiz and Prisma Cloud for cloud security", {"security"},
     {"wiz": "security", "prisma-cloud": "security"}),
    ("We use TOGAF and Ardoq for architecture", {"ea"}, {"togaf": "ea", "ardoq": "ea"}),
    ("TBM taxonomy v5 in Apptio, and Microsoft Cost Management for Azure", {"itfm"},
     {"tbm-taxonomy": "itfm", "apptio-tbm-studio": "itfm"}),
    ("We do vendor management and strategic sourcing in Coupa", {"procurement"},
     {"coupa": "procurement"}),
    ("ISO 19770 for our asset management process", {"itam"}, {"iso-19770": "itam"}),
    ("no ITAM, no SAM, but we do ITSM in Freshservice", {"itsm"}, {"freshservice": "itsm"}),
    ("We don't use ServiceNow anymore; Jira Service Management now", {"itsm"},
     {"jira-service-management": "itsm"}),
    ("Sustanability reporting with Microsoft Cloud for Sustainability", {"sustainability"},
     {"microsoft-cloud-for-sustainability": "sustainability"}),
    ("procurment and secuirty teams exist", {"procurement", "security"}, {}),
    ("We have a cybersecurity team following NIST CSF 2.0 and an SCCM estate",
     {"security", "itam"}, {"nist-csf": "security", "configmgr": "itam"}),
    ("Application portfolio management in LeanIX and DevOps with Azure DevOps",
     {"ea", "devops"}, {"leanix": "ea", "azure-devops": "devops"}),
    ("Infrastructure as code with OpenTofu and Pulumi", {"devops"},
     {"opentofu": "devops", "pulumi": "devops"}),
    ("Our FinOps team uses Vantage and Kubecost", {"devops"}, {"kubecost": "devops"}),
    ("Licence compliance is handled by the SAM team using Flexera One", {"sam"},
     {"flexera-one": "sam"}),
    ("Azure Policy enforces our security baseline", {"security"}, {"azure-policy": "security"}),
    ("Service Now is our ITSM platform and ServiceNow SAM Pro handles licences",
     {"itsm", "sam"}, {"servicenow-itsm": "itsm", "servicenow-sam": "sam"}),
    ("We run a TBM office and the IT finance team uses Excel", {"itfm"}, {}),
    ("Change management and incident management in TOPdesk", {"itsm"}, {"topdesk": "itsm"}),
    ("CI/CD in Jenkins and GitLab", {"devops"}, {"jenkins": "devops"}),
    ("GHG Protocol reporting for scope 3, using the AWS Customer Carbon Footprint Tool",
     {"sustainability"},
     {"ghg-protocol": "sustainability", "aws-carbon-footprint": "sustainability"}),
    ("Our helpdesk runs Freshservice", {"itsm"}, {"freshservice": "itsm"}),
    ("We use TF for infra", {"devops"}, {"terraform": "devops"}),
    ("We have SAM Pro and Snow Atlas", {"sam"}, {"servicenow-sam": "sam", "snow-atlas": "sam"}),
    ("ITFM is run by Finance in Apptio, and we follow TOGAF", {"itfm", "ea"},
     {"apptio-tbm-studio": "itfm", "togaf": "ea"}),
    ("We use ServiceNow", {"itsm"}, {"servicenow-itsm": "itsm"}),
    ("Our asset management uses ServiceNow", {"itam"}, {"servicenow-ham": "itam"}),
    ("Coupa procurement, and sustainability with Azure Carbon Optimization",
     {"procurement", "sustainability"},
     {"coupa": "procurement", "azure-carbon-optimization": "sustainability"}),
]  # fmt: skip

# sentences that name no discipline: not understood (asked again), nothing stored
NOTHING = [
    "Snow for everything",  # ServiceNow or Snow Software? no context to tell
    "Sam from finance owns it",  # a person, not SAM
    "we use tf for infra",  # lower-case short names are words, not tools
    "we use spreadsheets and email for everything",
    "not sure what you mean",
    "Our products team and production servers",  # not the Productiv tool
]


def understand(text: str) -> Understood | None:
    return engine().lexicon.understand(text)


def test_there_are_at_least_forty_sentences() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("sentence", "disciplines", "tools"), CASES, ids=[c[0][:40] for c in CASES]
)
def test_sentence(sentence: str, disciplines: set[str], tools: dict[str, str]) -> None:
    found = understand(sentence)
    assert found is not None
    assert set(found.disciplines) == disciplines
    assert {t.catalogue_id: t.discipline for t in found.tools} == tools
    assert {t.discipline for t in found.tools} <= set(found.disciplines)


@pytest.mark.parametrize("sentence", NOTHING)
def test_nothing_understood(sentence: str) -> None:
    assert understand(sentence) is None


def test_the_issue_sentence_reads_back_as_the_issue_says() -> None:
    found = understand(CASES[0][0])
    assert found is not None
    shown = [(d, [t.name for t in found.tools if t.discipline == d]) for d in found.disciplines]
    assert shown == [
        ("itsm", ["ServiceNow"]),
        ("itam", ["ServiceNow CMDB"]),
        ("sam", ["Flexera"]),
        ("itfm", ["Apptio"]),
        ("security", ["NIST CSF"]),
    ]


def test_finops_tools_are_noted_not_recorded() -> None:
    found = understand("Our FinOps team uses Vantage and Kubecost")
    assert found is not None
    assert any("Vantage" in n for n in found.notes)
    assert "vantage" not in {t.catalogue_id for t in found.tools}


def test_understanding_is_fast() -> None:
    import time

    sentence = CASES[0][0]
    start = time.perf_counter()
    for _ in range(50):
        understand(sentence)
    assert (time.perf_counter() - start) / 50 < 0.05


def test_an_ambiguous_name_is_left_out_with_a_note() -> None:
    found = understand("Snow for everything, and Coupa for procurement")
    assert found is not None and found.disciplines == ("procurement",)
    assert found.notes == (
        "“SNOW” could mean ServiceNow ITSM or Snow Atlas, so I left it out",
    )
