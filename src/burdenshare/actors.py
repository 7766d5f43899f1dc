r"""The actors of the two-level game besides the negotiators: the US President, the US election,
and the host executive as a ratifier in its own right (DESIGN.md §4).

One definition of each, read by the rational benchmark (:mod:`burdenshare.solver.scenario`), the
advice (:mod:`burdenshare.analysis.advise`), the win-set report and, through the same formula on
its drawn values, the Monte-Carlo engine (:mod:`burdenshare.engine.reference`):

* **the President** (the principal; Iida 1996, Mo 1995) approves what his negotiator initials iff
  the amount is at least his reservation value :math:`R_P` (``parties.principal``;
  ``approval_required`` false: always);
* **the US election** is a chance node: with probability :math:`q` =
  ``p_administration_change`` the administration changes and, from the first ``inauguration``
  event, the President's reservation value is :math:`R_P'` =
  ``reservation_value_after_change_krw`` (:func:`us_election`);
* **the host executive** answers to its own partisan base: it signs and submits only amounts up to
  :math:`M_E = \exp((1 - w_E)\ln H + w_E \ln m_{base}(t))`, with :math:`w_E` =
  ``parties.host_executive.opinion_weight``, H its value (the host's reservation value) and
  :math:`m_{base}(t)` the median willingness to pay of its ``base_bloc``'s group at the date.

References
----------
Iida, K. (1996). Involuntary defection in two-level games. *Public Choice* 89, 283-303.
Mo, J. (1995). Domestic institutions and international bargaining. *APSR* 89(4), 914-924.
Putnam, R. D. (1988). Diplomacy and domestic politics. *International Organization* 42(3).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from burdenshare.legislature.from_scenario import base_median_krw
from burdenshare.scenario import Scenario

__all__ = ["executive_approval", "executive_ceiling_at", "executive_ceiling_krw", "president_approval", "us_election"]


def executive_ceiling_krw(scenario: Scenario, date: dt.date | str, value_krw: float | None = None) -> float | None:
    r"""The host executive's own ceiling :math:`M_E` on ``date`` (won per year; ``None`` when
    ``parties.host_executive.opinion_weight`` is 0): :math:`\exp((1 - w_E)\ln H + w_E \ln m_{base})`
    with H = ``value_krw`` (default: the host negotiator's central reservation value).

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> round(executive_ceiling_krw(load_scenario("sma-2020-hindsight"), "2020-03-11") / 1e9)
    1148
    """
    if float(scenario.parties.host_executive.opinion_weight) <= 0.0:
        return None
    h = float(scenario.strategies[scenario.parties.host.id].reservation_value_krw) if value_krw is None else float(value_krw)
    return executive_ceiling_at(scenario, date, h)


def executive_ceiling_at(scenario: Scenario, date: dt.date | str, value_krw: float) -> float:
    """:math:`M_E` at ``date`` for the value ``value_krw``."""
    w = float(scenario.parties.host_executive.opinion_weight)
    m = base_median_krw(scenario, date)
    return math.exp((1.0 - w) * math.log(value_krw) + w * math.log(m))


def executive_approval(scenario: Scenario, dates: Sequence[dt.date], amounts_krw: NDArray[np.float64],
                       value_krw: float) -> NDArray[np.float64]:
    r"""(R, A) 0/1: whether the host executive signs and submits each amount at each date.

    The executive answers to its own partisan base (DESIGN.md §4): it signs only amounts up to
    :math:`M_E = \exp((1 - w_E)\ln H + w_E \ln m_{base}(t))`, with :math:`w_E` =
    ``parties.host_executive.opinion_weight``, H its value (the host's reservation value) and
    :math:`m_{base}(t)` the median WTP of its ``base_bloc``'s group at the date
    (:func:`burdenshare.legislature.from_scenario.base_median_krw`), as in the Monte-Carlo engine.
    """
    x = np.asarray(amounts_krw, dtype=float)
    if float(scenario.parties.host_executive.opinion_weight) <= 0.0:
        return np.ones((len(dates), x.size))
    out = np.empty((len(dates), x.size))
    for k, day in enumerate(dates):
        out[k] = (x <= executive_ceiling_at(scenario, day, float(value_krw)) * (1.0 + 1e-12)).astype(float)
    return out


def president_approval(scenario: Scenario, dates: Sequence[dt.date], amounts_krw: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""The US President's approval probability per round and amount, shape (T, A).

    :math:`1[x \ge R_P]` before the inauguration; from the first ``inauguration`` event on,
    :math:`(1 - q)1[x \ge R_P] + q\,1[x \ge R_P']` (module docstring).  All ones when
    ``parties.principal.approval_required`` is false.
    """
    before, new, q, start = us_election(scenario, np.asarray(amounts_krw, dtype=float))
    after = before if new is None else (1.0 - q) * before + q * new
    out = np.empty((len(dates), before.size))
    for t, day in enumerate(dates):
        out[t] = after if start is not None and day >= start else before
    return out


def us_election(scenario: Scenario, x: NDArray[np.float64]) -> tuple[
        NDArray[np.float64], NDArray[np.float64] | None, float, dt.date | None]:
    r"""The President's approval of amounts ``x`` and the US election's chance node.

    Returns ``(before, after_change, q, inauguration)``: approval :math:`1[x \ge R_P]` (all ones
    without ``approval_required``), :math:`1[x \ge R_P']` and its probability q when the
    election can change it (else ``None``), and the first ``inauguration`` date (``None``: none).
    """
    pr = scenario.parties.principal
    if not pr.approval_required:
        return np.ones(x.size), None, 0.0, None
    before = (x >= float(pr.reservation_value_krw)).astype(float)
    inaug = [e.date for e in scenario.events if e.kind == "inauguration" and e.date is not None]
    start = min(inaug) if inaug else None
    q = float(pr.p_administration_change)
    if start is None or pr.reservation_value_after_change_krw is None or q <= 0:
        return before, None, q, start
    return before, (x >= float(pr.reservation_value_after_change_krw)).astype(float), q, start
