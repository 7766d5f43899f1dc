"""The legislature's parameters in the scenario (``[legislature]``, ``[[legislature.blocs]]``),
their overrides by :class:`LegislatureParams`, and ``majority_of = "all"`` against brute-force
enumeration (THEORY.md §0, Art. 49 variants)."""

from __future__ import annotations

import math
import tomllib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from scipy import stats

from burdenshare.errors import ScenarioError
from burdenshare.legislature import (
    LegislatureModel,
    LegislatureParams,
    calibrate,
    consent_from_nodes,
    legislature_model,
    quorum_failure_probability,
    win_set,
)
from burdenshare.legislature.from_scenario import DEFAULT_PARTY_LINES
from burdenshare.legislature.record import recorded_votes
from burdenshare.legislature.vote_fit import fit_recorded_votes
from burdenshare.scenario import dump_scenario, load_scenario, loads_scenario

SMA_PATH = Path(__file__).resolve().parents[1] / "src/burdenshare/scenarios/sma-2020-hindsight.toml"
PRE, NEW = "2020-03-11", "2020-06-01"
NEW_KEYS = ("majority_share", "line_reference_krw", "ruling_yes_propensity", "opposition_yes_propensity",
            "defection", "whip_scale", "member_scale", "opinion_shock_sd", "opinion_shock_nodes",
            "duration_elasticity")

# What LegislatureParams() meant before these fields moved into the scenario.
OLD_DEFAULTS = LegislatureParams(
    party_lines=dict(DEFAULT_PARTY_LINES), ruling_yes_propensity=0.95, defection=0.05, whip_scale=0.03,
    member_scale=0.10, shock_sd=0.10, n_shock_nodes=7, duration_elasticity=0.02, majority=Fraction(1, 2),
)


@pytest.fixture(scope="module")
def sma():
    return load_scenario("sma-2020-hindsight")


def _grid(_scenario):
    return np.linspace(0.8e12, 1.6e12, 41)


# ----------------------------------------------------------------- the scenario carries the values
def test_sma_values_are_in_the_scenario(sma):
    leg = sma.legislature
    assert {b.id: b.line for b in leg.blocs} == dict(DEFAULT_PARTY_LINES)
    assert leg.majority == Fraction(1, 2) and leg.majority_of == "present"
    assert leg.line_reference_krw == "current_agreement" and leg.opposition_yes_propensity == "calibrated"
    assert (leg.ruling_yes_propensity, leg.defection, leg.whip_scale, leg.member_scale) == ("calibrated", 0.05, 0.03, 0.10)
    assert leg.attendance_sd == "calibrated"
    assert (leg.opinion_shock_sd, leg.opinion_shock_nodes, leg.duration_elasticity) == (0.10, 7, 0.02)
    assert all(b.attendance_rate is None for b in leg.blocs)


