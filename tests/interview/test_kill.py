"""Kill a real ``crosswalk chat`` mid-interview; a new one resumes with every answer intact."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

CROSSWALK = Path(sys.executable).parent / "crosswalk"
TIMEOUT = 30.0


class Console:
    """A ``crosswalk chat`` process fed line by line, its output read with a timeout."""

    def __init__(self, db: Path) -> None:
        env = {**os.environ, "CROSSWALK_DATABASE_URL": f"sqlite:///{db}"}
        self.proc = subprocess.Popen(
            [str(CROSSWALK), "chat", "--org", "acme", "--user", "ana"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env=env,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen = ""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def expect(self, marker: str, timeout: float = TIMEOUT) -> str:
        """Read output until ``marker`` shows up; fail after ``timeout`` seconds."""
        import time

        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"no {marker!r} within {timeout}s; output so far:\n{self.seen}")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                pytest.fail(f"the process ended before {marker!r}; output:\n{self.seen}")
            self.seen += line
        found, _, self.seen = self.seen.partition(marker)
        return found + marker

    def answer(self, text: str, marker: str) -> str:
        self.send(text)
        return self.expect(marker)

    def kill(self) -> None:
        """SIGKILL: no clean-up runs in the process."""
        self.proc.send_signal(signal.SIGKILL)
        self._reap()

    def close(self) -> None:
        """End of input: the console exits by itself."""
        self._reap()

    def _reap(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.close()
        self.proc.wait(timeout=TIMEOUT)
        self.reader.join(timeout=TIMEOUT)
        self.proc.stdout.close()


def show(db: Path) -> dict[str, object]:
    env = {**os.environ, "CROSSWALK_DATABASE_URL": f"sqlite:///{db}"}
    result = subprocess.run(
        [str(CROSSWALK), "interview", "show", "--org", "acme", "--user", "ana", "--json"],
        capture_output=True, text=True, env=env, timeout=TIMEOUT, check=True,
    )  # fmt: skip
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_killed_mid_interview_resumes_with_every_answer(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    first = Console(db)
    try:
        first.answer("interview", "describe them in a sentence")
        first.answer("ITSM, SAM", "How mature is SAM")
        first.answer("walk", "support SAM?")
        first.answer("Flexera, our own tracker", "owns SAM?")
        first.answer("Licence office", "pain point in SAM")
    finally:
        first.kill()
    before = show(db)
    assert before["status"] == "in_progress" and before["step"] == "sam.pain"
    assert before["answers"] == {
        "disciplines": ["sam", "itsm"],
        "sam.maturity": "walk",
        "sam.tools": ["Flexera One", "our own tracker"],
        "sam.owner": "Licence office",
    }

    second = Console(db)
    try:
        second.answer("interview", "What is the main pain point in SAM today?")
        assert show(db)["answers"] == before["answers"]
        second.answer("Shelfware", "How mature is ITSM")
        # killed while an answer may be in flight: it is either committed whole or not at all
        second.send("run")
    finally:
        second.kill()
    after = show(db)
    answers = after["answers"]
    assert isinstance(answers, dict)
    assert {k: answers[k] for k in before["answers"]} == before["answers"]  # type: ignore[union-attr]
    assert answers["sam.pain"] == "Shelfware"
    assert after["step"] == ("itsm.tools" if "itsm.maturity" in answers else "itsm.maturity")

    third = Console(db)
    try:
        third.answer("interview", "Welcome back")
        expected = "support ITSM?" if "itsm.maturity" in answers else "How mature is ITSM"
        third.expect(expected)
    finally:
        third.close()
    assert show(db)["answers"] == answers
