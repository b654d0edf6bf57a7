"""Start-up: `crosswalk ask` cold start and `serve` time to ready, against `python -c pass`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.harness import Figure, timed

BIN = Path(sys.executable).parent


def _python_pass() -> float:
    return timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))


def _env(tmp: str) -> dict[str, str]:
    return {**os.environ, "CROSSWALK_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}


def _has_command(name: str) -> bool:
    result = subprocess.run([str(BIN / "crosswalk"), name, "--help"], capture_output=True,
                            check=False)
    return result.returncode == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_ready(tmp: str) -> float:
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "crosswalk"), "serve", "--port", str(port)], env=_env(tmp),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = started + 60
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("crosswalk serve did not become ready in 60 s")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def run(quick: bool = False) -> list[Figure]:
    times = 3 if quick else 7
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(tmp)
        subprocess.run([str(BIN / "crosswalk"), "db", "migrate"], env=env, check=True,
                       capture_output=True)
        base = [_python_pass() for _ in range(times)]
        if _has_command("ask"):
            cmd = [str(BIN / "crosswalk"), "ask", "what is SAM?"]
            subprocess.run(cmd, env=env, capture_output=True, check=False)  # warm the index cache
            runs = [timed(lambda: subprocess.run(cmd, env=env, capture_output=True, check=True))
                    for _ in range(times)]
            figures.append(Figure("startup", "crosswalk ask cold start", "s", runs,
                                  baseline="python -c pass", baseline_runs=base,
                                  target="value <= 0.6"))
        else:
            cmd = [str(BIN / "crosswalk"), "--help"]
            runs = [timed(lambda: subprocess.run(cmd, env=env, capture_output=True, check=True))
                    for _ in range(times)]
            figures.append(Figure("startup", "crosswalk --help cold start", "s", runs,
                                  baseline="python -c pass", baseline_runs=base,
                                  note="`ask` not built yet"))
        serve = [_serve_ready(tmp) for _ in range(max(2, times // 2))]
        figures.append(Figure("startup", "crosswalk serve time to ready", "s", serve,
                              baseline="python -c pass", baseline_runs=base))
    return figures