@pytest.mark.parametrize("date", [PRE, "2020-05-29", NEW])
def test_scenario_values_reproduce_the_former_defaults(sma, date):
    """The model built from the scenario alone equals the one the former LegislatureParams()
    defaults gave (issue 4: results for sma-2020-hindsight unchanged)."""
    # since the role fit (docs/legislature.md §5b) the propensities and the attendance sd are the
    # fit's to the votes before as_of; every other value is the former default
    fit = fit_recorded_votes(recorded_votes(sma.levers.as_of))
    ours = legislature_model(sma, date)
    old = legislature_model(sma, date, params=OLD_DEFAULTS.replace(
        ruling_yes_propensity=fit.government_yes, opposition_yes_propensity=fit.opposition_yes,
        attendance_sd=fit.attendance_sd))
    assert ours == old
    assert all((math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(ours.line_krw, old.line_krw, strict=True))
    for d in (1, 3):
        assert ours.consent_probability(_grid(sma), d).tolist() == old.consent_probability(_grid(sma), d).tolist()


def test_scalar_defaults_are_the_sma_values():
    """A scenario without the new scalar keys gets the same legislature (schema defaults)."""
    raw = tomllib.loads(SMA_PATH.read_text(encoding="utf-8"))
    for key in NEW_KEYS:
        raw["legislature"].pop(key)
    bare = loads_scenario(tomli_w.dumps(raw))
    assert legislature_model(bare, PRE) == legislature_model(load_scenario("sma-2020-hindsight"), PRE)


def test_dump_and_reload_keeps_the_fields(sma):
    s = load_scenario("sma-2020-hindsight", ["legislature.majority_share=2/3", "legislature.blocs.0.party_line=none",
                                   "legislature.blocs.1.attendance_rate=0.5"])
    again = loads_scenario(dump_scenario(s))
    assert again == s and again.legislature.majority == Fraction(2, 3)


# ----------------------------------------------------------------- scenario fields reach the model
def test_scenario_fields_reach_the_model(sma):
    s = load_scenario("sma-2020-hindsight", [
        "legislature.whip_scale=0.05", "legislature.member_scale=0.2", "legislature.opinion_shock_sd=0.3",
        "legislature.opinion_shock_nodes=5", "legislature.defection=0.1", "legislature.duration_elasticity=-0.1",
        "legislature.ruling_yes_propensity=0.9", "legislature.opposition_yes_propensity=0.4",
        "legislature.majority_share=3/5", "legislature.majority_of=all",
    ])
    m = legislature_model(s, NEW)
    assert (m.whip_scale, m.member_scale, m.shock_sd, m.n_shock_nodes) == (0.05, 0.2, 0.3, 5)
    assert (m.defection, m.duration_elasticity, m.majority, m.majority_of) == (0.1, -0.1, Fraction(3, 5), "all")
    rho = dict(zip(m.blocs, m.yes_propensity))
    assert rho["liberal"] == 0.9 and {rho[b] for b in m.blocs if b != "liberal"} == {0.4}


def test_calibrated_opposition_propensity_follows_the_ruling_one(sma):
    s = load_scenario("sma-2020-hindsight", ["legislature.ruling_yes_propensity=0.9"])
    m = legislature_model(s, NEW)
    assert m.yes_propensity[m.blocs.index("centrist")] == calibrate(0.9).opposition_yes_propensity
    assert calibrate(0.9).opposition_yes_propensity != calibrate(0.95).opposition_yes_propensity


def test_party_lines_and_reference(sma):
    base = legislature_model(sma, NEW)
    # no line for the conservative bloc: not whipped, the executive's line stands in
    s = load_scenario("sma-2020-hindsight", ["legislature.blocs.1.party_line=none"])
    m = legislature_model(s, NEW)
    i = m.blocs.index("conservative")
    assert m.discipline[i] == 0.0 and math.isnan(m.line_krw[i])
    assert m.line_krw[m.blocs.index("liberal")] == pytest.approx(1.2 * sma.cost_model.current_agreement_krw)
    # a numeric reference scales every line
    ref = 2 * sma.cost_model.current_agreement_krw
    m2 = legislature_model(load_scenario("sma-2020-hindsight", [f"legislature.line_reference_krw={ref!r}"]), NEW)
    for a, b in zip(m2.line_krw, base.line_krw):
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(2 * b)
    # no line for the executive's bloc either: the reference amount stands in, nobody whipped
    off = [f"legislature.blocs.{i}.party_line=none" for i in range(5)]
    m3 = legislature_model(load_scenario("sma-2020-hindsight", off), NEW)
    assert set(m3.discipline) == {0.0}


def test_per_bloc_attendance_in_the_scenario(sma):
    s = load_scenario("sma-2020-hindsight", ["legislature.blocs.0.attendance_rate=0.9", "legislature.blocs.1.attendance_rate=0.4"])
    m = legislature_model(s, NEW)
    presence = dict(zip(m.blocs, m.p_present))
    assert presence["liberal"] == 0.9 and presence["conservative"] == 0.4
    assert presence["centrist"] == s.legislature.attendance_rate
    # the same as the LegislatureParams mapping on the plain scenario
    via_params = legislature_model(sma, NEW, params=LegislatureParams(attendance={"liberal": 0.9, "conservative": 0.4}))
    assert via_params.p_present == m.p_present
    # an override mapping replaces only the blocs it names
    mixed = legislature_model(s, NEW, params=LegislatureParams(attendance={"liberal": 0.7}))
    assert dict(zip(mixed.blocs, mixed.p_present))["conservative"] == 0.4


def test_params_override_the_scenario(sma):
    s = load_scenario("sma-2020-hindsight", ["legislature.whip_scale=0.2", "legislature.majority_share=2/3",
                                   "legislature.blocs.1.party_line=0.5", "legislature.opposition_yes_propensity=0.3"])
    m = legislature_model(s, NEW, params=LegislatureParams(
        whip_scale=0.03, majority=Fraction(1, 2), party_lines={"conservative": 1.45}, opposition_yes_propensity=0.6,
        majority_of="all", defection=0.0))
    assert m.whip_scale == 0.03 and m.majority == Fraction(1, 2) and m.majority_of == "all" and m.defection == 0.0
    assert m.line_krw[m.blocs.index("conservative")] == pytest.approx(1.45 * s.cost_model.current_agreement_krw)
    assert m.yes_propensity[m.blocs.index("conservative")] == 0.6
    # party_lines names one bloc: the others keep the scenario's lines
    assert m.line_krw[m.blocs.index("liberal")] == pytest.approx(1.2 * s.cost_model.current_agreement_krw)


def test_majority_share_in_scenario_equals_the_override(sma):
    a = win_set(load_scenario("sma-2020-hindsight", ["legislature.majority_share=2/3"]), PRE).max_amount_krw
    b = win_set(sma, PRE, params=LegislatureParams(majority=Fraction(2, 3))).max_amount_krw
    assert a == b and a < win_set(sma, PRE).max_amount_krw


# ----------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("override", "field", "phrase"),
    [
        ("legislature.majority_share=0.95", "legislature.majority_share", "a/b"),
        ("legislature.majority_share=1/3x", "legislature.majority_share", "[1/10, 9/10]"),
        ("legislature.majority_share=7/23", "legislature.majority_share", "b <= 20"),
        ("legislature.majority_share=true", "legislature.majority_share", "allowed"),
        ("legislature.blocs.0.party_line=-1", "legislature.blocs.0.party_line", "greater than 0"),
        ("legislature.blocs.0.party_line=nope", "legislature.blocs.0.party_line", '"none"'),
        ("legislature.blocs.0.party_line=1000", "legislature.blocs.0.party_line", "100"),
        ("legislature.blocs.0.attendance_rate=1.5", "legislature.blocs.0.attendance_rate", "less than or equal to 1"),
        ("legislature.opposition_yes_propensity=fitted", "legislature.opposition_yes_propensity", '"calibrated"'),
        ("legislature.opposition_yes_propensity=-0.1", "legislature.opposition_yes_propensity", "greater than or equal to 0"),
        ("legislature.ruling_yes_propensity=2", "legislature.ruling_yes_propensity", "less than or equal to 1"),
        ("legislature.line_reference_krw=0", "legislature.line_reference_krw", "greater than 0"),
        ("legislature.line_reference_krw=current", "legislature.line_reference_krw", '"current_agreement"'),
        ("legislature.defection=1.1", "legislature.defection", "less than or equal to 1"),
        ("legislature.whip_scale=-0.1", "legislature.whip_scale", "greater than or equal to 0"),
        ("legislature.member_scale=11", "legislature.member_scale", "less than or equal to 10"),
        ("legislature.opinion_shock_sd=-1", "legislature.opinion_shock_sd", "greater than or equal to 0"),
        ("legislature.opinion_shock_nodes=0", "legislature.opinion_shock_nodes", "greater than or equal to 1"),
        ("legislature.opinion_shock_nodes=65", "legislature.opinion_shock_nodes", "less than or equal to 64"),
        ("legislature.duration_elasticity=2", "legislature.duration_elasticity", "less than or equal to 1"),
        ("legislature.majority_of=most", "legislature.majority_of", "'present' or 'all'"),
    ],
)
def test_bad_values_name_the_field_and_what_is_allowed(override, field, phrase):
    with pytest.raises(ScenarioError) as info:
        load_scenario("sma-2020-hindsight", [override])
    assert info.value.field == field
    assert phrase in info.value.message


