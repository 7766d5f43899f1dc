"""The dashboard in headless Chromium (Playwright driving Debian's chromium) against a real
``burdenshare serve`` process (issue 12): load it, run, change a lever and see the bottom line
change, every chart drawn with data, the shared URL reproducing the numbers in a new page, the CSV
download, no console errors and no request to any host but the server.

Chromium is a system package: the ``chromium`` fixture of ``test_browser_report`` skips where it
is missing (a failure under ``CI=true``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from _web import BANK, serve
from test_browser_report import CHROMIUM_ARGS, chromium  # noqa: F401 - the fixture

DRAWS = 2048
CHARTS = ("chart-settlement", "chart-timing", "chart-consent", "chart-votes")


def _wait_run(page: Page, previous: str | None = None) -> str:
    """The summary and charts shown, then the bottom line's drivers filled in (they follow the summary)."""
    page.wait_for_function("prev => document.body.dataset.ready === '1' && document.body.dataset.runId !== prev",
                           arg=previous or "", timeout=240_000)
    page.wait_for_function("['ready', 'failed'].includes(document.body.dataset.drivers)", timeout=240_000)
    assert page.evaluate("document.body.dataset.drivers") == "ready"
    assert page.get_attribute("#drivers", "data-state") == "ready"
    return str(page.evaluate("document.body.dataset.runId"))


def _numbers(page: Page) -> dict[str, str]:
    return {"bottom": page.inner_text("#bottom-line"), "headline": page.inner_text("#headline")}


def test_dashboard_end_to_end(chromium: str, tmp_path: Path) -> None:  # noqa: F811
    errors: list[str] = []
    hosts: set[str] = set()
    with serve(tmp_path / "dash.duckdb") as base, tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(profile, executable_path=chromium, headless=True,
                                                        args=CHROMIUM_ARGS, accept_downloads=True,
                                                        viewport={"width": 1280, "height": 900})
        try:
            def watch(page: Page) -> Page:
                page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
                page.on("request", lambda r: hosts.add(urlparse(r.url).netloc) if r.url.startswith("http") else None)
                return page

            page = watch(browser.new_page())
            page.goto(base + "/", wait_until="load")
            page.wait_for_function("document.body.dataset.loaded === '1'", timeout=60_000)
            # the controls come from /levers, each with a label
            levers = httpx.get(f"{base}/api/scenarios/sma-2020/levers", timeout=30).json()["levers"]
            shown = page.eval_on_selector_all("#levers .lever", "els => els.map(e => e.dataset.path)")
            assert shown == [lv["path"] for lv in levers]
            unlabelled = page.evaluate(
                "Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))"
                ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.closest('label'))"
                ".map(e => e.id)")
            assert unlabelled == []
            page.fill("#draws", str(DRAWS))
            page.fill("#bank", str(BANK))
            page.focus("#run")
            page.keyboard.press("Enter")  # keyboard-usable
            first = _wait_run(page)
            before = _numbers(page)
            api_first = httpx.get(f"{base}/api/runs/{first}", timeout=30).json()["summary"]
            assert f"{100 * api_first['p_ratified']:.1f} %" in before["headline"]
            # a lever moves the bottom line
            page.fill("#lever-levers-transparency", "1")
            page.click("#run")
            second = _wait_run(page, first)
            after = _numbers(page)
            api_second = httpx.get(f"{base}/api/runs/{second}", timeout=30).json()["summary"]
            assert second != first and api_second["p_ratified"] != api_first["p_ratified"]
            assert after["bottom"] != before["bottom"]
            assert f"{100 * api_second['p_ratified']:.1f} %" in after["bottom"] + after["headline"]
            # every chart is drawn, with data
            for chart in CHARTS:
                n = page.evaluate(
                    "id => (document.getElementById(id).data || []).reduce((a, t) => a + ((t.x || t.y || []).length), 0)",
                    chart)
                assert n > 0, chart
                assert page.locator(f"#{chart} svg.main-svg").count() > 0, chart
            # baseline vs variant: the paired differences of /api/compare, shown in the page
            page.click("#compare")
            page.wait_for_selector("#compare-table", timeout=240_000)
            cmp = httpx.post(f"{base}/api/compare", json={"scenario": "sma-2020", "base": [],
                                                          "variant": ["levers.transparency=1"], "draws": DRAWS,
                                                          "seed": 0, "bank_size": BANK}, timeout=600).json()
            d = cmp["variants"][0]["differences"]["p_ratified"]
            first_row = page.inner_text("#compare-table tbody tr:first-child")
            assert first_row.split("\t")[:3] == ["P(ratified)", f"{d['mean']:.4f}", f"{d['lo']:.4f} .. {d['hi']:.4f}"]
            # the shared URL encodes scenario, levers, draws, seed and reproduces the numbers
            url = page.input_value("#share")
            q = parse_qs(urlparse(url).query)
            assert q["scenario"] == ["sma-2020"] and q["set"] == ["levers.transparency=1"]
            assert q["draws"] == [str(DRAWS)] and q["seed"] == ["0"] and q["bank"] == [str(BANK)]
            assert "--set levers.transparency=1" in page.input_value("#repro-cli")
            other = watch(browser.new_page())
            other.goto(url, wait_until="load")
            assert _wait_run(other) == second
            assert _numbers(other) == after
            # the CSV download holds the run's rows
            with other.expect_download() as dl:
                other.click("#dl-rows-csv")
            lines = Path(dl.value.path()).read_text(encoding="utf-8").strip().splitlines()
            assert len(lines) == DRAWS + 1 and lines[0].startswith("run_id,")
            # phone width: nothing wider than the screen
            other.set_viewport_size({"width": 390, "height": 844})  # plotly redraws on resize (responsive)
            other.wait_for_function("document.documentElement.scrollWidth <= 390", timeout=10_000)
        finally:
            browser.close()
    assert errors == []
    assert hosts == {urlparse(base).netloc}, hosts
