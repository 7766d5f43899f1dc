r"""Cost model: cost categories, escalators, multi-year payment schedules, present value, FX.

Mathematics
-----------
A schedule of :math:`N` yearly payments starting in year :math:`t_0` with first-year amount
:math:`A_{t_0}` grows by an escalator:

.. math::

    A_t = A_{t-1}\,\bigl(1 + g_t / 100\bigr), \qquad t = t_0 + 1, \dots, t_0 + N - 1,

    g_t = \min\bigl(\tilde g_t,\ \bar g\bigr) \ \text{if a cap } \bar g \text{ is set, else } \tilde g_t,

where the uncapped growth :math:`\tilde g_t` (percent) is

* ``none``: :math:`0`;
* ``fixed``: the constant ``rate_pct``;
* ``cpi``: the CPI inflation of year :math:`t` from a series the caller passes;
* ``defense_budget``: the growth of the host's defense budget in year :math:`t` (``B_t/B_{t-1}-1``),
  from a series the caller passes.

The cap bounds growth from above only; a negative index (deflation) is applied as is. (The 8th
and 9th SMAs used "CPI, capped at 4 %"; the 10th SMA's +8.2 % equalled the 2019 defense-budget
growth — see ``sma_history.csv``.)

The present value at base year :math:`b` and discount rate :math:`r` (a fraction) is

.. math::

    PV = \sum_t A_t\,(1 + r)^{-(t - b)}.

Currency conversion uses the annual-average rate :math:`x_t` (won per dollar) of the payment's
year: :math:`\text{USD} = \text{KRW} / x_t`. Rates come from the bundled data
(:func:`burdenshare.data.exchange_rate_krw_per_usd`); for a year the data do not cover the caller
must supply the rate as an assumption, otherwise :class:`~burdenshare.errors.DataError`.

All functions are pure; records are frozen dataclasses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from burdenshare.data import exchange_rate_krw_per_usd
from burdenshare.errors import DataError, SpecError

__all__ = [
    "COST_CATEGORIES",
    "CategoryStatus",
    "CostCategory",
    "Escalator",
    "EscalatorKind",
    "Schedule",
    "cost_category",
    "itemise_first_year_krw",
    "krw_per_usd",
    "payment_schedule",
    "present_value",
    "round_half_up",
    "split_largest_remainder",
    "to_krw",
    "to_usd",
]

CategoryStatus = Literal["covered", "sought"]
EscalatorKind = Literal["none", "fixed", "cpi", "defense_budget"]
_KINDS: tuple[str, ...] = ("none", "fixed", "cpi", "defense_budget")


@dataclass(frozen=True, slots=True)
class CostCategory:
    """A cost category: covered by the SMA framework or sought by the US in 2019-2020.

    Attributes
    ----------
    id
        Short identifier (``"labor"``).
    label
        Human-readable name.
    status
        ``"covered"`` (in the SMA since at least the 9th agreement) or ``"sought"`` (new items
        reported in the US request for the 11th SMA; none were agreed).
    source
        ``cost_categories.csv`` row and source IDs.
    """

    id: str
    label: str
    status: CategoryStatus
    source: str


#: The categories of the SMA case (``cost_categories.csv``).
COST_CATEGORIES: tuple[CostCategory, ...] = (
    CostCategory("labor", "Labor cost of Korean national employees", "covered", "cost_categories.csv:Labor cost of Korean national employees (KN labor) (S102;S103)"),
    CostCategory("construction", "Military construction", "covered", "cost_categories.csv:Military construction (S102;S103;S158)"),
    CostCategory("logistics", "Logistics support", "covered", "cost_categories.csv:Logistics support (S102;S103;S160;S98)"),
    CostCategory("rotational_deployments", "Rotational deployment costs", "sought", "cost_categories.csv:Rotational deployment costs (S164)"),
    CostCategory("readiness", "'Readiness' - combined exercises and training", "sought", "cost_categories.csv:'Readiness' (S163;S100)"),
    CostCategory("strategic_assets", "Strategic asset deployment / reconnaissance", "sought", "cost_categories.csv:Strategic asset deployment / reconnaissance (S164;S99;S100)"),
    CostCategory("civilian_family_support", "USFK civilian personnel and family support", "sought", "cost_categories.csv:USFK civilian personnel and family support (S163;S83)"),
)


def cost_category(category_id: str) -> CostCategory:
    """Return the :data:`COST_CATEGORIES` entry with this id (:class:`SpecError` if none)."""
    for cat in COST_CATEGORIES:
        if cat.id == category_id:
            return cat
    raise SpecError(
        f"unknown cost category {category_id!r}; allowed: {', '.join(c.id for c in COST_CATEGORIES)}",
        field="category",
    )


@dataclass(frozen=True, slots=True)
class Escalator:
    """Rule for the yearly growth of payments after the first year.

    Parameters
    ----------
    kind
        ``"none"``, ``"fixed"`` (``rate_pct`` each year), ``"cpi"`` (CPI inflation of the year) or
        ``"defense_budget"`` (growth of the defense budget in the year).
    rate_pct
        Growth per year in percent for ``"fixed"``; must be 0 for the other kinds.
    cap_pct
        Optional upper bound on each year's growth, in percent.

    Raises
    ------
    SpecError
        Unknown kind, non-finite numbers, a rate on a non-fixed kind, or a rate/cap of -100 % or less.

    Examples
    --------
    >>> Escalator("cpi", cap_pct=4.0).growth_pct(5.1)
    4.0
    """

    kind: EscalatorKind
    rate_pct: float = 0.0
    cap_pct: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise SpecError(f"got {self.kind!r}; allowed: {', '.join(_KINDS)}", field="escalator.kind")
        if not math.isfinite(self.rate_pct) or self.rate_pct <= -100:
            raise SpecError(f"got {self.rate_pct!r}; a finite percent above -100", field="escalator.rate_pct")
        if self.kind != "fixed" and self.rate_pct != 0:
            raise SpecError(
                f"rate_pct={self.rate_pct} applies only to kind 'fixed' (kind is {self.kind!r})",
                field="escalator.rate_pct",
            )
        if self.cap_pct is not None and (not math.isfinite(self.cap_pct) or self.cap_pct <= -100):
            raise SpecError(f"got {self.cap_pct!r}; a finite percent above -100", field="escalator.cap_pct")

    @property
    def needs_index(self) -> bool:
        """Whether the growth comes from an index series (CPI or defense budget)."""
        return self.kind in ("cpi", "defense_budget")

    def growth_pct(self, index_growth_pct: float | None = None) -> float:
        """The growth applied in one year, in percent, after the cap.

        Parameters
        ----------
        index_growth_pct
            That year's index growth (CPI inflation or defense-budget growth); required for the
            index kinds, ignored otherwise.
        """
        if self.kind == "none":
            raw = 0.0
        elif self.kind == "fixed":
            raw = self.rate_pct
        else:
            if index_growth_pct is None or not math.isfinite(index_growth_pct):
                raise SpecError(
                    f"escalator kind {self.kind!r} needs that year's index growth", field="index_growth_pct"
                )
            raw = float(index_growth_pct)
        return raw if self.cap_pct is None else min(raw, self.cap_pct)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A yearly payment schedule.

    Attributes
    ----------
    years
        Calendar years, consecutive.
    amounts
        Payment per year (the currency of the first-year amount).
    growth_pct
        Growth applied in each year, in percent (0 for the first year), after the cap.
    escalator
        The rule that produced it.
    """

    years: tuple[int, ...]
    amounts: tuple[float, ...]
    growth_pct: tuple[float, ...]
    escalator: Escalator

    @property
    def total(self) -> float:
        """Sum of the payments (nominal)."""
        return math.fsum(self.amounts)

    def amount(self, year: int) -> float:
        """The payment in ``year`` (:class:`SpecError` outside the schedule)."""
        if year not in self.years:
            raise SpecError(f"year {year} is outside the schedule {self.years[0]}-{self.years[-1]}", field="year")
        return self.amounts[self.years.index(year)]


