"""The checks before Bolt: Slack's published test vector, stale and forged signatures, parsing."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack import gate
from tests.slack.conftest import signature

# Slack's "Verifying requests from Slack" example (shared/reference/platform-notes.md)
VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
VECTOR_TS = "1531420618"
VECTOR_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    b"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    b"collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977008"
    b"85554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c44"
    b"7fce8b6703c"
)
VECTOR_SIG = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def headers(ts: str, sig: str) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


def at(ts: str, offset: float = 0.0) -> float:
    return float(ts) + offset


def test_published_test_vector_verifies() -> None:
    clock = lambda: at(VECTOR_TS, 10)  # noqa: E731
    assert gate.verify_signature(VECTOR_SECRET, headers(VECTOR_TS, VECTOR_SIG), VECTOR_BODY, clock)
    assert signature(VECTOR_BODY, VECTOR_TS, VECTOR_SECRET) == VECTOR_SIG
    checked = gate.check(VECTOR_SECRET, headers(VECTOR_TS, VECTOR_SIG), VECTOR_BODY,
                         "application/x-www-form-urlencoded", clock)
    assert isinstance(checked, gate.Accepted)
    assert checked.payload["command"] == "/webhook-collect"
    assert checked.payload["response_url"].startswith("https://hooks.slack.com/commands/")


@pytest.mark.parametrize(
    ("ts", "sig", "body", "offset"),
    [
        (VECTOR_TS, VECTOR_SIG, VECTOR_BODY + b"x", 0),  # body changed
        (VECTOR_TS, VECTOR_SIG.replace("a2", "b2", 1), VECTOR_BODY, 0),  # signature changed
        (str(int(VECTOR_TS) + 1), VECTOR_SIG, VECTOR_BODY, 0),  # timestamp changed
        (VECTOR_TS, VECTOR_SIG, VECTOR_BODY, 301),  # more than five minutes old
        (VECTOR_TS, VECTOR_SIG, VECTOR_BODY, -301),  # from the future
        ("", VECTOR_SIG, VECTOR_BODY, 0),
        (VECTOR_TS, "", VECTOR_BODY, 0),
        ("not-a-number", VECTOR_SIG, VECTOR_BODY, 0),
    ],
)
def test_wrong_or_stale_signatures_are_401(ts: str, sig: str, body: bytes, offset: int) -> None:
    clock = lambda: at(VECTOR_TS, offset)  # noqa: E731
    checked = gate.check(VECTOR_SECRET, headers(ts, sig), body, "application/json", clock)
    assert checked == gate.Rejection(401, "invalid or expired Slack signature")


def test_just_inside_five_minutes_is_accepted() -> None:
    clock = lambda: at(VECTOR_TS, 299)  # noqa: E731
    assert gate.verify_signature(VECTOR_SECRET, headers(VECTOR_TS, VECTOR_SIG), VECTOR_BODY, clock)


def test_ssl_check_is_answered_without_a_signature() -> None:
    body = b"ssl_check=1&token=abc"
    assert gate.check("secret", {}, body, "application/x-www-form-urlencoded") is None
    assert gate.check("secret", {}, b"ssl_check=0", "application/x-www-form-urlencoded") == (
        gate.Rejection(401, "invalid or expired Slack signature")
    )


def _signed_check(body: bytes, content_type: str = "application/json") -> object:
    ts = str(int(time.time()))
    return gate.check("s3cret", headers(ts, signature(body, ts, "s3cret")), body, content_type)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"\xff\xfe{}", "application/json", "request body is not UTF-8"),
        (b"   ", "application/json", "request body is empty"),
        (b"{not json", "application/json", "request body is not valid JSON or form data"),
        (b"[1, 2]", "application/json", "request body must be a JSON object"),
        (b"\"text\"", "application/json", "request body must be a JSON object"),
        (b"[" * 5000 + b"]" * 5000, "application/json", ""),
        (b"payload=%7Bbroken", "application/x-www-form-urlencoded",
         "request body is not valid JSON or form data"),
        (b"payload=%5B%5D", "application/x-www-form-urlencoded",
         "request body must be a JSON object"),
        (b"a=1&&b", "application/x-www-form-urlencoded",
         "request body is not valid JSON or form data"),
    ],
)
def test_malformed_bodies_are_400_with_a_reason(
    body: bytes, content_type: str, reason: str
) -> None:
    checked = _signed_check(body, content_type)
    assert isinstance(checked, gate.Rejection) and checked.status == 400
    assert not reason or checked.reason == reason


def test_form_payload_with_the_word_payload_is_kept() -> None:
    checked = _signed_check(b"command=%2Fcrosswalk&text=ask+what+is+a+payload",
                            "application/x-www-form-urlencoded")
    assert isinstance(checked, gate.Accepted)
    assert checked.payload == {"command": "/crosswalk", "text": "ask what is a payload"}


@given(st.binary(max_size=300))
def test_arbitrary_signed_bytes_never_raise(body: bytes) -> None:
    checked = _signed_check(body, "application/x-www-form-urlencoded")
    assert isinstance(checked, gate.Accepted | gate.Rejection)
    if isinstance(checked, gate.Rejection):
        assert checked.status == 400


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=20))
def test_arbitrary_signed_json_is_an_object_or_400(value: object) -> None:
    checked = _signed_check(json.dumps(value).encode())
    if isinstance(value, dict):
        assert isinstance(checked, gate.Accepted) and checked.payload == value
    else:
        assert checked == gate.Rejection(400, "request body must be a JSON object")
