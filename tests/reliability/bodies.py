"""Hypothesis strategies for hostile request bodies: random JSON, wrong types, huge strings,
unicode edge cases, truncated bodies, deep nesting, non-UTF-8, and recorded payloads mutated."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
TEAMS_PAYLOADS = sorted((ROOT / "teams" / "payloads").glob("*.json"))
SLACK_JSON = sorted((ROOT / "slack" / "payloads").glob("*.json"))
SLACK_COMMAND = (ROOT / "slack" / "payloads" / "slash_command.txt").read_text().strip()

EDGE_STRINGS = (
    "", " ", "\x00", "\u202e", "\ufeff", "\ud800", "\udfff", "\uffff", "\U0001d54f",
    "👩\u200d👩\u200d👧", "e\u0301", "\r\n\t", "<at>Crosswalk</at>", "<!channel>", "<@U123|x>",
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "{{7*7}}", "${jndi:ldap://x/a}",
    "{% raw %}", "'; DROP TABLE orgs; --", "' OR '1'='1", "%s%n%x", "../../etc/passwd",
    "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "1e309", "-0",
    "help", "interview", "plan", "subscribe weekly on monday 09:00 Mars/Olympus", "done 99999",
)
CONTENT_TYPES = (
    "application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded",
    "text/plain", "multipart/form-data; boundary=x", "application/xml", "", None,
    "application/JSON",
)

texts = st.one_of(
    st.sampled_from(EDGE_STRINGS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.builds(lambda c, n: c * n, st.sampled_from("xé💥\x00<"), st.sampled_from([1000, 70_000])),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def nested(depth: int, kind: str) -> str:
    """A deeply nested JSON document (beyond Python's recursion limit when deep enough)."""
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@dataclass(frozen=True)
class Mutation:
    path: tuple[str | int, ...]
    action: str  # set | delete | nest
    value: Any = None


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


def mutate(document: Any, mutations: list[tuple[int, str, Any]]) -> Any:
    """Apply (path index, action, value) mutations to a copy of a document."""
    doc = copy.deepcopy(document)
    for index, action, value in mutations:
        paths = [p for p in _paths(doc) if p]
        if not paths:
            return value
        path = paths[index % len(paths)]
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        if action == "delete" and isinstance(parent, dict):
            del parent[last]
        elif action == "nest":
            parent[last] = json.loads(nested(50, "dict"))
        else:
            parent[last] = value
    return doc


mutations = st.lists(
    st.tuples(st.integers(0, 10_000), st.sampled_from(["set", "set", "delete", "nest"]),
              json_values),
    min_size=1, max_size=4,
)


class Body:
    """A request body and how it is sent (a plain class: failure reports show it short)."""

    __slots__ = ("content_type", "data", "kind")

    def __init__(self, data: bytes, content_type: str | None, kind: str) -> None:
        self.data = data
        self.content_type = content_type
        self.kind = kind  # what generated it, for the failure message

    def __repr__(self) -> str:
        return f"Body({self.kind}, {self.content_type!r}, {self.data[:120]!r}…{len(self.data)}B)"


def _encode(text: str, how: str) -> bytes:
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    if how == "surrogates":
        return text.encode("utf-8", "surrogatepass") + b"\xed\xa0\x80"
    return text.encode("utf-8", "surrogatepass")


def _form(fields: Any) -> bytes:
    """URL-encoded form data; lone surrogates become their (invalid) UTF-8 bytes."""
    return urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()


def _dumps(value: Any, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


@st.composite
def teams_bodies(draw: st.DrawFn, service_url: str) -> Body:
    """What ``/api/messages`` may receive."""
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "json", "raw", "deep",
                                 "truncated", "encoding"]))
    base = json.loads(draw(st.sampled_from(TEAMS_PAYLOADS)).read_text(encoding="utf-8"))
    base["serviceUrl"] = service_url
    content_type = draw(st.sampled_from(CONTENT_TYPES[:2]) | st.sampled_from(CONTENT_TYPES))
    if kind == "mutated":
        text = _dumps(mutate(base, draw(mutations)), draw(st.booleans()))
    elif kind == "json":
        text = _dumps(draw(json_values), True)
    elif kind == "raw":
        return Body(draw(st.binary(max_size=3000)), content_type, kind)
    elif kind == "deep":
        text = nested(draw(st.sampled_from([100, 1000, 50_000])),
                      draw(st.sampled_from(["list", "dict"])))
    elif kind == "truncated":
        full = _dumps(base, False)
        text = full[: draw(st.integers(0, len(full) - 1))]
    else:
        text = _dumps(mutate(base, draw(mutations)), False)
        return Body(_encode(text, draw(st.sampled_from(["latin-1", "surrogates"]))),
                    content_type, kind)
    return Body(_encode(text, "utf-8"), content_type, kind)


@st.composite
def slack_bodies(draw: st.DrawFn) -> Body:
    """What ``/slack/events`` may receive: events (JSON), interactions and commands (forms)."""
    kind = draw(st.sampled_from(["event", "event", "interaction", "command", "json", "raw",
                                 "deep", "truncated", "encoding", "form"]))
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if kind in ("event", "interaction", "truncated", "encoding", "deep"):
        base = json.loads(draw(st.sampled_from(SLACK_JSON)).read_text(encoding="utf-8"))
        doc = mutate(base, draw(mutations)) if kind != "deep" else base
        if kind == "deep":
            text = nested(draw(st.sampled_from([100, 1000, 50_000])),
                          draw(st.sampled_from(["list", "dict"])))
        elif kind == "interaction":
            text = _form({"payload": _dumps(doc, draw(st.booleans()))}).decode()
            content_type = draw(st.sampled_from(["application/x-www-form-urlencoded",
                                                 content_type]))
        else:
            text = _dumps(doc, draw(st.booleans()))
        if kind == "truncated":
            text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
        if kind == "encoding":
            return Body(_encode(text, draw(st.sampled_from(["latin-1", "surrogates"]))),
                        content_type, kind)
        return Body(_encode(text, "utf-8"), content_type, kind)
    if kind == "command":
        fields = dict(parse_qsl(SLACK_COMMAND))
        for key in draw(st.lists(st.sampled_from(sorted(fields)), max_size=3)):
            fields[key] = draw(texts)
        if draw(st.booleans()):
            fields[draw(texts)] = draw(texts)
        return Body(_form(fields), "application/x-www-form-urlencoded", kind)
    if kind == "form":
        pairs = draw(st.lists(st.tuples(texts, texts), max_size=4))
        return Body(_form(pairs), content_type, kind)
    if kind == "json":
        return Body(_dumps(draw(json_values), True).encode(), content_type, kind)
    return Body(draw(st.binary(max_size=3000)), content_type, kind)