def payment_schedule(
    first_year_amount: float,
    first_year: int,
    duration_years: int,
    escalator: Escalator,
    index_growth_pct: Mapping[int, float] | None = None,
) -> Schedule:
    r"""Build the schedule :math:`A_t = A_{t-1}(1 + g_t/100)` (see the module docstring).

    Parameters
    ----------
    first_year_amount
        Payment in the first year (any currency; non-negative and finite).
    first_year
        Calendar year of the first payment.
    duration_years
        Number of yearly payments (≥ 1).
    escalator
        Growth rule.
    index_growth_pct
        Year → index growth in percent (CPI inflation or defense-budget growth of that year).
        Required for every year after the first when the escalator is index-linked.

    Returns
    -------
    Schedule

    Raises
    ------
    SpecError
        Bad amount or duration, or an index-linked escalator with a missing year
        (``field="index_growth_pct"``; the message names the missing years).

    Examples
    --------
    >>> s = payment_schedule(100.0, 2020, 3, Escalator("fixed", rate_pct=10.0))
    >>> [round(a, 6) for a in s.amounts]
    [100.0, 110.0, 121.0]
    """
    if not math.isfinite(first_year_amount) or first_year_amount < 0:
        raise SpecError(f"got {first_year_amount!r}; a finite amount >= 0", field="first_year_amount")
    if isinstance(duration_years, bool) or not isinstance(duration_years, int) or duration_years < 1:
        raise SpecError(f"got {duration_years!r}; an integer >= 1", field="duration_years")
    years = tuple(range(first_year, first_year + duration_years))
    if escalator.needs_index:
        missing = [y for y in years[1:] if index_growth_pct is None or y not in index_growth_pct]
        if missing:
            raise SpecError(
                f"escalator {escalator.kind!r} needs index growth for years {', '.join(map(str, missing))}",
                field="index_growth_pct",
            )
    amounts = [float(first_year_amount)]
    growth = [0.0]
    for year in years[1:]:
        g = escalator.growth_pct(None if index_growth_pct is None else index_growth_pct.get(year))
        growth.append(g)
        amounts.append(amounts[-1] * (1.0 + g / 100.0))
    return Schedule(years, tuple(amounts), tuple(growth), escalator)


