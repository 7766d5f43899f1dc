r"""Agreement spaces and linear-additive utilities for Level-I bargaining.

An agreement is one value per **issue**; the agreement space is the cartesian product of the
issues' value sets, enumerated in the order NegMAS uses (``itertools.product``: the first issue
varies slowest).  Outcome ``i`` of a space with issues :math:`I_1, \dots, I_m` of sizes
:math:`n_1, \dots, n_m` has level indices given by the mixed-radix digits of ``i``.

A party's preferences are **linear-additive** (Keeney & Raiffa 1976; NegMAS
``LinearAdditiveUtilityFunction``, Mohammad et al.):

.. math::

    u(x) = 0.0 + \sum_{j=1}^{m} w_j \, v_j(x_j),

evaluated left to right in issue order, exactly as NegMAS does, so every utility is bit-identical
to NegMAS's.  Each :math:`v_j` is a value table (one float per level of issue :math:`j`).  A
party's **reservation value** :math:`r` is its utility of no agreement.

The two reference scenarios of ``shared/bench/negmas/outcomes.json`` are built here from their
definitions (never from recorded tables):

* ``1issue`` -- payment :math:`x \in \{0..100\}`; :math:`u_{US} = x/100`,
  :math:`u_{ROK} = (100-x)/100` (Python float division, weight 1.0).
* ``3issue`` -- amount 0..100, duration 1..5, escalation 0..10;
  :math:`u_{US} = (786a + 4918(5-d) + 3280e)/131072`,
  :math:`u_{ROK} = (654(100-a) + 9828(d-1) + 2636(10-e))/131072`, each table entry already
  divided by 131072 (all exact binary fractions, no ties).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from burdenshare.errors import SpecError

__all__ = [
    "Issue",
    "OutcomeSpace",
    "LinearUtility",
    "Domain",
    "ReferenceScenario",
    "one_issue_space",
    "three_issue_space",
    "one_issue_domain",
    "three_issue_domain",
    "reference_domain",
]

IssueValue = int | str
Outcome = tuple[IssueValue, ...]
ReferenceScenario = Literal["1issue", "3issue"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One negotiated term with a finite, ordered set of values.

    Parameters
    ----------
    name
        Issue name (``"payment"``, ``"duration"``).
    values
        The values the issue can take, in order (integers or category labels).

    Raises
    ------
    SpecError
        If ``values`` is empty or repeats a value.
    """

    name: str
    values: tuple[IssueValue, ...]

    def __post_init__(self) -> None:
        if len(self.values) == 0:
            raise SpecError(f"issue {self.name!r} has no values", field=f"issues.{self.name}.values")
        if len(set(self.values)) != len(self.values):
            raise SpecError(
                f"issue {self.name!r} repeats a value", field=f"issues.{self.name}.values"
            )

    @classmethod
    def integers(cls, name: str, low: int, high: int) -> Issue:
        """Integer range ``low..high`` inclusive (NegMAS ``make_issue(values=(low, high))``)."""
        if high < low:
            raise SpecError(
                f"empty integer range {low}..{high}", field=f"issues.{name}.values"
            )
        return cls(name, tuple(range(int(low), int(high) + 1)))

    @classmethod
    def categorical(cls, name: str, values: Sequence[str]) -> Issue:
        """Categorical issue with the given labels, in order."""
        return cls(name, tuple(values))

    def level(self, value: IssueValue) -> int:
        """Position of ``value`` in :attr:`values`."""
        try:
            return self.values.index(value)
        except ValueError:
            raise SpecError(
                f"{value!r} is not a value of issue {self.name!r}", field=f"issues.{self.name}"
            ) from None


