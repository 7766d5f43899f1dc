"""WTP fit to the poll rows: observed vs predicted shares, medians, readings, partisan ordering."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.errors import SpecError
from burdenshare.opinion import ALL, FitAssumptions, GroupWTP, WTPModel, fit_wtp
from burdenshare.opinion.fit import _fit_cached, overall_cells, resolved_anchors

TN = 1e12
PARTIES = ("dp", "justice", "bareunmirae", "lkp")
IDEOLOGY = ("ideology_progressive", "ideology_moderate", "ideology_conservative")


@pytest.fixture(scope="module")
def main() -> WTPModel:
    return fit_wtp()


@pytest.fixture(scope="module")
def alt() -> WTPModel:
    return fit_wtp(reading="alt")


# --------------------------------------------------------------------------- anchors / cells
def test_anchors_follow_the_data():
    k = resolved_anchors(FitAssumptions())
    assert k["refuse_bound_krw"] == pytest.approx(1038.9e9)  # 2019 SMA contribution
    assert k["ask_krw"] == pytest.approx(5000e6 * 1166.11)  # $5 bn at the 2019 average rate
    assert resolved_anchors(FitAssumptions(ask_usd=4.7e9))["ask_krw"] == pytest.approx(4.7e9 * 1166.11)


def test_cells_are_the_renormalized_joint_shares():
    cells = overall_cells(FitAssumptions())
    shares = [c.share for c in cells]
    # 26 / 68*(.6, .3, .1) / 4 out of 98 answered (2 % don't know dropped)
    expected = np.array([26, 68 * 0.6, 68 * 0.3, 68 * 0.1, 4]) / 98
    assert shares == pytest.approx(expected)
    assert sum(shares) == pytest.approx(1.0)
    assert cells[0].n == pytest.approx(980)
    alt = overall_cells(FitAssumptions(reading="alt"))
    assert [c.share for c in alt] == pytest.approx(np.array([25, 63 * 0.6, 63 * 0.3, 63 * 0.1, 4]) / 92)


# --------------------------------------------------------------------------- stage 1 fit
@pytest.mark.parametrize("family,tol", [("lognormal", 0.065), ("loglogistic", 0.045)])
@pytest.mark.parametrize("reading", ["main", "alt"])
def test_overall_fit_reproduces_shares(family, tol, reading):
    m = fit_wtp(reading=reading, family=family)
    rep = m.fit_report()
    pid = "CCGA-2019-12" if reading == "main" else "CCGA-2019-12-alt"
    rows = [r for r in rep.rows if r.poll_id == pid]
    assert len(rows) == 5
    # Cell shares within the stated tolerance (two parameters for five cells) ...
    assert rep.max_abs_error(pid) <= tol
    # ... and the cumulative shares at every anchor within 0.04.
    obs = np.cumsum([r.observed for r in rows])[:-1]
    upper = [r.upper_krw for r in rows][:-1]
    assert np.max(np.abs(obs - np.asarray(m.cdf(upper)))) <= 0.04
    assert sum(r.predicted for r in rows) == pytest.approx(1.0)
    assert math.isfinite(rep.log_likelihood) and rep.deviance >= 0


def test_overall_median_lies_where_the_data_put_it(main):
    # 26.5 % refuse (below the current 1.04 tn), 26.5 + 41.6 = 68 % below 2 tn won
    med = main.median()
    assert 1.0389 * TN < med < 2.0 * TN
    assert 1.3 * TN < med < 1.7 * TN
    assert main.cdf(1.0389 * TN) < 0.5 < main.cdf(2.0 * TN)
    # in dollars at the 2019 rate: about $1.3 bn (THEORY.md §12's piecewise-linear prior: ~$1.35 bn)
    assert 1.1e9 < med / 1166.11 < 1.45e9


def test_main_and_alt_both_fit_and_differ_in_the_documented_direction(main, alt):
    # alt renormalizes 25/63/4 over 92 answers: more mass at both ends (27.2 % refuse vs 26.5 %,
    # 4.3 % accept vs 4.1 %) -> larger spread and a slightly lower median.
    assert alt.group(ALL).sigma > main.group(ALL).sigma
    assert alt.median() < main.median()
    assert abs(alt.median() / main.median() - 1) < 0.02
    assert alt.share_accepting(5000e6 * 1166.11) > main.share_accepting(5000e6 * 1166.11)


def test_dont_know_as_refusal_lowers_the_median(main):
    assert fit_wtp(dont_know="refuse").median() < main.median()


# --------------------------------------------------------------------------- stage 2 fit
@pytest.mark.parametrize("kwargs", [{}, {"reading": "alt"}, {"family": "loglogistic"}, {"dont_know": "refuse"}])
def test_partisan_ordering_comes_from_the_data(kwargs):
    m = fit_wtp(**kwargs)
    mu = {g: m.group(g).mu for g in m.group_names}
    # conservative bases most willing to pay, the governing camp's base least
    assert set(sorted(mu, key=mu.get)[-2:]) == {"lkp", "ideology_conservative"}
    assert min(mu, key=mu.get) in ("dp", "justice")
    assert mu["dp"] < mu["bareunmirae"] < mu[ALL] < mu["lkp"]
    assert mu["justice"] < mu["bareunmirae"]
    assert mu["ideology_progressive"] < mu["ideology_moderate"] < mu["ideology_conservative"]
    # a common spread: group effects are pure log shifts
    assert len({round(m.group(g).sigma, 12) for g in m.group_names}) == 1


def test_partisan_rows_fit_within_stated_tolerance(main):
    rep = main.fit_report()
    rm = [r for r in rep.rows if r.poll_id.startswith("RM-")]
    assert {r.poll_id for r in rm} == {"RM-2019-01", "RM-2019-08", "RM-2019-11"}
    whole = [r for r in rm if r.subgroup == ALL]
    assert max(abs(r.observed - r.predicted) for r in whole) < 0.02
    # one shift per base across three differently framed polls: the largest residual is the
    # Justice Party (25 % favor in Jan 2019, 0.0 % in Nov 2019).
    assert max(abs(r.observed - r.predicted) for r in rm) < 0.11


def test_thresholds_are_reported_beside_the_nominal_anchor(main):
    thr = {pid: (t, a) for pid, t, a in main.fit_report().thresholds}
    t, anchor = thr["RM-2019-11"]
    assert anchor == pytest.approx(5000e6 * 1166.11)
    # the drawdown-threat framing: as many "need to accept" as would pay ~2.4 tn won unframed
    assert 2.0 * TN < t < 3.0 * TN < anchor


def test_fit_is_deterministic():
    a = FitAssumptions(reading="alt", family="loglogistic")
    m1 = _fit_cached.__wrapped__(a)
    m2 = _fit_cached.__wrapped__(a)
    assert m1 == m2
    assert m1.fit_report().parameters == m2.fit_report().parameters


def test_invalid_options_raise_spec_error():
    with pytest.raises(SpecError) as e:
        fit_wtp(reading="other")
    assert e.value.field == "reading"
    with pytest.raises(SpecError) as e:
        fit_wtp(bogus=1)
    assert e.value.field == "bogus"
    with pytest.raises(SpecError) as e:
        fit_wtp(refuse_bound_krw=2.5e12)
    assert e.value.field == "refuse_bound_krw"
    with pytest.raises(SpecError):
        fit_wtp(subgroup_n=0)


# --------------------------------------------------------------------------- WTPModel
def test_hand_built_model_has_no_fit_report():
    m = WTPModel("lognormal", (GroupWTP("all", math.log(1.5e12), 0.6),))
    with pytest.raises(SpecError):
        m.fit_report()
    with pytest.raises(SpecError):
        m.median("nobody")
    with pytest.raises(SpecError):
        m.quantile(1.0)


def test_level_shift_moves_every_quantile_by_the_shift(main):
    moved = main.with_level_shift(-2e11)
    q = np.array([0.1, 0.5, 0.9])
    assert np.asarray(moved.quantile(q)) == pytest.approx(np.asarray(main.quantile(q)) - 2e11)
    assert moved.cdf(-2e11) == 0.0
    assert moved.cdf(moved.quantile(0.3)) == pytest.approx(0.3)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(1e9, 2e13),
    b=st.floats(1e9, 2e13),
    group=st.sampled_from((ALL,) + PARTIES + IDEOLOGY),
    family=st.sampled_from(("lognormal", "loglogistic")),
)
def test_share_accepting_is_non_increasing_in_the_amount(a, b, group, family):
    m = fit_wtp(family=family)
    lo, hi = min(a, b), max(a, b)
    assert m.share_accepting(hi, group) <= m.share_accepting(lo, group)
    assert 0.0 <= m.share_accepting(hi, group) <= 1.0


@settings(max_examples=60, deadline=None)
@given(q=st.floats(0.001, 0.999), group=st.sampled_from((ALL,) + PARTIES + IDEOLOGY))
def test_quantile_inverts_cdf(q, group):
    m = fit_wtp()
    assert m.cdf(m.quantile(q, group), group) == pytest.approx(q, abs=1e-9)


def test_vectorized_cdf_matches_scalar(main):
    xs = np.linspace(5e11, 6e12, 7).reshape(7, 1) * np.ones((1, 3))
    out = main.cdf(xs, "lkp")
    assert out.shape == (7, 3)
    assert out[3, 2] == pytest.approx(main.cdf(xs[3, 2], "lkp"))


def test_scenario_style_groups_pool_subgroups():
    groups = {
        "dp": ["Democratic Party supporters", "progressives"],
        "conservative": ["Liberty Korea Party supporters", "conservatives"],
        "centrist": ["Bareunmirae supporters"],
        "justice": ["Justice Party supporters"],
        "unaffiliated": ["moderates"],
        "other": [],
    }
    m = fit_wtp(groups=groups)
    assert m.group_names == (ALL, "dp", "conservative", "centrist", "justice", "unaffiliated", "other")
    assert m.group("other").mu == m.group(ALL).mu  # no rows: the whole public
    assert m.median("dp") < m.median("centrist") < m.median(ALL) < m.median("conservative")
    rows = {r.subgroup for r in m.fit_report().rows}
    assert "dp: progressives" in rows
    with pytest.raises(SpecError):
        fit_wtp(groups={"a": ["moderates"], "b": ["moderates"]})
    with pytest.raises(SpecError):
        fit_wtp(groups={"all": ["moderates"]})


def test_array_kernel_matches_the_model_on_a_draw_axis(main):
    from burdenshare.opinion import wtp_cdf

    g = main.group("lkp")
    mus = g.mu + np.array([-0.2, 0.0, 0.3])[:, None]  # three draws
    amounts = np.array([1e12, 2e12, 5e12])
    out = wtp_cdf(amounts, mus, g.sigma, 0.0, main.family)
    assert out.shape == (3, 3)
    assert out[1] == pytest.approx(np.asarray(main.cdf(amounts, "lkp")))
    shifted = main.with_log_shift({"lkp": 0.3})
    assert out[2] == pytest.approx(np.asarray(shifted.cdf(amounts, "lkp")))


def test_groups_accept_a_mapping_in_the_assumptions():
    a = FitAssumptions(groups={"dp": ["Democratic Party supporters"], "rest": ["moderates"]})
    assert a.groups == (("dp", ("Democratic Party supporters",)), ("rest", ("moderates",)))
    assert fit_wtp(a).group_names == (ALL, "dp", "rest")