def present_value(schedule: Schedule, discount_rate: float, base_year: int) -> float:
    r"""Present value :math:`\sum_t A_t (1+r)^{-(t-b)}` at ``base_year`` :math:`b`.

    Parameters
    ----------
    schedule
        The payments.
    discount_rate
        Yearly rate as a fraction (0.03 for 3 %), above -1.
    base_year
        Year whose payment is not discounted.

    Examples
    --------
    >>> present_value(payment_schedule(100.0, 2020, 2, Escalator("none")), 0.25, 2020)
    180.0
    """
    if not math.isfinite(discount_rate) or discount_rate <= -1:
        raise SpecError(f"got {discount_rate!r}; a fraction above -1 (0.03 = 3 %)", field="discount_rate")
    return math.fsum(a * (1.0 + discount_rate) ** -(t - base_year) for t, a in zip(schedule.years, schedule.amounts))


def krw_per_usd(year: int, rates: Mapping[int, float] | None = None) -> float:
    """KRW per USD for ``year``: the data's annual average, else the caller's assumed rate.

    Parameters
    ----------
    year
        Calendar year.
    rates
        Year → won per dollar, supplied as assumptions for years the data do not cover. A rate for
        a year the data cover is not used (the data win); see :func:`burdenshare.data.exchange_rate_entries`.

    Raises
    ------
    DataError
        The year is outside the data and ``rates`` has no positive finite rate for it.
    """
    try:
        return exchange_rate_krw_per_usd(year)
    except DataError:
        if rates is not None and year in rates:
            rate = float(rates[year])
            if not (math.isfinite(rate) and rate > 0):
                raise SpecError(f"assumed rate for {year} is {rate!r}; a positive number", field="rates") from None
            return rate
        raise


