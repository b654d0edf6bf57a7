"""Cadence: the next run from a weekly rule, local time and IANA zone, stored in UTC."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.nudges.cadence import Rule, exists, local_text, next_run, resolve, runs_between

NY = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_nine_stays_nine_local_across_spring_forward() -> None:
    rule = Rule(0, time(9, 0), "Europe/Paris")
    runs = runs_between(rule, utc(2026, 3, 16), utc(2026, 4, 7))
    assert runs == [utc(2026, 3, 16, 8), utc(2026, 3, 23, 8), utc(2026, 3, 30, 7),
                    utc(2026, 4, 6, 7)]
    assert {r.astimezone(ZoneInfo("Europe/Paris")).hour for r in runs} == {9}


def test_nine_stays_nine_local_across_fall_back() -> None:
    rule = Rule(0, time(9, 0), NY)
    runs = runs_between(rule, utc(2026, 10, 26), utc(2026, 11, 10))
    assert runs == [utc(2026, 10, 26, 13), utc(2026, 11, 2, 14), utc(2026, 11, 9, 14)]


def test_a_local_time_that_does_not_exist_runs_at_the_first_valid_minute_after_it() -> None:
    # 2026-03-08 02:00 EST jumps to 03:00 EDT: 02:30 does not exist
    rule = Rule(6, time(2, 30), NY)
    run = next_run(rule, utc(2026, 3, 2))
    assert run == utc(2026, 3, 8, 7)  # 03:00 EDT
    assert run.astimezone(ZoneInfo(NY)).strftime("%H:%M %Z") == "03:00 EDT"
    # a week later it is 02:30 again
    assert next_run(rule, run) == utc(2026, 3, 15, 6, 30)


def test_an_ambiguous_local_time_runs_at_its_first_occurrence() -> None:
    # 2026-11-01 01:30 happens twice in New York: EDT (05:30Z) first, then EST (06:30Z)
    rule = Rule(6, time(1, 30), NY)
    run = next_run(rule, utc(2026, 10, 27))
    assert run == utc(2026, 11, 1, 5, 30)
    assert next_run(rule, run) == utc(2026, 11, 8, 6, 30)  # not the second 01:30


def test_gap_and_overlap_in_the_southern_hemisphere() -> None:
    # Sydney: clocks go forward 2026-10-04 02:00 → 03:00, back 2026-04-05 03:00 → 02:00
    rule = Rule(6, time(2, 15), "Australia/Sydney")
    assert next_run(rule, utc(2026, 10, 1)).astimezone(
        ZoneInfo("Australia/Sydney")).strftime("%Y-%m-%d %H:%M") == "2026-10-04 03:00"
    rule = Rule(6, time(2, 30), "Australia/Sydney")
    run = next_run(rule, utc(2026, 4, 1))
    assert run == utc(2026, 4, 4, 15, 30)  # 02:30 AEDT (+11), the first of the two


@pytest.mark.parametrize(("zone", "expected"), [
    ("Asia/Kolkata", utc(2026, 12, 3, 9, 0)),  # +05:30
    ("Asia/Kathmandu", utc(2026, 12, 3, 8, 45)),  # +05:45
    ("Australia/Adelaide", utc(2026, 12, 3, 4, 0)),  # +10:30 in summer
    ("Australia/Eucla", utc(2026, 12, 3, 5, 45)),  # +08:45
    ("Asia/Tehran", utc(2026, 12, 3, 11, 0)),  # +03:30
    ("America/St_Johns", utc(2026, 12, 3, 18, 0)),  # -03:30
])
def test_half_and_three_quarter_hour_offsets(zone: str, expected: datetime) -> None:
    rule = Rule(3, time(14, 30), zone)
    run = next_run(rule, utc(2026, 11, 30))
    assert run == expected
    assert run.astimezone(ZoneInfo(zone)).strftime("%a %H:%M") == "Thu 14:30"


def test_month_and_year_ends() -> None:
    rule = Rule(3, time(23, 30), "Pacific/Auckland")  # Thursday 23:30, +13 in summer
    run = next_run(rule, utc(2026, 12, 28))
    assert run == utc(2026, 12, 31, 10, 30)  # Thu 31 Dec local
    assert next_run(rule, run) == utc(2027, 1, 7, 10, 30)
    # a run whose UTC date is the previous month
    rule = Rule(4, time(0, 15), "Asia/Tokyo")
    assert next_run(rule, utc(2026, 1, 28)) == utc(2026, 1, 29, 15, 15)  # Fri 30 Jan 00:15 JST
    rule = Rule(0, time(0, 0), "Asia/Tokyo")
    assert next_run(rule, utc(2026, 11, 29)) == utc(2026, 11, 29, 15)  # Mon 30 Nov 00:00 JST
    # west of UTC: the UTC date is the next year
    rule = Rule(3, time(20, 0), "America/Los_Angeles")
    assert next_run(rule, utc(2026, 12, 29)) == utc(2027, 1, 1, 4)  # Thu 31 Dec 20:00 PST


def test_a_skipped_day_runs_on_the_next_valid_minute() -> None:
    # Samoa skipped Friday 30 December 2011 entirely
    rule = Rule(4, time(9, 0), "Pacific/Apia")
    run = next_run(rule, utc(2011, 12, 26))
    assert run.astimezone(ZoneInfo("Pacific/Apia")).strftime("%Y-%m-%d %H:%M") == \
        "2011-12-31 00:00"


def test_next_run_is_strictly_after() -> None:
    rule = Rule(0, time(9, 0), "UTC")
    at = utc(2026, 11, 30, 9)
    assert next_run(rule, at) == at + timedelta(days=7)
    assert next_run(rule, at - timedelta(microseconds=1)) == at


def test_naive_input_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_run(Rule(0, time(9, 0), "UTC"), datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        Rule(7, time(9, 0), "UTC")
    with pytest.raises(ValueError):
        Rule(0, time(9, 0, 30), "UTC")


def test_local_text() -> None:
    assert local_text(utc(2026, 12, 3, 19, 30), NY) == "Thu 3 Dec 2026, 14:30 EST"


ZONES = ["UTC", NY, "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago",
         "Pacific/Chatham", "Africa/Casablanca", "Europe/Dublin", "America/Havana"]


@given(
    zone=st.sampled_from(ZONES),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
)
def test_every_run_is_on_the_day_at_the_time_or_just_after_a_gap(
    zone: str, weekday: int, hour: int, minute: int, start: datetime
) -> None:
    rule = Rule(weekday, time(hour, minute), zone)
    tz = ZoneInfo(zone)
    after = start.replace(tzinfo=UTC)
    runs = runs_between(rule, after, after + timedelta(days=70))
    assert 9 <= len(runs) <= 11
    for prev, cur in itertools.pairwise(runs):
        assert timedelta(days=6) < cur - prev < timedelta(days=8)
    for run in runs:
        assert run.tzinfo is UTC or run.utcoffset() == timedelta(0)
        local = run.astimezone(tz)
        wanted = datetime.combine(local.date(), time(hour, minute))
        if exists(wanted, tz) and local.weekday() == weekday:
            assert (local.hour, local.minute) == (hour, minute)
            # the first occurrence when ambiguous
            assert run == resolve(local.date(), time(hour, minute), tz)
        else:  # shifted forward out of a gap: the first valid minute after it
            day = local.date() if local.weekday() == weekday else local.date() - timedelta(days=1)
            intended = datetime.combine(day, time(hour, minute))
            assert not exists(intended, tz)
            assert local.replace(tzinfo=None) > intended
            before = (local - timedelta(minutes=1)).replace(tzinfo=None)
            assert not exists(before, tz) or before < intended


def test_resolve_is_in_utc() -> None:
    assert resolve(date(2026, 7, 1), time(9, 0), ZoneInfo(NY)).tzinfo == UTC
