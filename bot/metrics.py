"""Prometheus metrics in the app's own registry (never the global one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter(
            "crosswalk_http_requests", "HTTP requests", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "crosswalk_http_request_seconds", "HTTP request latency", ["route"], registry=r,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.turns = Counter("crosswalk_turns", "Turns handled", ["channel"], registry=r)
        self.duplicates = Counter(
            "crosswalk_duplicate_inbound", "Inbound events seen before", ["channel"], registry=r
        )
        self.abandoned = Counter(
            "crosswalk_abandoned_claims",
            "Inbound events claimed by a turn that never finished (not re-run)",
            registry=r,
        )
        self.errors = Counter("crosswalk_errors", "Errors by where they happened", ["where"],
                              registry=r)
        self.in_flight = Gauge("crosswalk_turns_in_flight", "Turns running now", registry=r)
        self.throttled = Counter(  # issue 12
            "crosswalk_turns_throttled", "Turns not run: over the per-org or per-user limit",
            ["channel"], registry=r,
        )
        # ---- nudges (issue 10)
        self.nudges_due = Counter("crosswalk_nudges_due", "Nudge deliveries enqueued", registry=r)
        self.nudges_late = Counter(
            "crosswalk_nudges_late", "Nudges enqueued late (catch-up after downtime)", registry=r
        )
        self.nudges_missed = Counter(
            "crosswalk_nudges_missed", "Nudges older than the catch-up window", registry=r
        )
        self.nudges_sent = Counter("crosswalk_nudges_sent", "Nudges sent", ["channel"],
                                   registry=r)
        self.nudges_failed = Counter("crosswalk_nudges_failed", "Nudges failed for good",
                                     ["channel"], registry=r)
        self.nudges_unknown = Counter(
            "crosswalk_nudges_unknown", "Nudges whose outcome is unknown (never resent)",
            registry=r,
        )
        self.nudges_retried = Counter("crosswalk_nudges_retried", "Nudge retries", registry=r)
        self.nudge_lag = Histogram(
            "crosswalk_nudge_delivery_lag_seconds", "Scheduled run to sent", registry=r,
            buckets=(1, 5, 15, 30, 60, 120, 300, 900, 3600, 4 * 3600, 12 * 3600),
        )