@dataclass(frozen=True, slots=True)
class OutcomeSpace:
    """Cartesian product of issues, enumerated first-issue-slowest (NegMAS order).

    Parameters
    ----------
    issues
        The issues, in order.
    """

    issues: tuple[Issue, ...]

    def __post_init__(self) -> None:
        if len(self.issues) == 0:
            raise SpecError("an outcome space needs at least one issue", field="issues")

    @property
    def sizes(self) -> tuple[int, ...]:
        """Number of values of each issue."""
        return tuple(len(i.values) for i in self.issues)

    @property
    def n_outcomes(self) -> int:
        """Number of outcomes (product of the issue sizes)."""
        return math.prod(self.sizes)

    def __len__(self) -> int:
        return self.n_outcomes

    def outcomes(self) -> Iterator[Outcome]:
        """All outcomes in index order (``itertools.product`` of the issue values)."""
        return itertools.product(*(i.values for i in self.issues))

    def levels(self) -> NDArray[np.int64]:
        """Level index of every issue for every outcome, shape ``(n_outcomes, n_issues)``."""
        grids = np.indices(self.sizes).reshape(len(self.issues), -1)
        return np.ascontiguousarray(grids.T, dtype=np.int64)

    def outcome(self, index: int) -> Outcome:
        """The outcome with the given index."""
        n = self.n_outcomes
        if not 0 <= index < n:
            raise SpecError(f"outcome index {index} outside 0..{n - 1}", field="outcome")
        lv = np.unravel_index(int(index), self.sizes)
        return tuple(iss.values[int(k)] for iss, k in zip(self.issues, lv))

    def index_of(self, outcome: Sequence[IssueValue]) -> int:
        """Index of ``outcome`` (one value per issue, in issue order)."""
        if len(outcome) != len(self.issues):
            raise SpecError(
                f"outcome {tuple(outcome)!r} needs {len(self.issues)} values", field="outcome"
            )
        lv = tuple(iss.level(v) for iss, v in zip(self.issues, outcome))
        return int(np.ravel_multi_index(lv, self.sizes))


@dataclass(frozen=True, slots=True)
class LinearUtility:
    """Linear-additive utility ``u(x) = 0.0 + sum_j w_j * v_j(x_j)`` (NegMAS order).

    Parameters
    ----------
    space
        The outcome space the utility is defined on.
    tables
        One value table per issue: ``tables[j][k]`` is :math:`v_j` of the ``k``-th value of
        issue ``j``.
    weights
        One weight per issue.
    reservation_value
        Utility of no agreement (NegMAS ``reserved_value``).

    Raises
    ------
    SpecError
        If a table has the wrong length, or any entry, weight or the reservation value is
        NaN or infinite.
    """

    space: OutcomeSpace
    tables: tuple[tuple[float, ...], ...]
    weights: tuple[float, ...]
    reservation_value: float = 0.0

    def __post_init__(self) -> None:
        issues = self.space.issues
        if len(self.tables) != len(issues):
            raise SpecError(
                f"{len(self.tables)} value tables for {len(issues)} issues", field="utility.tables"
            )
        if len(self.weights) != len(issues):
            raise SpecError(
                f"{len(self.weights)} weights for {len(issues)} issues", field="utility.weights"
            )
        for iss, table, w in zip(issues, self.tables, self.weights):
            if len(table) != len(iss.values):
                raise SpecError(
                    f"table of issue {iss.name!r} has {len(table)} entries, expected "
                    f"{len(iss.values)}",
                    field=f"utility.tables.{iss.name}",
                )
            if not all(math.isfinite(float(v)) for v in table):
                raise SpecError(
                    f"table of issue {iss.name!r} holds NaN or inf",
                    field=f"utility.tables.{iss.name}",
                )
            if not math.isfinite(float(w)):
                raise SpecError(
                    f"weight of issue {iss.name!r} is not finite",
                    field=f"utility.weights.{iss.name}",
                )
        if not math.isfinite(float(self.reservation_value)):
            raise SpecError(
                f"reservation value {self.reservation_value!r} is not finite",
                field="utility.reservation_value",
            )

    @classmethod
    def from_functions(
        cls,
        space: OutcomeSpace,
        functions: Sequence[Callable[[IssueValue], float]],
        weights: Sequence[float] | None = None,
        reservation_value: float = 0.0,
    ) -> LinearUtility:
        """Build the value tables by calling ``functions[j](value)`` for each issue value."""
        tables = tuple(
            tuple(float(f(v)) for v in iss.values) for iss, f in zip(space.issues, functions)
        )
        w = tuple(float(x) for x in weights) if weights is not None else (1.0,) * len(tables)
        return cls(space, tables, w, float(reservation_value))

    def with_reservation_value(self, reservation_value: float) -> LinearUtility:
        """The same utility with another reservation value."""
        return LinearUtility(self.space, self.tables, self.weights, float(reservation_value))

    def __call__(self, outcome: Sequence[IssueValue]) -> float:
        """Utility of one outcome, ``0.0 + w_1 v_1(x_1) + ...`` left to right."""
        u = 0.0
        for iss, table, w, v in zip(self.space.issues, self.tables, self.weights, outcome):
            u += w * table[iss.level(v)]
        return u

    def values(self) -> NDArray[np.float64]:
        """Utility of every outcome, by outcome index (same float operations as ``__call__``)."""
        lv = self.space.levels()
        u = np.zeros(len(lv), dtype=np.float64)
        for j, (table, w) in enumerate(zip(self.tables, self.weights)):
            u = u + float(w) * np.asarray(table, dtype=np.float64)[lv[:, j]]
        return u


