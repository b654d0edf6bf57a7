"""``make audit``: pip-audit against ``requirements.lock`` (needs the network; not in make test).

Exit 0 when every locked dependency was checked and none has a known vulnerability, 1 when some
have, 2 when the audit could not run or could not check everything (no network, no vulnerability
data reachable, pip-audit missing): a newly published advisory must never break unrelated work,
and a check that did not happen must not look like a pass.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
TIMEOUT_S = 300


def pip_audit() -> list[str] | None:
    beside = Path(sys.executable).parent / "pip-audit"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("pip-audit")
    return [found] if found else None


def main() -> int:
    command = pip_audit()
    if command is None:
        print("audit: pip-audit is not installed (.venv/bin/pip install pip-audit)")
        return 2
    try:
        done = subprocess.run(
            [*command, "--requirement", str(LOCK), "--no-deps", "--disable-pip",
             "--progress-spinner", "off", "--format", "json"],
            capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
        )
    except subprocess.TimeoutExpired:
        print(f"audit: pip-audit did not finish in {TIMEOUT_S} s (network?)")
        return 2
    try:
        report = json.loads(done.stdout)
    except ValueError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"audit: pip-audit could not run: {last[:300]}")
        return 2
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    checked = len(dependencies) - len(skipped)
    print(f"audit: {len(dependencies)} locked dependencies, {checked} checked, "
          f"{len(skipped)} not checked, {len(vulnerable)} with known vulnerabilities")
    if vulnerable:
        return 1
    if skipped:
        print("audit: NOT COMPLETE: " + "; ".join(d["skip_reason"] for d in skipped[:3])
              + (" …" if len(skipped) > 3 else ""))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