def to_usd(amount_krw: float, year: int, rates: Mapping[int, float] | None = None) -> float:
    """Convert won to dollars at the annual-average rate of ``year`` (see :func:`krw_per_usd`).

    Examples
    --------
    >>> round(to_usd(1_038.9e9, 2019) / 1e6, 1)
    890.9
    """
    return amount_krw / krw_per_usd(year, rates)


def to_krw(amount_usd: float, year: int, rates: Mapping[int, float] | None = None) -> float:
    """Convert dollars to won at the annual-average rate of ``year`` (see :func:`krw_per_usd`)."""
    return amount_usd * krw_per_usd(year, rates)


# --------------------------------------------------------------------------- itemisation


def round_half_up(x: Fraction) -> int:
    """The whole number nearest to ``x``, halves rounded up (exact)."""
    return math.floor(x + Fraction(1, 2))


def split_largest_remainder(total: int, shares: Sequence[float]) -> list[int]:
    """Split a whole number over shares so that the parts sum exactly to ``total``.

    Exact rational arithmetic: shares are normalized by their sum, each part is the floor of its
    exact quota, and the leftover units go one each to the largest fractional parts (ties: order).

    Examples
    --------
    >>> split_largest_remainder(10, [1/3, 1/3, 1/3])
    [4, 3, 3]
    >>> sum(split_largest_remainder(1_038_900_000_001, [0.39, 0.463, 0.147]))
    1038900000001
    """
    fr = [Fraction(s) for s in shares]
    denom = sum(fr)
    if total < 0 or denom <= 0 or any(s < 0 for s in fr):
        raise SpecError("shares must be >= 0 with a positive sum, total >= 0", field="share_of_ask")
    quotas = [Fraction(total) * s / denom for s in fr]
    parts = [math.floor(q) for q in quotas]
    left = total - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def itemise_first_year_krw(
    ask_usd: float, base_year: int, shares: Sequence[float], rates: Mapping[int, float] | None = None
) -> list[int]:
    r"""The first-year ask in whole won, split over the cost categories.

    :math:`Y = \lfloor \mathrm{ask}_{usd}\,x_b + 1/2 \rfloor` with :math:`x_b` the KRW/USD rate of
    the base year (:func:`krw_per_usd`, exact rational product), split by ``shares`` with
    :func:`split_largest_remainder`: the first-year items of the transparency statement
    (:func:`burdenshare.costs.statement.explain`) and of the opinion model's justified amount
    (:func:`burdenshare.opinion.justified_amount_krw`).

    Parameters
    ----------
    ask_usd
        First-year ask, dollars per year (positive, finite).
    base_year
        ``cost_model.base_year``.
    shares
        ``share_of_ask`` of each category, in the scenario's order.
    rates
        Assumed rates for years the data do not cover (``cost_model.exchange_rates_krw_per_usd``).

    Returns
    -------
    list of int
        Won per category; they sum exactly to :math:`Y`.

    Examples
    --------
    >>> itemise_first_year_krw(1e9, 2019, [0.5, 0.5])
    [583055000000, 583055000000]
    """
    if not (math.isfinite(ask_usd) and ask_usd > 0):
        raise SpecError(f"got {ask_usd!r}; the ask must be a positive finite amount", field="ask_usd")
    total = round_half_up(Fraction(ask_usd) * Fraction(krw_per_usd(base_year, rates)))
    return split_largest_remainder(total, shares)
