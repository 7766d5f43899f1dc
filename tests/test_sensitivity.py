"""Tests of :mod:`burdenshare.analysis.sensitivity` and ``burdenshare sensitivity``.

Analytic oracle: the Ishigami function (Ishigami & Homma 1990) with a = 7, b = 0.1 and
x_i ~ U(-pi, pi) has S1 = (0.3139, 0.4424, 0) and ST = (0.5576, 0.4424, 0.2437)
(Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, §4.9; SALib's
``test_ishigami`` uses the same values).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from burdenshare.analysis.sensitivity import OUTPUTS, inverse_cdf, ishigami, sensitivity, sobol_indices
from burdenshare.cli import main
from burdenshare.errors import SpecError
from burdenshare.scenario import load_scenario
from burdenshare.scenario.schema import Beta, LogNormal, Normal, Triangular, TruncNorm, Uniform

ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
LEVEL_ONE = ["strategies.rok.reservation_value_krw", "parties.principal.p_administration_change",
             "strategies.us.obstinate_probability", "strategies.rok.obstinate_probability"]


def _unif(name: str, low: float = -math.pi, high: float = math.pi) -> Uniform:
    return Uniform(param=name, dist="uniform", low=low, high=high)


def test_ishigami_indices_match_the_analytic_values():
    dists = [_unif(f"x{i}") for i in range(3)]
    idx, rows = sobol_indices(dists, lambda x: {"y": ishigami(x)}, 8192, seed=3)
    assert rows == 8192 * 5
    s = idx["y"]
    np.testing.assert_allclose(s.S1, ISHIGAMI_S1, atol=0.02)
    np.testing.assert_allclose(s.ST, ISHIGAMI_ST, atol=0.02)
    assert all(c > 0 for c in s.S1_conf + s.ST_conf)


def test_ishigami_through_a_nonuniform_mapping():
    """x3 given as a beta(1, 1) on [-pi, pi] (= uniform) goes through the inverse CDF: same indices."""
    dists = [_unif("x1"), _unif("x2"), Beta(param="x3", dist="beta", a=1.0, b=1.0, low=-math.pi, high=math.pi)]
    idx, _ = sobol_indices(dists, lambda x: {"y": ishigami(x)}, 4096, seed=5)
    np.testing.assert_allclose(idx["y"].S1, ISHIGAMI_S1, atol=0.03)
    np.testing.assert_allclose(idx["y"].ST, ISHIGAMI_ST, atol=0.03)


def test_additive_linear_model_indices_are_variance_shares():
    """Y = X1 + 2 X2 with independent N(0,1), beta-free oracle: S1 = ST = (1/5, 4/5)."""
    dists = [Normal(param="a", dist="normal", mean=0.0, sd=1.0), Normal(param="b", dist="normal", mean=3.0, sd=1.0)]
    idx, _ = sobol_indices(dists, lambda x: {"y": x[:, 0] + 2 * x[:, 1]}, 4096, seed=1)
    np.testing.assert_allclose(idx["y"].S1, (0.2, 0.8), atol=0.03)
    np.testing.assert_allclose(idx["y"].ST, (0.2, 0.8), atol=0.03)


@pytest.mark.parametrize("dist,frozen", [
    (Uniform(param="p", dist="uniform", low=2.0, high=5.0), stats.uniform(2.0, 3.0)),
    (Normal(param="p", dist="normal", mean=1.0, sd=2.0), stats.norm(1.0, 2.0)),
    (Beta(param="p", dist="beta", a=2.0, b=8.0), stats.beta(2.0, 8.0)),
    (Triangular(param="p", dist="triangular", low=104, mode=112, high=114), stats.triang(0.8, loc=104, scale=10)),
    (LogNormal(param="p", dist="lognormal", mu=1.0, sigma=0.5), stats.lognorm(0.5, scale=math.e)),
    (TruncNorm(param="p", dist="truncnorm", mean=0.0, sd=1.0, low=-1.0, high=2.0), stats.truncnorm(-1.0, 2.0)),
])
def test_inverse_cdf_is_the_quantile_function(dist, frozen):
    u = np.array([0.1, 0.5, 0.9])
    np.testing.assert_allclose(inverse_cdf(dist, u), frozen.ppf(u), rtol=1e-12)


def test_constant_output_gives_zero_indices():
    idx, _ = sobol_indices([_unif("a"), _unif("b")], lambda x: {"y": np.ones(x.shape[0])}, 16)
    assert idx["y"].S1 == (0.0, 0.0) and idx["y"].variance == 0.0


def test_sma2020_small_run_is_finite_plausible_and_deterministic():
    s = load_scenario("sma-2020-hindsight")
    r = sensitivity(s, ["p_ratified", "increase_pct"], n=8, seed=0, draws=128, params=LEVEL_ONE, num_resamples=50)
    assert r.samples == 8 * (len(LEVEL_ONE) + 2)
    for name in ("p_ratified", "increase_pct"):
        idx = r.outputs[name]
        assert idx.params == tuple(LEVEL_ONE)
        for arr in (idx.S1, idx.ST, idx.S1_conf, idx.ST_conf):
            assert all(math.isfinite(v) for v in arr)
        # small n: wide intervals, but indices stay in a plausible band
        assert all(-1.0 <= v <= 2.0 for v in idx.S1 + idx.ST)
        assert all(c >= 0 for c in idx.ST_conf)
    # the administration change drives ratification in sma-2020-hindsight (agreements come after the inauguration)
    st = dict(zip(LEVEL_ONE, r.outputs["p_ratified"].ST))
    assert st["parties.principal.p_administration_change"] > 0.05
    again = sensitivity(s, ["p_ratified", "increase_pct"], n=8, seed=0, draws=128, params=LEVEL_ONE, num_resamples=50)
    assert again.to_json() == r.to_json()


def test_level_two_parameter_enters_through_its_own_consent_table():
    """A Level-II parameter (party discipline) is fixed per point through a one-member exact bank."""
    s = load_scenario("sma-2020-hindsight")
    r = sensitivity(s, ["p_ratified"], n=2, seed=1, draws=64, params=["legislature.party_discipline",
                                                                      "parties.principal.p_administration_change"])
    assert r.samples == 8
    assert all(math.isfinite(v) for v in r.outputs["p_ratified"].ST)


def test_bad_inputs_are_spec_errors():
    s = load_scenario("sma-2020-hindsight")
    with pytest.raises(SpecError, match="allowed") as e:
        sensitivity(s, ["nope"], n=4)
    assert e.value.field == "outputs"
    with pytest.raises(SpecError) as e:
        sensitivity(s, n=1)
    assert e.value.field == "n"
    with pytest.raises(SpecError) as e:
        sensitivity(s, params=["levers.transparency"])
    assert e.value.field == "params"


def test_cli_json_shape(capsys):
    code = main(["sensitivity", "sma-2020-hindsight", "--outputs", "p_ratified,increase_pct", "--n", "4", "--draws", "64",
                 "--params", ",".join(LEVEL_ONE[:2]), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert set(data["outputs"]) == {"p_ratified", "increase_pct"}
    assert data["n"] == 4 and data["samples"] == 16
    for block in data["outputs"].values():
        assert {"params", "S1", "S1_conf", "ST", "ST_conf"} <= set(block)
        assert block["params"] == LEVEL_ONE[:2]
        assert all(len(block[k]) == 2 for k in ("S1", "S1_conf", "ST", "ST_conf"))


@pytest.mark.parametrize("args,option", [
    (["--outputs", "bogus"], "--outputs"),
    (["--n", "1"], "--n"),
    (["--params", "levers.transparency"], "--params"),
])
def test_cli_bad_input_names_the_option(capsys, args, option):
    code = main(["sensitivity", "sma-2020-hindsight", *args])
    err = capsys.readouterr().err
    assert code == 2 and option in err and err.count("\n") == 1


def test_outputs_constant_lists_the_documented_names():
    assert {"p_ratified", "increase_pct"} <= set(OUTPUTS)
