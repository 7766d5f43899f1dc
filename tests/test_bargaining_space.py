"""Agreement spaces and linear-additive utilities: NegMAS order, exact floats, bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from burdenshare.bargaining import Issue, LinearUtility, OutcomeSpace, reference_domain
from burdenshare.bargaining.space import Domain, one_issue_space, three_issue_space
from burdenshare.errors import SpecError


def test_outcomes_enumerate_first_issue_slowest() -> None:
    space = three_issue_space()
    outs = list(space.outcomes())
    assert len(outs) == space.n_outcomes == 101 * 5 * 11 == 5555
    assert outs[:3] == [(0, 1, 0), (0, 1, 1), (0, 1, 2)]
    assert outs[11] == (0, 2, 0)
    assert outs[-1] == (100, 5, 10)
    for i in (0, 1, 57, 1234, 5554):
        assert space.outcome(i) == outs[i]
        assert space.index_of(outs[i]) == i
    assert space.levels()[1234].tolist() == [
        space.issues[j].level(v) for j, v in enumerate(outs[1234])
    ]


def test_one_issue_utilities_are_python_float_division() -> None:
    d = reference_domain("1issue")
    assert d.table[0].tolist() == [x / 100 for x in range(101)]
    assert d.table[1].tolist() == [(100 - x) / 100 for x in range(101)]
    # x/100 is not 0.01*x in floats: the table must hold the division
    assert any(x / 100 != 0.01 * x for x in range(101))


def test_three_issue_utilities_match_definition_exactly() -> None:
    d = reference_domain("3issue")
    den = 131072
    for i, (a, y, e) in enumerate(itertools.product(range(101), range(1, 6), range(11))):
        us = 0.0 + 786 * a / den + 4918 * (5 - y) / den + 3280 * e / den
        rok = 0.0 + 654 * (100 - a) / den + 9828 * (y - 1) / den + 2636 * (10 - e) / den
        assert d.table[0, i] == us and d.table[1, i] == rok
    assert d.utilities[0]((54, 3, 10)) == 0.64910888671875
    for p in (0, 1):  # no ties, exact range [0, 1]
        assert len(np.unique(d.table[p])) == 5555
        assert d.sorted_table[p, 0] == 0.0 and d.sorted_table[p, -1] == 1.0
        assert np.all(np.diff(d.sorted_table[p]) > 0)
        assert np.array_equal(d.table[p, d.order[p]], d.sorted_table[p])


def test_scalar_and_vector_evaluation_agree() -> None:
    space = OutcomeSpace((Issue.integers("a", 0, 3), Issue.categorical("c", ["x", "y"])))
    u = LinearUtility(space, ((0.1, 0.2, 0.3, 0.7), (0.0, 0.3)), (0.6, 0.4), 0.2)
    vals = u.values()
    for i, o in enumerate(space.outcomes()):
        assert vals[i] == u(o)
    assert u.with_reservation_value(0.5).reservation_value == 0.5


def test_unknown_scenario_and_party() -> None:
    with pytest.raises(SpecError) as ei:
        reference_domain("9issue")  # type: ignore[arg-type]
    assert ei.value.field == "scenario"
    with pytest.raises(SpecError) as ei:
        reference_domain("1issue").party_index("DPRK")
    assert ei.value.field == "party"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Issue("payment", ()), "issues.payment.values"),
        (lambda: Issue.integers("payment", 5, 4), "issues.payment.values"),
        (lambda: Issue("c", ("a", "a")), "issues.c.values"),
        (lambda: OutcomeSpace(()), "issues"),
        (
            lambda: LinearUtility(one_issue_space(), ((math.nan,) * 101,), (1.0,)),
            "utility.tables.payment",
        ),
        (
            lambda: LinearUtility(one_issue_space(), ((math.inf,) + (0.0,) * 100,), (1.0,)),
            "utility.tables.payment",
        ),
        (
            lambda: LinearUtility(one_issue_space(), ((0.0,) * 101,), (math.nan,)),
            "utility.weights.payment",
        ),
        (
            lambda: LinearUtility(one_issue_space(), ((0.0,) * 101,), (1.0,), math.nan),
            "utility.reservation_value",
        ),
        (
            lambda: LinearUtility(one_issue_space(), ((0.0,) * 101,), (1.0,), -math.inf),
            "utility.reservation_value",
        ),
        (lambda: LinearUtility(one_issue_space(), ((0.0,) * 100,), (1.0,)), "utility.tables.payment"),
        (lambda: one_issue_space().outcome(101), "outcome"),
        (lambda: one_issue_space().index_of((101,)), "issues.payment"),
    ],
)
def test_bad_input_names_the_field(make, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError) as ei:
        make()
    assert ei.value.field == field


def test_domain_rejects_mismatched_spaces() -> None:
    s1, s3 = one_issue_space(), three_issue_space()
    u1 = LinearUtility.from_functions(s1, [lambda x: x / 100])
    u3 = LinearUtility.from_functions(s3, [lambda a: 0.0, lambda y: 0.0, lambda e: 0.0])
    with pytest.raises(SpecError):
        Domain(s1, (u1, u3))
