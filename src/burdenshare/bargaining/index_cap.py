r"""The cap of an index-linked escalator as a bargained issue, valued under priced index risk.

The 8th and 9th SMAs grew with CPI inflation capped at 4 % (``sma_history.csv``); the 11th with the
ROK defence budget.  With ``cost_model.escalator.cap_grid_pct`` (a ``cpi`` or ``defense_budget``
family whose ``cap_pct`` is one of the caps) a text is a term :math:`m`, an amount :math:`\bar A`
and a cap :math:`c` from the grid, through the machinery of the bargained rate
(:mod:`burdenshare.bargaining.rate_value`: one :class:`~burdenshare.bargaining.rate_value.RateGrid`
with ``issue = "cap"``, one cost function
:func:`~burdenshare.bargaining.rate_value.schedule_costs`, read by the engine's reference and kernel,
``solve`` and ``advise``).

**The expected schedule.**  Year :math:`i` of the term grows by :math:`X_i = \min(G_i, c)`, with
:math:`G_i = s + I_{t_i - \ell} \sim N(\mu_i, \sigma_i)`: :math:`\mu_i` the spread plus the central
index path (data before ``as_of``, ``cost_model.index_growth_pct`` after) and :math:`\sigma_i` the
stated sd of that index year (``cost_model.index_growth_sd_pct``; 0 for data years), the very
distribution the run draws (:mod:`burdenshare.engine.index_draws`).  With
:math:`z = (c - \mu)/\sigma`, the moments of a normal censored from above are (e.g. Greene 2012,
§19.3; Johnson, Kotz & Balakrishnan 1994, ch. 13)

.. math::

    E[\min(G, c)] = \mu\,\Phi(z) - \sigma\,\phi(z) + c\,(1 - \Phi(z)),

    E[\min(G, c)^2] = (\mu^2 + \sigma^2)\,\Phi(z) - \sigma\,(\mu + c)\,\phi(z) + c^2\,(1 - \Phi(z))

(:func:`capped_moments`; :math:`\sigma = 0`: :math:`\min(\mu, c)`).  Years are independent, so the
payment of year :math:`y` per won of opening amount, :math:`W_y = \prod_{i \le y}(1 + X_i/100)`,
has :math:`E[W_y] = \prod_i E[1 + X_i/100]` and :math:`E[W_y^2] = \prod_i E[(1 + X_i/100)^2]`
(the grid's ``weights``, and ``second`` :math:`= E[W_y^2]/E[W_y]^2 - 1 = \prod_i (1 + \operatorname{Var}(X_i/100) / E[1 + X_i/100]^2) - 1`,
computed through ``log1p`` so that a sure year adds exactly 0; a jump year grows by its sure ``jump_pct``).  A lower cap
lowers the expected path and its spread; a cap far above every plausible growth
(:math:`z \to \infty`) leaves both as they are, so it is worth nothing.

**The amount and the opening.**  The amount bargained over, approved and voted on is the level
equivalent of the *expected* schedule at the common rate :math:`r`, :math:`\bar A = A_1 f_m(c; r)`
with :math:`f_m(c; r) = \sum_y E[W_y] v^y / \sum_y v^y`, :math:`v = 1/(1+r)` (the grid's ``level``;
with every :math:`\sigma = 0` it is :func:`burdenshare.agreement.level_factors` of the family at
that cap, bit for bit).  So the text fixes its opening amount :math:`A_1 = \bar A / f_m(c; r)` at
signing, and the index path each draw draws moves only the later payments (``schedule_<currency>``:
:meth:`~burdenshare.engine.index_draws.IndexDraws.factors` at the draw's signed cap).

**Each side's value.**  Government :math:`i` discounts at its own rate :math:`r_i`
(``strategies.<gov>.discount_rate``) and prices the spread of the schedule by a mean-standard-
deviation premium :math:`\lambda_i \ge 0` (``strategies.<gov>.index_risk_aversion``, default 0):
a two-moment criterion (Markowitz 1952; Meyer 1987 shows it ranks as expected utility does for
location-scale families).  With :math:`E_i`, :math:`S_i` the mean and sd of the level equivalent
per won of opening amount at :math:`r_i`,

.. math::

    k_{US}(m, c) = 1 - \frac{E_{US} - \lambda_{US} S_{US}}{f_m(c; r)}, \qquad
    k_K(m, c) = \frac{E_K + \lambda_K S_K}{f_m(c; r)} - 1,

entering the utilities as the rate's do (:math:`U_{US} = \bar A - c_{US}(m) - \bar A k_{US} - L`,
:math:`U_K = H - \bar A - c_K(m) - \bar A k_K`).  :math:`S_i` is exact under independence:
:math:`\operatorname{Var}\sum_y v^y W_y = \sum_{y \le z} (2 - [y = z])\,v^{y+z}\,(E[W_y^2] - E[W_y]^2)\,E[W_z]/E[W_y]`.
With :math:`r_i = r` and :math:`\lambda_i = 0` both costs are 0 exactly: the cap is fully priced
into the amount and worth nothing to either side.

**The efficient cap and the mass points.**  Utilities are quasi-linear in :math:`\bar A`, so an
efficient text at term :math:`m` has :math:`c^*(m) = \arg\min_c k_{US} + k_K` (ties: the family's
``cap_pct``, then the lower cap).  With equal discount rates

.. math:: k_{US} + k_K = (\lambda_{US} + \lambda_K)\,S(m, c) / f_m(c; r),

the premium times the coefficient of variation of the level equivalent, which rises with the cap
(censoring removes upper-tail spread faster than it removes mean): :math:`c^*` is the **lowest cap**
whenever either side prices risk, a corner, since the premium is linear in :math:`S` and no
mean effect is left to offset it.  A risk-averse host against a risk-neutral US therefore has gains
from trade in a low cap: the US is indifferent between caps (its cost is 0 on the whole grid, its
ideal the family's cap by the tie rule) and the amount compensates it for the lower expected path.
The mirror (a risk-averse US) has the same efficient cap.  Different discount rates add the
rate's profile effect (a host discounting more prefers payments late, so a *higher* cap: growth
is back-loaded), and the optimum may then be interior.  Offers move :math:`1 - a(t)` of the way
from the side's ideal cap to :math:`c^*(m)` as the rate does, so the signed caps have mass points
at the corners (the lowest cap, the family's cap where a side is indifferent) and at the grid points
a time-based side passes on the way; a one-year term has no later year, every cap ties and the
family's cap is signed.

References
----------
Markowitz, H. (1952). Portfolio selection. *Journal of Finance* 7(1), 77-91.
Meyer, J. (1987). Two-moment decision models and expected utility maximization. *American
Economic Review* 77(3), 421-430.
Johnson, N. L., Kotz, S. & Balakrishnan, N. (1994). *Continuous Univariate Distributions*, vol. 1,
2nd ed., ch. 13 (truncated and censored normal moments).
Greene, W. H. (2012). *Econometric Analysis*, 7th ed., §19.3 (censored normal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.agreement import level_factors, scenario_escalator, scenario_index_path
from burdenshare.bargaining.rate_value import MAX_RATES, RateGrid
from burdenshare.errors import SpecError

__all__ = ["INDEX_KINDS", "cap_grid", "capped_moments", "check_cap_grid", "expected_level_factors", "expected_schedule"]

#: The families whose cap may be bargained.
INDEX_KINDS: tuple[str, ...] = ("cpi", "defense_budget")

_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


def capped_moments(mu: float, sigma: float, cap: float) -> tuple[float, float]:
    r"""(:math:`E[\min(G, c)]`, :math:`E[\min(G, c)^2]`) for :math:`G \sim N(\mu, \sigma)` (module
    docstring); :math:`\sigma = 0` gives :math:`\min(\mu, c)` and its square.

    Examples
    --------
    >>> m1, m2 = capped_moments(2.0, 1.0, 2.0)  # capped at the mean: mu - sigma phi(0)
    >>> round(m1, 6), round(m2 - m1 * m1, 6)
    (1.601058, 0.340845)
    """
    if sigma <= 0.0:
        g = min(mu, cap)
        return g, g * g
    z = (cap - mu) / sigma
    lo = 0.5 * math.erfc(-z / _SQRT2)  # Phi(z)
    hi = 0.5 * math.erfc(z / _SQRT2)  # 1 - Phi(z)
    ph = math.exp(-0.5 * z * z) / _SQRT2PI
    m1 = mu * lo - sigma * ph + cap * hi
    m2 = (mu * mu + sigma * sigma) * lo - sigma * (mu + cap) * ph + cap * cap * hi
    return m1, m2


def check_cap_grid(kind: str, cap_pct: float | None, caps: Sequence[float]) -> tuple[str, str] | None:
    """(field relative to ``cost_model.escalator``, message) of the first problem of a cap grid, or None.

    The grid needs a ``cpi`` or ``defense_budget`` family, 1..:data:`MAX_RATES` caps >= 0, strictly
    increasing, the family's ``cap_pct`` among them.
    """
    field = "cap_grid_pct"
    if kind not in INDEX_KINDS:
        return field, f"a bargained cap needs kind 'cpi' or 'defense_budget'; got {kind!r}"
    if not 1 <= len(caps) <= MAX_RATES:
        return field, f"{len(caps)} caps; allowed: 1..{MAX_RATES}"
    for i, c in enumerate(caps):
        if not (math.isfinite(float(c)) and 0.0 <= float(c) <= 100.0):
            return f"{field}.{i}", f"{float(c):g} %; allowed: a cap in 0..100 %"
    if any(float(b) <= float(a) for a, b in zip(caps, caps[1:])):
        return field, "caps must be strictly increasing"
    if cap_pct is None:
        return field, "a bargained cap needs the family's cap; give cost_model.escalator.cap_pct (one of the caps)"
    if float(cap_pct) not in [float(c) for c in caps]:
        return field, f"the family's cap_pct {float(cap_pct):g} must be one of the caps"
    return None


def cap_grid(scenario: Any, durations: Sequence[int]) -> RateGrid | None:
    """The scenario's bargained caps (``cost_model.escalator.cap_grid_pct``) with the expected
    schedule's moments (module docstring), or None when the cap is not bargained (no grid, or one cap).

    Raises
    ------
    SpecError
        A grid on a family other than ``cpi`` / ``defense_budget``, a cap outside 0..100 %, a grid not
        strictly increasing or without the family's ``cap_pct``; an index year without its path.
    """
    esc = scenario.cost_model.escalator
    grid = getattr(esc, "cap_grid_pct", None)
    if grid is None:
        return None
    caps = [float(c) for c in grid]
    problem = check_cap_grid(esc.kind, esc.cap_pct, caps)
    if problem is not None:
        raise SpecError(problem[1], field="cost_model.escalator." + problem[0])
    if len(caps) == 1:
        return None
    terms = [int(m) for m in durations]
    w, w2, level = expected_schedule(scenario, terms, caps)
    r = float(scenario.cost_model.discount_rate)
    return RateGrid(np.array(caps), caps.index(float(esc.cap_pct)), w, level, np.array(terms, dtype=np.int64), r,
                    issue="cap", second=w2)


def expected_schedule(scenario: Any, durations: Sequence[int], caps: Sequence[float | None]
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""The expected schedule of the scenario's index-linked family at each cap (module docstring).

    Returns ``(weights, second, level)``: :math:`E[W_y]` per won of opening amount, shape
    (terms, caps, longest term); the squared coefficient of variation of :math:`W_y`, same shape;
    and the level equivalent :math:`f_m(c; r)` of the expected schedule at the common rate, shape
    (terms, caps).  A cap of None leaves the growth uncapped (:math:`E[G] = \mu`).
    """
    rule, jump, jump_pct = scenario_escalator(scenario)
    assert rule.index is not None
    terms = [int(m) for m in durations]
    path = scenario_index_path(scenario, terms)
    sds = getattr(scenario.cost_model, "index_growth_sd_pct", {}).get(rule.index) or {}
    first = int(scenario.cost_model.base_year)
    r = float(scenario.cost_model.discount_rate)
    top = max(terms)
    w = np.zeros((len(terms), len(caps), top))
    w2 = np.zeros((len(terms), len(caps), top))
    level = np.zeros((len(terms), len(caps)))
    annuity = {m: math.fsum((1.0 + r) ** -i for i in range(m)) for m in set(terms)}
    for d, m in enumerate(terms):
        jy = None if jump is None or jump > m else first + jump - 1
        for gi, c in enumerate(caps):
            a = 1.0
            lcv = 0.0  # log(1 + squared coefficient of variation) of the year's payment
            w[d, gi, 0] = 1.0
            for i in range(1, m):
                t = first + i
                if t == jy:
                    assert jump_pct is not None
                    m1 = 1.0 + float(jump_pct) / 100.0
                    var = 0.0
                else:
                    y = t - rule.lag_years
                    mu, sd = rule.rate_pct + float(path[y]), float(sds.get(y, 0.0))
                    ex, ex2 = (mu, mu * mu + sd * sd) if c is None else capped_moments(mu, sd, float(c))
                    m1 = 1.0 + ex / 100.0  # as AgreementSchedule.amounts_by_year where the year is sure
                    var = max(ex2 - ex * ex, 0.0) / 1e4  # Var(X / 100); 0 exactly for a sure year
                a = a * m1
                lcv += math.log1p(var / (m1 * m1))
                w[d, gi, i] = a
                w2[d, gi, i] = math.expm1(lcv)
            # AgreementSchedule.level_equivalent's operations on the expected path
            level[d, gi] = math.fsum(w[d, gi, i] * (1.0 + r) ** -i for i in range(m)) / annuity[m]
    return w, w2, level


def expected_level_factors(scenario: Any, durations: Sequence[int]) -> NDArray[np.float64]:
    r"""The level equivalent per won of opening amount of the scenario's schedule at signing, for
    each term: the level of the **expected** schedule (:func:`expected_schedule` at the family's
    own cap), which fixes the opening amount :math:`A_1 = \bar A / f_m` whether or not the cap is
    bargained (the drawn index path moves only the later payments,
    :mod:`burdenshare.engine.index_draws`).  Where no index year is uncertain, or the family has no
    cap (:math:`E[1 + G/100] = 1 + \mu/100`, years independent), it is
    :func:`burdenshare.agreement.level_factors`, bit for bit."""
    terms = [int(m) for m in durations]
    rule, _, _ = scenario_escalator(scenario)
    sds = {} if rule.index is None else (getattr(scenario.cost_model, "index_growth_sd_pct", {}).get(rule.index) or {})
    if rule.index is None or rule.cap_pct is None or not any(float(v) > 0.0 for v in sds.values()):
        return level_factors(scenario, terms)
    return np.ascontiguousarray(expected_schedule(scenario, terms, [float(rule.cap_pct)])[2][:, 0])
