r"""Index uncertainty drawn per draw: the escalator's CPI or defence-budget path.

An index-linked escalator (:mod:`burdenshare.agreement`) reads the growth :math:`I_y` of its index
in the years of the term.  Years before ``as_of`` come from the data; later years are assumptions
(``cost_model.index_growth_pct.<kind>``) with a stated spread
(``cost_model.index_growth_sd_pct.<kind>``, the builder's projection sd, docs/builder.md).  The
run draws the path per draw:

.. math:: I_y^{(i)} = c_y + s_y\, z_{y}^{(i)}, \qquad z_y^{(i)} \sim N(0, 1) \text{ i.i.d. over years and draws},

with :math:`c_y` the assumption and :math:`s_y` its sd (percentage points); a year with no sd
(or sd 0), and every year known from the data, keeps its value.  Independent years are the
builder's stated models: CPI inflation i.i.d. around the mean of the known rates; the defence
budget a random walk with drift in its log level, so i.i.d. yearly growth (its log-growth sd
:math:`\sigma` is stated on the percent scale as :math:`(1 + c_y/100)\,\sigma`, the delta method).
The rule's cap applies to each year's growth as in the agreement.

**At signing** nobody knows the path: the amount the parties bargain over, the President approves
and the Assembly votes on is the level equivalent :math:`\bar A` of the *expected* schedule
(:func:`burdenshare.bargaining.index_cap.expected_level_factors`: the central path, each capped
year at its censored-normal mean), and the text opens at :math:`A_1 = \bar A / E f_N`, the same
opening for every draw that signs the same text.  The draw's own path then moves only the later
payments, :math:`A_1` times the draw's year factors (``schedule_<currency>``).  So the schedule's
later years carry the index spread, and the opening amount, the increase and the consent of a
text do not; with every sd 0 the run is the central path's, bit for bit.

**Random numbers.**  The :math:`z` of block :math:`b` (:data:`~burdenshare.engine.draws.BLOCK_SIZE`
draws) come from their own stream ``SeedSequence(seed, spawn_key=(INDEX_SPAWN_KEY, b))``, one
column per drawn year in calendar order, so the other columns of a draw are those of a run without
index uncertainty, and draw :math:`i` has the same path whatever the chunk size, backend or total
number of draws.

References
----------
Gneiting, T. & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and estimation.
*JASA* 102(477), 359-378 (stated predictive uncertainty).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.agreement import AgreementSchedule, scenario_escalator, scenario_index_path, schedule_for

__all__ = ["INDEX_SPAWN_KEY", "IndexDraws", "index_block", "index_draws_of", "index_z", "n_index_years"]

#: First ``spawn_key`` element of the index streams (below the bank's, above any block index).
INDEX_SPAWN_KEY: int = 2**32 - 2


def _drawn_years(scenario: Any, terms: Sequence[int]) -> tuple[tuple[int, ...], tuple[float, ...]]:
    rule, _, _ = scenario_escalator(scenario)
    if rule.index is None:
        return (), ()
    sds = getattr(scenario.cost_model, "index_growth_sd_pct", {}).get(rule.index) or {}
    first = int(scenario.cost_model.base_year)
    read = {first + i - rule.lag_years for i in range(1, max(terms))}  # as scenario_index_path (no data read)
    years = tuple(sorted(y for y in read if float(sds.get(y, 0.0)) > 0.0))
    return years, tuple(float(sds[y]) for y in years)


def n_index_years(scenario: Any) -> int:
    """Index years drawn per draw for ``scenario`` (0: none; the draw layout's ``n_index``)."""
    return len(_drawn_years(scenario, list(scenario.levers.allowed_durations))[0])


def index_block(seed: int, block: int, n_years: int) -> NDArray[np.float64]:
    """The (BLOCK_SIZE, n_years) standard normals of block ``block`` (module docstring)."""
    from burdenshare.engine.draws import BLOCK_SIZE

    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(INDEX_SPAWN_KEY, block))))
    return rng.standard_normal((n_years, BLOCK_SIZE)).T.copy()


