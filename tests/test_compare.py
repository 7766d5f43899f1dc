"""Counterfactuals on common random numbers: paired differences, their split into a
consent-probability (parameter-driven) and a vote-level part, the CLI and its JSON shape."""

from __future__ import annotations

import json

import numpy as np
import pytest

from burdenshare.cli import main
from burdenshare.analysis.compare import Variant, compare, differences, paired_difference, parse_variants

OUTCOMES = {"p_ratified", "consent_component", "vote_component", "p_agreement", "amount_krw", "duration_years",
            "rounds_to_agreement", "furlough_worker_days", "utility_us_krw", "utility_rok_krw"}


@pytest.fixture(scope="module")
def comparison():
    # "same" restates the baseline's own transparency: a different override, the identical scenario
    return compare("sma-2020-hindsight", [Variant("same", ("levers.transparency=0.0",)),
                                Variant("nofurlough", ("levers.furlough_from=none",))], draws=2048, seed=0)


def test_identical_variant_gives_exactly_zero_differences(comparison):
    base, (same, r) = comparison.baseline, comparison.variants[0]
    assert same.name == "same" and comparison.common_draws[0]
    for key in base.outcomes:
        np.testing.assert_array_equal(r.outcomes[key], base.outcomes[key])
    diffs = differences(base.outcomes, r.outcomes)
    assert set(diffs) == OUTCOMES
    for key, d in diffs.items():
        if d["n"]:
            assert d["mean"] == 0.0 and d["lo"] == 0.0 and d["hi"] == 0.0 and d["sd"] == 0.0, key
    assert diffs["p_ratified"]["n"] == 2048


def test_same_draws_are_used(comparison):
    base, (_, r) = comparison.baseline, comparison.variants[1]
    assert comparison.common_draws[1]
    # the drawn parameters (and the Level-II bank member) are identical draw by draw
    for key in ("r_us", "r_rok", "r_pres", "obst_us", "change", "bank"):
        np.testing.assert_array_equal(r.params[key], base.params[key])


def test_no_furlough_differences(comparison):
    base, (_, r) = comparison.baseline, comparison.variants[1]
    d = differences(base.outcomes, r.outcomes)
    # no furlough: no worker-days in any draw, so every paired difference is <= 0
    per_draw = r.outcomes["furlough_worker_days"] - base.outcomes["furlough_worker_days"]
    assert (per_draw <= 0).all() and (r.outcomes["furlough_worker_days"] == 0).all()
    assert d["furlough_worker_days"]["hi"] < 0
    # the paired mean is the difference of the two runs' shares, and splits exactly into its parts
    assert d["p_ratified"]["mean"] == pytest.approx(r.summary()["p_ratified"] - base.summary()["p_ratified"], abs=1e-12)
    assert d["p_ratified"]["mean"] == pytest.approx(d["consent_component"]["mean"] + d["vote_component"]["mean"],
                                                    abs=1e-12)
    # pairing on common draws is at least as precise as comparing two independent runs
    pb, pv = base.summary()["p_ratified"], r.summary()["p_ratified"]
    unpaired = 1.96 * np.sqrt((pb * (1 - pb) + pv * (1 - pv)) / 2048)
    assert (d["p_ratified"]["hi"] - d["p_ratified"]["lo"]) / 2 <= unpaired + 1e-12
    assert d["p_ratified"]["lo"] <= d["p_ratified"]["mean"] <= d["p_ratified"]["hi"]


def test_paired_difference_interval():
    x = np.array([0.0, 1.0, 0.0, 1.0])
    d = paired_difference(x)
    half = 1.959963984540054 * np.std(x, ddof=1) / 2
    assert d["mean"] == 0.5 and d["lo"] == pytest.approx(0.5 - half) and d["hi"] == pytest.approx(0.5 + half)
    assert paired_difference(np.array([]))["mean"] is None


def test_parse_variants():
    vs = parse_variants(["a:levers.transparency=0.5", "b:levers.allowed_durations=[1,3,5]", "a:levers.as_of=2020-06-01"],
                        ["levers.furlough_from=none"])
    assert [(v.name, v.overrides) for v in vs] == [
        ("a", ("levers.transparency=0.5", "levers.as_of=2020-06-01")), ("b", ("levers.allowed_durations=[1,3,5]",)),
        ("set", ("levers.furlough_from=none",))]


@pytest.mark.parametrize("args, field", [
    (["--variant", "levers.transparency=0.5"], "--variant"),
    (["--variant", "x:nothing"], "--variant"),
    ([], "--variant"),
    (["--set", "levers.nope=1"], "levers.nope"),
    (["--set", "levers.transparency=0.5", "--draws", "0"], "--draws"),
])
def test_compare_bad_input_is_one_line_exit_2(capsys, args, field):
    assert main(["compare", "sma-2020-hindsight", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and field in err and len(err.strip().splitlines()) == 1


def test_compare_cli_json_shape(capsys):
    code = main(["compare", "sma-2020-hindsight", "--variant", "nofurlough:levers.furlough_from=none",
                 "--set", "levers.transparency=0.0", "--draws", "1024", "--seed", "0", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"baseline", "variants", "seed", "draws", "scenario"}
    assert data["baseline"]["draws"] == 1024 and "p_ratified" in data["baseline"]
    assert [v["name"] for v in data["variants"]] == ["nofurlough", "set"]
    for v in data["variants"]:
        assert set(v) >= {"name", "overrides", "summary", "differences", "common_draws"}
        assert set(v["differences"]) == OUTCOMES
        for d in v["differences"].values():
            assert set(d) == {"mean", "lo", "hi", "sd", "n"}
    assert data["variants"][0]["overrides"] == ["levers.furlough_from=none"]
