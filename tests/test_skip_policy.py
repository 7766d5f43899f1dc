"""The suite cannot hide tests: no skips outside the browser test, and under ``CI=true`` any skip fails.

The first test reads the suite's source; the others run a small pytest session in a temporary
folder with this suite's own ``conftest.py`` and check how its skips are reported with and without
``CI=true``.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
#: The only places a test may skip: a system package (chromium) that CI installs.
ALLOWED = {("test_browser_report.py", "pytest.skip")}
#: pytest calls and markers that skip or expect failure.
SKIPPING = {"pytest.skip", "pytest.importorskip", "pytest.xfail", "pytest.mark.skip", "pytest.mark.skipif",
            "pytest.mark.xfail", "pytest.skip.Exception"}


def _skips_in(path: Path) -> list[tuple[str, str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and ast.unparse(node) in SKIPPING:
            found.append((path.name, ast.unparse(node), node.lineno))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("pytest", "_pytest")):
            names = {a.name for a in node.names} & {"skip", "importorskip", "xfail", "mark", "skipif", "Skipped"}
            found.extend((path.name, f"from {node.module} import {n}", node.lineno) for n in sorted(names))
    return found


def test_only_the_browser_test_skips() -> None:
    found = [hit for path in sorted(TESTS.rglob("*.py")) for hit in _skips_in(path)]
    assert [(name, what) for name, what, _ in found] == sorted(ALLOWED), found


INNER = '''
import pytest


def test_passes():
    assert True


def test_skips():
    pytest.skip("resource missing")


@pytest.mark.skipif(True, reason="marked skip")
def test_marked():
    pass


@pytest.mark.xfail(reason="known bug")
def test_expected_failure():
    assert False


@pytest.fixture
def missing():
    pytest.skip("fixture resource missing")


def test_fixture_skips(missing):
    pass
'''
INNER_MODULE_SKIP = '''
import pytest

pytest.importorskip("a_module_that_is_not_installed_anywhere")


def test_never_collected():
    pass
'''


def _inner_session(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run the inner tests with this suite's conftest.py and the environment variable CI set to ``ci``."""
    (tmp_path / "conftest.py").write_text((TESTS / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(INNER, encoding="utf-8")
    (tmp_path / "test_inner_module.py").write_text(INNER_MODULE_SKIP, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider", "--continue-on-collection-errors",
         str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_skips_are_failures_under_ci(tmp_path: Path) -> None:
    proc = _inner_session(tmp_path, "true")
    out = proc.stdout
    assert proc.returncode == 1, out
    reason = "CI=true: a skip is a failure in CI"
    assert f"FAILED test_inner.py::test_skips - {reason} (resource missing)" in out
    assert f"FAILED test_inner.py::test_expected_failure - {reason} (xfail: known bug)" in out
    # skips decided in setup (markers, fixtures) fail the setup: reported as errors
    assert f"ERROR test_inner.py::test_marked - {reason} (marked skip)" in out
    assert f"ERROR test_inner.py::test_fixture_skips - {reason} (fixture resource missing)" in out
    assert f"ERROR test_inner_module.py - {reason} (could not import 'a_module_that_is_not_installed_anywhere'" in out
    assert "PASSED test_inner.py::test_passes" in out
    summary = out.splitlines()[-1]
    assert "2 failed, 1 passed, 3 errors" in summary and "skipped" not in summary and "xfailed" not in summary, out


@pytest.mark.parametrize("ci", [None, "false", "1"])
def test_skips_stay_skips_outside_ci(tmp_path: Path, ci: str | None) -> None:
    proc = _inner_session(tmp_path, ci)
    assert proc.returncode == 0, proc.stdout
    assert "1 passed, 4 skipped, 1 xfailed" in proc.stdout.splitlines()[-1], proc.stdout
