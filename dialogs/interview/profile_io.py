"""The profile's file format (YAML or JSON) for export and import, with field-level errors."""

from __future__ import annotations

import json
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from dialogs.content.models import error_messages
from dialogs.content.yamldoc import parse_yaml
from dialogs.profile import DISCIPLINE_KEYS, Profile

Format = Literal["yaml", "json"]
IGNORED = ("version", "updated")  # assigned by the store; accepted on import and dropped


def export_data(profile: Profile) -> dict[str, Any]:
    """The documented format: org, version, updated, finops_maturity, priorities, disciplines."""
    disciplines: dict[str, Any] = {}
    for key in DISCIPLINE_KEYS:
        item = profile.disciplines.get(key)
        if item is None:
            continue
        data = item.model_dump(mode="json")
        if not data["name"]:
            del data["name"]  # only "other" carries a name
        disciplines[key] = data
    return {
        "org": profile.org,
        "version": profile.version,
        "updated": profile.updated.isoformat() if profile.updated is not None else None,
        "finops_maturity": profile.finops_maturity,
        "priorities": list(profile.priorities),
        "disciplines": disciplines,
    }


def dump(profile: Profile, fmt: Format) -> str:
    data = export_data(profile)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    out: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return out


def parse(text: str, org: str, fmt: Format) -> tuple[Profile | None, list[str]]:
    """A profile from a file's text for ``org``; otherwise each problem as ``field: reason``
    (with the line when the file is YAML)."""
    line_of = None
    if fmt == "json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            return None, [f"not valid JSON: {exc}"]
    else:
        doc, problems = parse_yaml(text)
        if problems or doc is None:
            return None, [f"line {p.line}: {p.message}" for p in problems] or ["empty file"]
        data, line_of = doc.data, doc.line_of
    if not isinstance(data, dict):
        return None, ["the file must hold a mapping with org, finops_maturity, priorities, ..."]
    data = {k: v for k, v in data.items() if k not in IGNORED}
    found = data.get("org")
    if isinstance(found, str) and found.strip() != org:
        return None, [f"org: the file is for '{found}' but --org is '{org}'"]
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        fields = tuple(f for f in Profile.model_fields if f not in IGNORED)
        out = []
        for loc, message in error_messages(exc, fields):
            where = f"line {line_of(loc)}: " if line_of is not None else ""
            out.append(f"{where}{message}")
        return None, out
    return profile, []
