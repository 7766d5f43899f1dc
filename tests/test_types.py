"""The type check gate: ``mypy`` on ``src/burdenshare`` under the project's ``[tool.mypy]`` settings.

The settings live in ``pyproject.toml`` (mypy's defaults plus ``disallow_any_generics``; third-party
modules without type information are named one by one).  The test runs the same command a
developer runs from the repository root and requires a clean report.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+(?::\d+)?: error: ")


def _run_mypy() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_mypy_reports_no_errors() -> None:
    proc = _run_mypy()
    out = proc.stdout + proc.stderr
    errors = [line for line in out.splitlines() if _ERROR.match(line)]
    # Any output that is not a located error or a note (a crash, a config error) fails too.
    other = [line for line in out.splitlines()
             if line.strip() and not _ERROR.match(line) and ": note: " not in line]
    assert not other, "mypy did not run cleanly:\n" + out
    assert not errors, "mypy errors:\n" + "\n".join(errors)
    assert proc.returncode == 0, out
