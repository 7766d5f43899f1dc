"""Transparency: THEORY.md §15 oracle, both directions, tau = 0 identity, Bayesian properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.errors import SpecError
from burdenshare.opinion import (
    ALL,
    GroupWTP,
    TransparencyParams,
    WTPModel,
    apply_transparency,
    fit_wtp,
    normal_update,
    signal_precision,
    signal_sd,
    signal_weight,
)
from burdenshare.theory.opinion import bayesian_update

TN = 1e12
AMOUNTS = np.array([0.8, 1.0389, 1.5, 2.0, 3.0, 5.831]) * TN


@pytest.fixture(scope="module")
def base() -> WTPModel:
    return fit_wtp()


def test_oracle_theory_15():
    # THEORY.md §15: mu0 = 1.0, sigma0 = 0.5, s = 1.6, sigma_s = 0.25 -> mu1 = 1.48, sigma1 = 0.223607
    mu1, sd1 = normal_update(1.0, 0.5, 1.6, 0.25, credibility=1.0)
    assert mu1 == pytest.approx(1.48, abs=1e-12)
    assert sd1 == pytest.approx(0.223607, abs=1e-6)
    ref = bayesian_update(1.0, 0.5, 1.6, 0.25)
    assert (mu1, sd1) == pytest.approx((ref.mean, ref.sd))


def test_oracle_through_the_model():
    # log-scale prior mean 1.0, signal ln s = 1.6, tau = 1 with sigma_min = 0.25 -> sigma_s = 0.25
    m = WTPModel("lognormal", (GroupWTP(ALL, 1.0, 0.4),))
    p = TransparencyParams(transparency=1.0, credibility=1.0, prior_sd=0.5, signal_sd_min=0.25)
    assert signal_sd(1.0, 0.25) == pytest.approx(0.25)
    out = apply_transparency(m, math.exp(1.6), p)
    assert out.group(ALL).mu == pytest.approx(1.48, abs=1e-12)
    assert out.group(ALL).sigma == pytest.approx(0.4)  # belief_dispersion_share = 0
    # with the whole spread due to belief dispersion, sigma shrinks by (1 - w)
    w = signal_weight(1.0, p)
    assert 1 - w == pytest.approx(0.05 / 0.25)  # sigma1^2 / sigma0^2
    full = apply_transparency(m, math.exp(1.6), TransparencyParams(1.0, 1.0, 0.5, 0.25, belief_dispersion_share=1.0))
    assert full.group(ALL).sigma == pytest.approx(0.4 * (1 - w))


def test_credibility_discounts_the_statement():
    mu_half, _ = normal_update(1.0, 0.5, 1.6, 0.25, credibility=0.5)
    assert 1.0 < mu_half < 1.48
    assert normal_update(1.0, 0.5, 1.6, 0.25, credibility=0.0) == (1.0, 0.5)
    # kappa multiplies the precision: same as noise sigma_s / sqrt(kappa)
    assert mu_half == pytest.approx(bayesian_update(1.0, 0.5, 1.6, 0.25 / math.sqrt(0.5)).mean)


def test_tau_zero_changes_nothing(base):
    out = apply_transparency(base, 3 * TN, TransparencyParams(transparency=0.0))
    assert out == base
    assert signal_precision(0.0, 0.2) == 0.0


def test_transparency_helps_an_ask_whose_justified_part_exceeds_belief(base):
    justified = 3.0 * TN  # above the public's belief (median ~1.5 tn won)
    assert math.log(justified) > base.group(ALL).mu
    out = apply_transparency(base, justified, TransparencyParams(transparency=0.8))
    assert np.all(np.asarray(out.share_accepting(AMOUNTS)) > np.asarray(base.share_accepting(AMOUNTS)))


def test_transparency_hurts_a_padded_ask(base):
    justified = 1.1 * TN  # the statement exposes most of the ask as padding
    assert math.log(justified) < base.group(ALL).mu
    out = apply_transparency(base, justified, TransparencyParams(transparency=0.8))
    assert np.all(np.asarray(out.share_accepting(AMOUNTS)) < np.asarray(base.share_accepting(AMOUNTS)))


def test_which_direction_holds_depends_on_the_base(base):
    # 1.5 tn won justified: above the governing base's belief, below the conservative base's.
    out = apply_transparency(base, 1.5 * TN, TransparencyParams(transparency=1.0))
    ask = 2.0 * TN
    assert out.share_accepting(ask, "dp") > base.share_accepting(ask, "dp")
    assert out.share_accepting(ask, "lkp") < base.share_accepting(ask, "lkp")


def test_per_group_credibility(base):
    p = TransparencyParams(transparency=1.0, credibility={"dp": 0.0})
    out = apply_transparency(base, 3 * TN, p)
    assert out.group("dp") == base.group("dp")
    assert out.group("lkp").mu > base.group("lkp").mu
    with pytest.raises(SpecError):
        apply_transparency(base, 3 * TN, TransparencyParams(1.0, credibility={"nobody": 0.5}))


def test_invalid_inputs():
    with pytest.raises(SpecError) as e:
        TransparencyParams(transparency=1.2)
    assert e.value.field == "transparency"
    with pytest.raises(SpecError):
        TransparencyParams(transparency=0.5, credibility=-0.1)
    with pytest.raises(SpecError):
        TransparencyParams(transparency=0.5, signal_sd_min=0.3, signal_sd_max=0.2)
    with pytest.raises(SpecError) as e:
        apply_transparency(fit_wtp(), -1.0, TransparencyParams(0.5))
    assert e.value.field == "justified_amount_krw"


@settings(max_examples=100, deadline=None)
@given(
    mu0=st.floats(-5, 5),
    sd0=st.floats(0.01, 3),
    s=st.floats(-5, 5),
    sds=st.floats(0.01, 3),
    kappa=st.floats(0, 1),
)
def test_posterior_variance_never_exceeds_prior(mu0, sd0, s, sds, kappa):
    mu1, sd1 = normal_update(mu0, sd0, s, sds, kappa)
    assert sd1 <= sd0 + 1e-12
    assert min(mu0, s) - 1e-9 <= mu1 <= max(mu0, s) + 1e-9


@settings(max_examples=100, deadline=None)
@given(
    t1=st.floats(0, 1),
    t2=st.floats(0, 1),
    kappa=st.floats(0, 1),
    sd_min=st.floats(0.02, 1),
    prior_sd=st.floats(0.05, 2),
)
def test_transparency_increases_the_weight_on_the_signal(t1, t2, kappa, sd_min, prior_sd):
    lo, hi = min(t1, t2), max(t1, t2)
    p = TransparencyParams(transparency=hi, credibility=kappa, prior_sd=prior_sd, signal_sd_min=sd_min)
    w_lo, w_hi = signal_weight(lo, p), signal_weight(hi, p)
    assert 0.0 <= w_lo <= w_hi + 1e-15 <= 1.0 + 1e-15
    # and credibility does too
    assert signal_weight(hi, p, credibility=kappa / 2) <= w_hi + 1e-15


def test_won_denominated_spreads_translate_to_the_log_scale():
    from burdenshare.opinion import log_sd_from_krw

    sd = log_sd_from_krw(0.5e12, 1.5e12)
    # moment matching: a log-normal with this sigma and mean 1.5 tn has s.d. 0.5 tn
    mean = 1.5e12
    assert mean * math.sqrt(math.exp(sd**2) - 1) == pytest.approx(0.5e12)
    assert log_sd_from_krw(1.0, 1e12) == pytest.approx(1e-12)


def test_zero_credibility_everywhere_changes_nothing(base):
    assert apply_transparency(base, 3 * TN, TransparencyParams(transparency=1.0, credibility=0.0)) is base
