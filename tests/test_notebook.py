"""docs/notebooks/sma-2020.ipynb (the built, as-of scenario) and sma-2020-hindsight.ipynb run top to bottom
(nbclient, a fresh kernel) and their displays show the real values: the run's bottom line and summary, the
comparison's paired difference, the win-set and the statement, each equal to what the library computes here."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import burdenshare as bs
from burdenshare.analysis.briefing import bottom_line
from burdenshare.analysis.compare import Variant

NOTEBOOKS = Path(__file__).resolve().parent.parent / "docs" / "notebooks"


@pytest.fixture(scope="module", params=["sma-2020", "sma-2020-hindsight"])
def executed(request):
    nb_path = NOTEBOOKS / f"{request.param}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(nb_path.parent)}}).execute()
    return request.param, [c for c in nb.cells if c.cell_type == "code"]


def _html(cell) -> str:
    (out,) = [o for o in cell.outputs if o.output_type == "execute_result"]
    return out["data"]["text/html"]


def test_notebook_runs_and_shows_real_values(executed):
    name, executed = executed
    sc = bs.load_scenario(name)
    r = bs.simulate(sc, bs.RunConfig(draws=2048, seed=0))
    s = r.summary()
    b = bottom_line(r)
    run = _html(executed[0])
    assert run.index("Bottom line") < run.index("<table")  # the bottom line first
    assert f"P(ratified) {s['p_ratified']:.3f}" in run and s["run_id"] in run
    assert f"KRW {s['amount_first_year_krw']['p50'] / 1e9:,.0f} bn" in run and "USD" in run
    assert b.window is not None and b.window[0] in run and "Glossary" in run
    text = "".join(o.get("text", "") for o in executed[1].outputs if o.output_type == "stream")
    assert text.startswith(b.text)
    c = bs.compare(name, [Variant("transparent", ("levers.transparency=1",))], draws=2048, seed=0).to_json()
    d = c["variants"][0]["differences"]["p_ratified"]
    assert re.search(rf"p_ratified</td><td[^>]*>{re.escape(format(d['mean'], '+.4f'))}</td>", _html(executed[2]))
    ws = bs.win_set(sc, "2020-06-01")
    assert f"KRW {ws.max_amount_krw / 1e9:,.0f} bn per year" in _html(executed[3])
    st = bs.explain(sc)
    title, _, rows, _ = st.render()
    page = _html(executed[4])
    assert title.replace("'", "&#x27;") in page or title in page
    assert all(str(cell).replace("'", "&#x27;") in page for cell in rows[0])