def index_z(seed: int, rows: NDArray[np.int64], n_years: int) -> NDArray[np.float64]:
    """The normals of draws ``rows`` (global indices), (len(rows), n_years): those the run drew."""
    from burdenshare.engine.draws import BLOCK_SIZE

    rows = np.asarray(rows, dtype=np.int64)
    out = np.empty((rows.size, n_years))
    blocks = rows // BLOCK_SIZE
    for b in np.unique(blocks).tolist():
        sel = blocks == b
        out[sel] = index_block(seed, int(b), n_years)[rows[sel] - b * BLOCK_SIZE]
    return out


@dataclass(frozen=True, slots=True)
class IndexDraws:
    """What turns a draw's normals into its schedule factors (module docstring).

    Attributes
    ----------
    years, sd
        The drawn index years (calendar order) and their sd (percentage points).
    path
        The central index path the escalator reads (data and assumptions), year -> percent.
    schedules
        The scenario's schedule per allowed duration (opening amount 1), in duration order.
    discount_rate
        ``cost_model.discount_rate``.
    """

    years: tuple[int, ...]
    sd: tuple[float, ...]
    path: dict[int, float]
    schedules: tuple[AgreementSchedule, ...]
    discount_rate: float

    @property
    def n(self) -> int:
        """Drawn years."""
        return len(self.years)

    def factors(self, z: NDArray[np.float64], caps: NDArray[np.float64] | None = None
                ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Level factors (n, D) and year factors (n, D, max term; NaN beyond a term) of draws with normals ``z``.

        The operations of :meth:`burdenshare.agreement.AgreementSchedule.level_equivalent`, per draw
        (sums in term order rather than :func:`math.fsum`: equal to it within a few ulps, tested).
        ``caps`` (n,): each draw's own cap (percent) in place of the rule's, e.g. its signed cap where
        the cap is bargained (:mod:`burdenshare.bargaining.index_cap`).
        """
        z = np.asarray(z, dtype=np.float64)
        n = z.shape[0]
        index = {y: np.full(n, v) for y, v in self.path.items()}
        for c, y in enumerate(self.years):
            index[y] = self.path[y] + self.sd[c] * z[:, c]
        top = max(s.term_years for s in self.schedules)
        level = np.empty((n, len(self.schedules)))
        year = np.full((n, len(self.schedules), top), np.nan)
        r = float(self.discount_rate)
        for d, s in enumerate(self.schedules):
            rule = s.escalator
            a = np.ones(n)
            year[:, d, 0] = a
            pv = a.copy()
            for i in range(1, s.term_years):
                t = s.first_year + i
                if t == s.jump_year:
                    assert s.jump_pct is not None
                    g: Any = float(s.jump_pct)
                else:
                    g = rule.rate_pct + index[t - rule.lag_years]
                    if caps is not None:
                        g = np.minimum(g, np.asarray(caps, dtype=np.float64))
                    elif rule.cap_pct is not None:
                        g = np.minimum(g, rule.cap_pct)
                a = a * (1.0 + g / 100.0)
                year[:, d, i] = a
                pv = pv + a * (1.0 + r) ** -i
            level[:, d] = pv / math.fsum((1.0 + r) ** -i for i in range(s.term_years))
        return level, year


def index_draws_of(scenario: Any, durations: Sequence[int]) -> IndexDraws | None:
    """The :class:`IndexDraws` of ``scenario`` over ``durations``; None without a drawn year."""
    terms = [int(m) for m in durations]
    years, sd = _drawn_years(scenario, terms)
    if not years:
        return None
    return IndexDraws(years=years, sd=sd, path=scenario_index_path(scenario, terms),
                      schedules=tuple(schedule_for(scenario, 1.0, m) for m in terms),
                      discount_rate=float(scenario.cost_model.discount_rate))
