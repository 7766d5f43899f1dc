"""Chambers as data: one chamber equals the model; bicameral rules against brute-force enumeration."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from burdenshare.errors import SpecError
from burdenshare.legislature.chambers import Chamber, Legislature, Requirement, single_chamber
from burdenshare.legislature.model import LegislatureModel


def _chamber(seats, positions, p_present, majority_of="present", quorum=None):
    total = sum(seats)
    return LegislatureModel(
        blocs=tuple(f"b{i}" for i in range(len(seats))),
        seats=tuple(seats),
        total_seats=total,
        quorum=total // 2 + 1 if quorum is None else quorum,
        p_present=tuple(p_present),
        position_krw=tuple(positions),
        discipline=(0.5,) * len(seats),
        yes_propensity=(0.9,) * len(seats),
        defection=0.1,
        whip_scale=0.2,
        member_scale=0.3,
        shock_sd=0.3,
        n_shock_nodes=2,
        majority_of=majority_of,
    )


def _outcomes(model: LegislatureModel, amount: float):
    """Brute force: {(present, yes): probability} over every bloc node and member outcome."""
    p, w = model.nodes([amount])
    p, w = p[0], w[0]
    dist: dict[tuple[int, int], float] = {}
    for nodes in itertools.product(*[range(p.shape[1])] * len(model.seats)):
        weight = float(np.prod([w[b, k] for b, k in enumerate(nodes)]))
        members = [(b, p[b, k]) for b, k in enumerate(nodes) for _ in range(model.seats[b])]
        for states in itertools.product((0, 1, 2), repeat=len(members)):  # absent, yes, no
            prob = weight
            for (b, py), s in zip(members, states):
                pi = model.p_present[b]
                prob *= (1 - pi) if s == 0 else pi * py if s == 1 else pi * (1 - py)
            key = (sum(s > 0 for s in states), sum(s == 1 for s in states))
            dist[key] = dist.get(key, 0.0) + prob
    return dist


def _clears(model: LegislatureModel, present: int, yes: int, majority: Fraction) -> bool:
    if present < model.quorum:
        return False
    base = present if model.majority_of == "present" else sum(model.seats)
    return yes > majority * base


def _brute(leg: Legislature, amount: float) -> float:
    dists = [_outcomes(c.model, amount) for c in leg.chambers]
    total = 0.0
    for combo in itertools.product(*[list(d.items()) for d in dists]):
        prob = float(np.prod([pr for _, pr in combo]))
        votes = {c.name: key for c, (key, _) in zip(leg.chambers, combo)}
        models = {c.name: c.model for c in leg.chambers}
        ok = any(
            all(_clears(models[r.chamber], *votes[r.chamber],
                        models[r.chamber].majority if r.majority is None else r.majority) for r in path)
            for path in leg.paths
        )
        total += prob * ok
    return total


LOWER = _chamber([3, 2], [1.2, 0.9], [0.9, 0.8])
UPPER = _chamber([2, 2], [1.0, 1.3], [0.85, 0.95])
AMOUNTS = [0.8, 1.0, 1.1, 1.25]


@pytest.mark.parametrize("paths", [
    ((Requirement("lower"), Requirement("upper")),),                                   # both must consent
    ((Requirement("lower"), Requirement("upper")), (Requirement("lower", Fraction(2, 3)),)),  # override by 2/3
    ((Requirement("lower"),), (Requirement("upper", Fraction(3, 5)),)),                # either, upper by 3/5
])
def test_bicameral_rules_match_enumeration(paths):
    leg = Legislature((Chamber("lower", LOWER), Chamber("upper", UPPER)), paths)
    got = leg.consent_probability(AMOUNTS)
    want = [_brute(leg, a) for a in AMOUNTS]
    np.testing.assert_allclose(got, want, atol=1e-12)
    assert np.all(np.diff(got) <= 1e-12)   # consent does not rise with the amount


def test_override_is_between_both_and_first_alone():
    both = Legislature((Chamber("lower", LOWER), Chamber("upper", UPPER)),
                       ((Requirement("lower"), Requirement("upper")),))
    over = Legislature((Chamber("lower", LOWER), Chamber("upper", UPPER)),
                       ((Requirement("lower"), Requirement("upper")), (Requirement("lower", Fraction(2, 3)),)))
    first = single_chamber(LOWER, "lower").consent_probability(AMOUNTS)
    p_both, p_over = both.consent_probability(AMOUNTS), over.consent_probability(AMOUNTS)
    assert np.all(p_both <= p_over + 1e-15) and np.all(p_over <= first + 1e-15)
    assert np.any(p_over > p_both + 1e-3)   # the override matters


def test_majority_of_all_members_and_quorum_in_a_chamber():
    upper = _chamber([2, 2], [1.0, 1.3], [0.85, 0.95], majority_of="all", quorum=2)
    leg = Legislature((Chamber("lower", LOWER), Chamber("upper", upper)),
                      ((Requirement("lower"), Requirement("upper")),))
    np.testing.assert_allclose(leg.consent_probability(AMOUNTS), [_brute(leg, a) for a in AMOUNTS], atol=1e-12)


def test_one_chamber_is_the_model_value_for_value():
    from burdenshare.legislature import legislature_model
    from burdenshare.scenario import load_scenario

    model = legislature_model(load_scenario("sma-2020-hindsight"), "2020-03-11")
    amounts = np.linspace(0.9e12, 1.4e12, 11)
    np.testing.assert_array_equal(single_chamber(model, "assembly").consent_probability(amounts, 3),
                                  model.consent_probability(amounts, 3))
    # Art. 49: quorum of a majority of the members seated, yes > half of those present
    assert sum(model.seats) == 300 and model.quorum == 151
    assert model.majority == Fraction(1, 2) and model.majority_of == "present"


def test_rules_are_checked():
    with pytest.raises(SpecError):
        Legislature((Chamber("a", LOWER), Chamber("a", UPPER)), ((Requirement("a"),),))
    with pytest.raises(SpecError):
        Legislature((Chamber("a", LOWER),), ((Requirement("b"),),))
    with pytest.raises(SpecError):
        Legislature((Chamber("a", LOWER),), ((Requirement("a", Fraction(2, 5)),),))