def test_uncertainty_on_a_new_field_is_checked():
    ok = load_scenario("sma-2020-hindsight", ['uncertainty.0={param = "legislature.whip_scale", dist = "uniform", low = 0.01, high = 0.1, source = "assumption"}'])
    assert ok.uncertainty[0].param == "legislature.whip_scale"
    with pytest.raises(ScenarioError, match="leaves the range"):
        load_scenario("sma-2020-hindsight", ['uncertainty.0={param = "legislature.defection", dist = "uniform", low = 0.5, high = 1.5, source = "assumption"}'])


# ----------------------------------------------------------------- majority of all members
from test_legislature_consent import _brute_force  # noqa: E402 - the shared enumeration oracle


@pytest.mark.parametrize("majority", [Fraction(1, 2), Fraction(2, 3), Fraction(3, 5), Fraction(1, 3)])
@pytest.mark.parametrize("quorum", [2, 4, 6, 7])
@pytest.mark.parametrize("seed", [3, 11])
def test_majority_of_all_matches_brute_force(majority, quorum, seed):
    rng = np.random.default_rng(seed)
    seats = np.array([3, 2, 2])
    pp = rng.uniform(0.4, 1.0, size=3)
    py = rng.uniform(size=(3, 2))
    w = rng.dirichlet(np.ones(2), size=3)
    expected = _brute_force(seats, pp, py, w, quorum, majority, "all")
    for mode in ("auto", "exact", "bound"):
        got = consent_from_nodes(seats, pp, py, w, quorum=quorum, majority=majority, majority_of="all", quorum_mode=mode)
        assert got.p_consent[0] - got.error_bound - 1e-12 <= expected <= got.p_consent[0] + 1e-12
        if got.error_bound == 0.0:
            assert got.p_consent[0] == pytest.approx(expected, abs=1e-12)
    exact = consent_from_nodes(seats, pp, py, w, quorum=quorum, majority=majority, majority_of="all", quorum_mode="exact")
    assert exact.p_consent[0] == pytest.approx(expected, abs=1e-12)
    # yes > m * seated implies yes > m * present: never easier than a majority of those present
    present = _brute_force(seats, pp, py, w, quorum, majority, "present")
    assert expected <= present + 1e-12


