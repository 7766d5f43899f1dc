"""Shared test fixtures and the suite's skip policy.

* Every test uses a temporary results store, never ./burdenshare.duckdb.
* Skips cannot hide in CI: with ``CI=true`` (set by ``.ci/run``) a test, fixture or module that
  skips or xfails is reported as a failure, with the skip's reason.  Tests of the package's own
  modules never skip; the only skip left in the suite is for a system resource CI installs
  (Debian's chromium for the browser tests), which outside CI may be absent.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

#: True when the suite runs in CI (``.ci/run`` exports ``CI=true``): skips are failures there.
IN_CI = os.environ.get("CI") == "true"


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    wasxfail = getattr(report, "wasxfail", None)
    if wasxfail is not None:
        return f"xfail: {wasxfail}"
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: reason")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail_skipped(report: pytest.TestReport | pytest.CollectReport) -> None:
    if IN_CI and report.skipped:
        report.longrepr = f"CI=true: a skip is a failure in CI ({_skip_reason(report)})"
        report.outcome = "failed"
        if hasattr(report, "wasxfail"):
            del report.wasxfail


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    _fail_skipped(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    _fail_skipped(outcome.get_result())


@pytest.fixture(autouse=True)
def _temporary_store(tmp_path, monkeypatch):
    monkeypatch.setenv("BURDENSHARE_STORE", str(tmp_path / "burdenshare.duckdb"))


@pytest.fixture(autouse=True, scope="session")
def _session_consent_cache(tmp_path_factory):
    """Consent tables go to a temporary cache folder shared by the session's tests, never to the
    user's cache (tests of the cache itself point it at their own folder)."""
    old = os.environ.get("BURDENSHARE_CACHE_DIR")
    os.environ["BURDENSHARE_CACHE_DIR"] = str(tmp_path_factory.mktemp("consent-cache"))
    yield
    if old is None:
        os.environ.pop("BURDENSHARE_CACHE_DIR", None)
    else:
        os.environ["BURDENSHARE_CACHE_DIR"] = old