@dataclass(frozen=True, slots=True)
class Domain:
    """A bilateral negotiation domain: one outcome space and each party's utility.

    On construction the utilities of all outcomes are tabulated and presorted ascending for each
    party (space set-up, the analogue of NegMAS's inverse utility function); negotiations only
    read these arrays.  Sorting is stable, so equal utilities are ordered by outcome index
    (NegMAS leaves that order to ``numpy.argsort``; the reference scenarios have no ties).

    Parameters
    ----------
    space
        The agreement space.
    utilities
        Utility of party 0 and of party 1.
    parties
        Party names, used in results and traces.
    """

    space: OutcomeSpace
    utilities: tuple[LinearUtility, LinearUtility]
    parties: tuple[str, str] = ("US", "ROK")
    table: NDArray[np.float64] = field(init=False, repr=False, compare=False)
    order: NDArray[np.int64] = field(init=False, repr=False, compare=False)
    sorted_table: NDArray[np.float64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.utilities) != 2 or len(self.parties) != 2:
            raise SpecError("a bilateral domain needs exactly two parties", field="parties")
        if self.parties[0] == self.parties[1]:
            raise SpecError("party names must differ", field="parties")
        for p, u in zip(self.parties, self.utilities):
            if u.space != self.space:
                raise SpecError(f"utility of {p} is on another space", field=f"utilities.{p}")
        table = np.stack([u.values() for u in self.utilities])
        order = np.argsort(table, axis=1, kind="stable").astype(np.int64)
        sorted_table = np.take_along_axis(table, order, axis=1)
        for a in (table, order, sorted_table):
            a.setflags(write=False)
        object.__setattr__(self, "table", np.ascontiguousarray(table))
        object.__setattr__(self, "order", np.ascontiguousarray(order))
        object.__setattr__(self, "sorted_table", np.ascontiguousarray(sorted_table))

    @property
    def n_outcomes(self) -> int:
        """Number of outcomes."""
        return self.space.n_outcomes

    def party_index(self, name: str) -> int:
        """Index (0 or 1) of the party called ``name``."""
        try:
            return self.parties.index(name)
        except ValueError:
            raise SpecError(
                f"unknown party {name!r}; allowed: {', '.join(self.parties)}", field="party"
            ) from None


def one_issue_space() -> OutcomeSpace:
    """The ``1issue`` reference space: payment ``0..100`` (101 outcomes)."""
    return OutcomeSpace((Issue.integers("payment", 0, 100),))


def three_issue_space() -> OutcomeSpace:
    """The ``3issue`` reference space: amount 0..100 x duration 1..5 x escalation 0..10."""
    return OutcomeSpace(
        (
            Issue.integers("amount", 0, 100),
            Issue.integers("duration", 1, 5),
            Issue.integers("escalation", 0, 10),
        )
    )


def one_issue_domain() -> Domain:
    """The ``1issue`` reference domain: ``u_US = x/100``, ``u_ROK = (100-x)/100``."""
    space = one_issue_space()
    us = LinearUtility.from_functions(space, [lambda x: int(x) / 100])  # the issue's values are integers
    rok = LinearUtility.from_functions(space, [lambda x: (100 - int(x)) / 100])
    return Domain(space, (us, rok), ("US", "ROK"))


def three_issue_domain() -> Domain:
    """The ``3issue`` reference domain (weights 1.0, tables already divided by 131072)."""
    space = three_issue_space()
    d = 131072
    us = LinearUtility.from_functions(
        space,
        [lambda a: 786 * int(a) / d, lambda y: 4918 * (5 - int(y)) / d, lambda e: 3280 * int(e) / d],
    )
    rok = LinearUtility.from_functions(
        space,
        [lambda a: 654 * (100 - int(a)) / d, lambda y: 9828 * (int(y) - 1) / d, lambda e: 2636 * (10 - int(e)) / d],
    )
    return Domain(space, (us, rok), ("US", "ROK"))


def reference_domain(name: ReferenceScenario) -> Domain:
    """The reference domain called ``"1issue"`` or ``"3issue"``."""
    if name == "1issue":
        return one_issue_domain()
    if name == "3issue":
        return three_issue_domain()
    raise SpecError(f"unknown scenario {name!r}; allowed: 1issue, 3issue", field="scenario")