def test_majority_of_all_quorum_cannot_bind_when_the_yes_count_reaches_it():
    # 7 seated, majority 1/2: 4 yes needed >= quorum 4, so the fast result is exact
    seats, pp = np.array([4, 3]), np.array([0.5, 0.6])
    py, w = np.array([[0.7], [0.4]]), np.ones((2, 1))
    assert quorum_failure_probability(seats, pp, 4) > 1e-3
    r = consent_from_nodes(seats, pp, py, w, quorum=4, majority_of="all")
    assert r.error_bound == 0.0 and r.method == "margin"
    assert r.p_consent[0] == pytest.approx(_brute_force(seats, pp, py, w, 4, Fraction(1, 2), "all"), abs=1e-12)


def test_majority_of_all_through_the_model_and_unreachable():
    # full attendance: "all" and "present" agree (THEORY.md §0, k* = 151 of 300)
    m = LegislatureModel.with_yes_probabilities([129, 116, 55], [0.8, 0.15, 0.5])
    assert m.replace(majority_of="all").consent([1.0]).p_consent[0] == pytest.approx(0.366326, abs=1e-6)
    # 300 x 0.52 present with probability 0.6: yes ~ Bin(300, 0.312), 151 needed
    m2 = LegislatureModel.with_yes_probabilities([300], [0.52], p_present=0.6).replace(majority_of="all")
    assert m2.consent([1.0]).p_consent[0] == pytest.approx(stats.binom.sf(150, 300, 0.6 * 0.52), abs=1e-12)
    # a 9/10 majority of 3 seated members needs 3 yes
    r = consent_from_nodes([3], 1.0, [[[0.5]]], [[[1.0]]], quorum=1, majority=Fraction(9, 10), majority_of="all")
    assert r.p_consent[0] == pytest.approx(0.125)
    with pytest.raises(Exception, match="majority_of"):
        consent_from_nodes([3], 1.0, [[[0.5]]], [[[1.0]]], quorum=1, majority_of="most")


def test_majority_of_all_on_sma_shrinks_the_win_set(sma):
    s = load_scenario("sma-2020-hindsight", ["legislature.majority_of=all"])
    grid = _grid(s)
    for date in (PRE, NEW):
        p_all = legislature_model(s, date).consent(grid)
        p_present = legislature_model(sma, date).consent(grid)
        assert p_all.error_bound == 0.0  # 151 yes of 300 implies a quorum
        assert np.all(p_all.p_consent <= p_present.p_consent + 1e-12)
        assert np.all(np.diff(p_all.p_consent) <= 1e-12)
    # before the election about 194 attend: 151 yes of 300 is far harder than a majority of them
    assert legislature_model(s, PRE).consent_probability([1.0e12])[0] < 0.5 * legislature_model(sma, PRE).consent_probability([1.0e12])[0]


def test_float_majority_override_is_the_exact_fraction() -> None:
    # Found by the type check: a float ``LegislatureParams.majority`` reached the model as a float,
    # so 2/3 of 300 seats needed floor(0.666...*300) + 1 = 200 yes votes instead of 201.
    from fractions import Fraction

    from burdenshare.legislature import LegislatureParams, legislature_model
    from burdenshare.scenario import load_scenario

    sc = load_scenario("sma-2020-hindsight")
    as_float = legislature_model(sc, "2020-04-01", params=LegislatureParams(majority=2 / 3))
    as_fraction = legislature_model(sc, "2020-04-01", params=LegislatureParams(majority=Fraction(2, 3)))
    assert as_float.majority == Fraction(2, 3) and isinstance(as_float.majority, Fraction)
    assert as_float == as_fraction
