"""The golden summary of the bundled scenario: ``burdenshare run sma-2020-hindsight --draws 10000 --seed 0 --json``.

``tests/data/golden/sma-2020-hindsight-draws10000-seed0.json`` is that command's output (without
``run_id`` and ``scenario_hash``, which follow the package version and the scenario's text).
``docs/simulation.md`` §5 explains each of its numbers (the April 2020 presidential rejection,
agreement after the change of administration, the median +11.7 %); the test checks the run through
the CLI, value for value and bit for bit, and that the docs quote the same numbers.  A change of
the model that moves these numbers must regenerate the file and rewrite §5 with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from burdenshare.engine import RunConfig, run_identity
from burdenshare.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "data" / "golden" / "sma-2020-hindsight-draws10000-seed0.json"


def test_sma_2020_summary_equals_the_golden_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "burdenshare", "run", "sma-2020-hindsight", "--draws", "10000", "--seed", "0",
                           "--json", "--summary-only", "--store", str(tmp_path / "s.duckdb")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got.pop("run_id") == run_identity(load_scenario("sma-2020-hindsight"), RunConfig(draws=10_000, seed=0))
    got.pop("scenario_hash")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)  # exact: same seed, same bits


def test_the_docs_explain_the_golden_numbers():
    g = json.loads(GOLDEN.read_text(encoding="utf-8"))
    doc = (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 5. What `sma-2020-hindsight` gives (10,000 draws, seed 0)"):doc.index("## 6.")]
    by = g["p_agreement_by"]
    quoted = [
        f"`p_agreement` {g['p_agreement']:.4f}",
        f"`p_ratified` {g['p_ratified']:.4f}",
        f"`p_rejected_by_president` {g['p_rejected_by_president']:.4f}",
        f"`p_agreement_by` 2020-11-03 = {by['2020-11-03']:.4f}, 2021-01-20 = {by['2021-01-20']:.4f}",
        f"median KRW {g['amount_first_year_krw']['p50'] / 1e9:,.0f} bn (+{g['increase_pct']['p50']:.1f} %",
        f"KRW {g['amount_first_year_krw']['p10'] / 1e9:,.0f}–{g['amount_first_year_krw']['p90'] / 1e9:,.0f} bn",
        f"+{g['increase_pct']['p10']:.1f} % to +{g['increase_pct']['p90']:.1f} %",
        f"rejects a text in {g['p_rejected_by_assembly']:.2f} of the draws",
        f"2021-02-11 = {by['2021-02-11']:.4f}, 2021-03-13 = {by['2021-03-13']:.4f}",
        f"2021-03-31 = {by['2021-03-31']:.4f} = `p_agreement`",
        f"between {g['bottom_line']['window'][0]} and {g['bottom_line']['window'][1]}",
        f"(USD {g['bottom_line']['amount_usd'] / 1e9:.2f} bn",
        f"P(no ratified deal by 2021-03-31) {g['bottom_line']['p_no_deal_by_horizon']:.3f}",
        f"transparency 0 → 1 {g['bottom_line']['drivers'][0]['effect']:+.3f}",
        f"no furlough {g['bottom_line']['drivers'][1]['effect']:+.3f}",
        f"single-year terms only {g['bottom_line']['drivers'][2]['effect']:+.3f}",
        f"two years ({100 * g['term_years']['p']['2']:.0f} %), three years ({100 * g['term_years']['p']['3']:.0f} %), "
        f"four years ({100 * g['term_years']['p']['4']:.0f} %), five years ({100 * g['term_years']['p']['5']:.1f} %)",
        f"mean {g['term_years']['mean']:.2f}, so `p_multiyear` is {g['duration_years']['p_multiyear']:.4f}",
    ]
    flat = " ".join(section.split())
    for text in quoted:
        assert " ".join(text.split()) in flat, text
    assert by["2020-04-01"] == by["2020-04-15"] == 0.0
