r"""Win-sets of the host legislature (Putnam 1988; THEORY.md §1, §2, §7).

The win-set at level :math:`\alpha` is the set of agreements whose consent probability clears
:math:`\alpha`:

.. math:: W_\alpha(t, m) = \{x : P(\text{consent} \mid x, m, t) \ge \alpha\},

on the scenario's amount grid (``agreement_space``), one-dimensional in the amount x (won per
year, first year) for a duration m, or two-dimensional over amounts x durations.  The consent
probability is non-increasing in the amount (every member's yes probability and every whip's
yes probability fall as x rises), so :math:`W_\alpha` is an interval starting at the bottom of the
grid, summarized by its largest amount ``max_amount_krw``.  An empty win-set is a result, not an
error: ``empty=True``, ``max_amount_krw=None`` and a message.

The executive has agenda control (DESIGN.md §4): it submits an unamendable text when it chooses,
here when the consent probability reaches its threshold (:func:`submission_decision`).

The consent probabilities are those of the Assembly a run reads: the legislature model's at the
floor vote's noise scale :math:`\kappa` (``legislature.vote_noise_scale``,
:func:`burdenshare.engine.floor_vote.floor_vote`; :math:`C_\kappa = \Phi(\Phi^{-1}(C)/\kappa)`).
:math:`\kappa` keeps the win-set at 1/2 and moves consent levels and the win-sets at other levels;
``vote_noise_scale=1.0`` gives the model as specified.

References
----------
Putnam, R. D. (1988). Diplomacy and Domestic Politics: The Logic of Two-Level Games.
*International Organization* 42(3), 427-460.
Mo, J. (1995). Domestic Institutions and International Bargaining. *APSR* 89(4).
Schelling, T. C. (1960). *The Strategy of Conflict*. Harvard University Press.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.legislature.from_scenario import LegislatureParams, legislature_model
from burdenshare.legislature.model import LegislatureModel, VotePrediction
from burdenshare.legislature.seats import as_date
from burdenshare.opinion import WTPModel
from burdenshare.scenario import Scenario
from burdenshare.scenario.vintage import reads_as_of

__all__ = [
    "SubmissionDecision",
    "TioliOnCurve",
    "WinSet",
    "WinSet2D",
    "amount_grid",
    "consent_probability",
    "predicted_votes",
    "submission_date",
    "submission_decision",
    "tioli_on_curve",
    "win_set",
    "win_set_2d",
    "win_set_from_curve",
]


@dataclass(frozen=True, slots=True)
class WinSet:
    """A one-dimensional win-set (amounts at one duration) and its consent curve.

    Attributes
    ----------
    date
        The vote date.
    level
        The consent-probability level :math:`\\alpha`.
    duration_years
        The deal's duration.
    max_amount_krw
        The largest grid amount with ``p_consent >= level`` (won per year); ``None`` when empty.
    empty
        Whether no grid amount clears the level.
    message
        What the result says, in words.
    amounts_krw, p_consent
        The curve on the grid.
    error_bound
        Certified bound on the error of every ``p_consent`` (quorum handling; 0 = exact).
    vote_noise_scale
        The floor vote's noise scale :math:`\\kappa` the curve is at (module docstring).
    """

    date: dt.date
    level: float
    duration_years: int
    max_amount_krw: float | None
    empty: bool
    message: str
    amounts_krw: tuple[float, ...] = field(repr=False)
    p_consent: tuple[float, ...] = field(repr=False)
    error_bound: float = 0.0
    vote_noise_scale: float = 1.0

    @property
    def curve(self) -> list[tuple[float, float]]:
        """``[(amount_krw, p_consent), ...]`` on the grid, increasing amounts."""
        return list(zip(self.amounts_krw, self.p_consent))

    def __contains__(self, amount_krw: float) -> bool:
        return self.max_amount_krw is not None and self.amounts_krw[0] <= amount_krw <= self.max_amount_krw

    def _repr_html_(self) -> str:
        """Notebook display (:mod:`burdenshare.report.notebook`)."""
        from burdenshare.report.notebook import winset_html

        return winset_html(self)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: money in won, ``null`` when empty (DESIGN.md §6 units)."""
        return {
            "date": self.date.isoformat(),
            "level": self.level,
            "duration_years": self.duration_years,
            "max_amount_krw": self.max_amount_krw,
            "curve": [{"amount_krw": a, "p_consent": p} for a, p in self.curve],
            "vote_noise_scale": self.vote_noise_scale,
        }


@dataclass(frozen=True, slots=True)
class WinSet2D:
    """Win-set over amounts x durations.

    Attributes
    ----------
    date, level
        As in :class:`WinSet`.
    durations
        Durations (years), rows of ``p_consent``.
    amounts_krw
        The amount grid, columns.
    p_consent
        (D, A) consent probabilities.
    max_amount_krw
        Per duration, the largest amount clearing the level (``None`` when empty).
    empty
        Whether no (amount, duration) clears the level.
    vote_noise_scale
        As in :class:`WinSet`.
    """

    date: dt.date
    level: float
    durations: tuple[int, ...]
    amounts_krw: tuple[float, ...] = field(repr=False)
    p_consent: NDArray[np.float64] = field(repr=False, compare=False)
    max_amount_krw: tuple[float | None, ...]
    empty: bool
    message: str
    error_bound: float = 0.0
    vote_noise_scale: float = 1.0

    def row(self, duration_years: int) -> WinSet:
        """The one-dimensional win-set at one duration."""
        i = self.durations.index(duration_years)
        return win_set_from_curve(self.date, self.level, duration_years, self.amounts_krw, self.p_consent[i],
                                  self.error_bound, vote_noise_scale=self.vote_noise_scale)

    def _repr_html_(self) -> str:
        """Notebook display (:mod:`burdenshare.report.notebook`)."""
        from burdenshare.report.notebook import winset_2d_html

        return winset_2d_html(self)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (won; ``null`` where empty)."""
        return {
            "date": self.date.isoformat(),
            "level": self.level,
            "durations": list(self.durations),
            "max_amount_krw": list(self.max_amount_krw),
            "amounts_krw": list(self.amounts_krw),
            "p_consent": self.p_consent.tolist(),
            "vote_noise_scale": self.vote_noise_scale,
        }


@reads_as_of
def amount_grid(scenario: Scenario) -> NDArray[np.float64]:
    """The scenario's amount grid (``agreement_space``), won per year; a zero amount becomes 1 won.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> g = amount_grid(load_scenario("sma-2020-hindsight"))
    >>> g.size, float(g[0]), float(g[-1])
    (551, 500000000000.0, 6000000000000.0)
    """
    space = scenario.agreement_space
    n = space.grid_points()
    if space.amount_n is not None:
        grid = np.linspace(space.amount_min_krw, space.amount_max_krw, n)
    else:
        assert space.amount_step_krw is not None
        grid = np.asarray(space.amount_min_krw + space.amount_step_krw * np.arange(n), dtype=np.float64)
    return np.maximum(grid, 1.0)


def _level(level: float) -> float:
    if not (isinstance(level, (int, float)) and 0.0 < float(level) <= 1.0):
        raise SpecError(f"level {level!r} must lie in (0, 1]", field="level")
    return float(level)


def _duration(scenario: Scenario, duration_years: int | None) -> int:
    if duration_years is None:
        return int(min(scenario.levers.allowed_durations))
    if isinstance(duration_years, bool) or int(duration_years) != duration_years or duration_years < 1:
        raise SpecError("duration_years must be a positive integer", field="duration_years")
    top = scenario.agreement_space.max_duration_years
    if duration_years > top:
        raise SpecError(f"{duration_years} years; allowed: 1..{top} (agreement_space.max_duration_years)",
                        field="duration_years")
    return int(duration_years)


def win_set_from_curve(
    date: dt.date | str,
    level: float,
    duration_years: int,
    amounts_krw: ArrayLike,
    p_consent: ArrayLike,
    error_bound: float = 0.0,
    *,
    vote_noise_scale: float = 1.0,
) -> WinSet:
    """A :class:`WinSet` from a consent curve (largest amount with ``p >= level``); ``vote_noise_scale``
    records the :math:`\\kappa` the curve is at (it is not applied here).

    Examples
    --------
    >>> w = win_set_from_curve("2020-06-01", 0.5, 1, [1.0, 2.0, 3.0], [0.9, 0.6, 0.1])
    >>> w.max_amount_krw, w.empty
    (2.0, False)
    >>> win_set_from_curve("2020-06-01", 0.95, 1, [1.0, 2.0], [0.9, 0.6]).max_amount_krw is None
    True
    """
    lv = _level(level)
    x = np.asarray(amounts_krw, dtype=float)
    p = np.asarray(p_consent, dtype=float)
    day = as_date(date)
    ok = np.nonzero(p >= lv)[0]
    if ok.size == 0:
        top = float(p.max()) if p.size else 0.0
        return WinSet(day, lv, int(duration_years), None, True,
                      f"empty win-set: no amount on the grid reaches consent probability {lv:g} "
                      f"(highest {top:.3g} at the lowest amounts); no agreement can be ratified at this level",
                      tuple(float(a) for a in x), tuple(float(v) for v in p), float(error_bound), float(vote_noise_scale))
    top_amount = float(x[ok[-1]])
    return WinSet(day, lv, int(duration_years), top_amount, False,
                  f"agreements up to {top_amount:,.0f} won a year for {int(duration_years)} year(s) are ratified "
                  f"with probability >= {lv:g}",
                  tuple(float(a) for a in x), tuple(float(v) for v in p), float(error_bound), float(vote_noise_scale))


def _kappa(scenario: Scenario, vote_noise_scale: float | None) -> float:
    """The floor vote's noise scale: the scenario's (:func:`burdenshare.engine.floor_vote.floor_vote`)
    unless given."""
    from burdenshare.engine.floor_vote import vote_noise_scale as scale  # the engine's: imported when read

    return scale(scenario, vote_noise_scale)


def _sharpened(p: NDArray[np.float64], kappa: float) -> NDArray[np.float64]:
    from burdenshare.engine.record_vote import sharpen

    return sharpen(np.asarray(p, dtype=np.float64), kappa)


@reads_as_of
def consent_probability(
    scenario: Scenario,
    amount_krw: ArrayLike,
    date: dt.date | str,
    duration_years: int | None = None,
    *,
    params: LegislatureParams | None = None,
    opinion: WTPModel | None = None,
    model: LegislatureModel | None = None,
    vote_noise_scale: float | None = None,
) -> float | NDArray[np.float64]:
    """Art. 49 consent probability of agreements (vectorized over amounts), at the floor vote's noise
    scale (module docstring).

    Parameters
    ----------
    scenario
        A validated scenario.
    amount_krw
        First-year amount(s), won per year (scalar or 1-D array).
    date
        The vote date.
    duration_years
        Duration (default: the shortest allowed, ``min(levers.allowed_durations)``).
    params, opinion
        See :func:`~burdenshare.legislature.from_scenario.legislature_model`.
    model
        A prebuilt model (skips building one).
    vote_noise_scale
        :math:`\\kappa` in (0, 1] (default: the scenario's ``legislature.vote_noise_scale``, its
        :math:`\\kappa^*` where ``"calibrated"``; 1: the model as specified).

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar amount, else an array of the same length.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> s = load_scenario("sma-2020-hindsight")
    >>> p = consent_probability(s, [1.0e12, 1.5e12], "2020-06-01")
    >>> bool(p[0] > 0.9 and p[1] < 0.01)
    True
    """
    m = legislature_model(scenario, date, params=params, opinion=opinion) if model is None else model
    scalar = np.ndim(amount_krw) == 0
    p = m.consent_probability(np.atleast_1d(np.asarray(amount_krw, dtype=float)), _duration(scenario, duration_years))
    p = _sharpened(p, _kappa(scenario, vote_noise_scale))
    return float(p[0]) if scalar else p


@reads_as_of
def win_set(
    scenario: Scenario,
    date: dt.date | str,
    level: float = 0.5,
    duration_years: int | None = None,
    *,
    params: LegislatureParams | None = None,
    opinion: WTPModel | None = None,
    amounts_krw: ArrayLike | None = None,
    model: LegislatureModel | None = None,
    vote_noise_scale: float | None = None,
) -> WinSet:
    """The legislature's win-set at ``level`` on ``date`` for one duration.

    Parameters
    ----------
    scenario
        A validated scenario.
    date
        The vote date.
    level
        Consent-probability level in (0, 1] (default 0.5).
    duration_years
        Duration (default: the shortest allowed).
    params, opinion, model, vote_noise_scale
        See :func:`consent_probability`.
    amounts_krw
        Grid to use instead of the scenario's ``agreement_space`` grid.

    Returns
    -------
    WinSet
        With ``empty=True`` and ``max_amount_krw=None`` when nothing clears the level.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> w = win_set(load_scenario("sma-2020-hindsight"), "2020-06-01", 0.5)
    >>> w.empty, round(w.max_amount_krw / 1e9)
    (False, 1170)
    """
    lv = _level(level)
    dur = _duration(scenario, duration_years)
    m = legislature_model(scenario, date, params=params, opinion=opinion) if model is None else model
    grid = amount_grid(scenario) if amounts_krw is None else np.asarray(amounts_krw, dtype=float)
    res = m.consent(grid, dur)
    kappa = _kappa(scenario, vote_noise_scale)
    # dC_kappa/dC = phi(z/kappa) / (kappa phi(z)) <= 1/kappa: the bound scales by 1/kappa
    return win_set_from_curve(date, lv, dur, grid, _sharpened(res.p_consent, kappa), res.error_bound / kappa,
                              vote_noise_scale=kappa)


@reads_as_of
def win_set_2d(
    scenario: Scenario,
    date: dt.date | str,
    level: float = 0.5,
    durations: Sequence[int] | None = None,
    *,
    params: LegislatureParams | None = None,
    opinion: WTPModel | None = None,
    amounts_krw: ArrayLike | None = None,
    vote_noise_scale: float | None = None,
) -> WinSet2D:
    """The win-set over amounts x durations (default durations: ``levers.allowed_durations``), at the
    floor vote's noise scale (:func:`consent_probability`)."""
    lv = _level(level)
    durs = tuple(sorted(_duration(scenario, d) for d in (durations or scenario.levers.allowed_durations)))
    m = legislature_model(scenario, date, params=params, opinion=opinion)
    grid = amount_grid(scenario) if amounts_krw is None else np.asarray(amounts_krw, dtype=float)
    rows = []
    bound = 0.0
    for d in durs:
        res = m.consent(grid, d)
        rows.append(res.p_consent)
        bound = max(bound, res.error_bound)
    kappa = _kappa(scenario, vote_noise_scale)
    p = _sharpened(np.vstack(rows), kappa)
    bound /= kappa
    tops: list[float | None] = []
    for row in p:
        ok = np.nonzero(row >= lv)[0]
        tops.append(float(grid[ok[-1]]) if ok.size else None)
    empty = all(t is None for t in tops)
    msg = (f"empty win-set: no (amount, duration) reaches consent probability {lv:g}" if empty else
           "largest amount per duration: " + ", ".join(
               f"{d} y: {'none' if t is None else f'{t:,.0f} won'}" for d, t in zip(durs, tops)))
    p.setflags(write=False)
    return WinSet2D(as_date(date), lv, durs, tuple(float(a) for a in grid), p, tuple(tops), empty, msg, bound, kappa)


@reads_as_of
def predicted_votes(
    scenario: Scenario,
    amount_krw: float,
    date: dt.date | str,
    duration_years: int | None = None,
    *,
    params: LegislatureParams | None = None,
    vote_noise_scale: float | None = None,
) -> VotePrediction:
    r"""Expected yes / not-yes / absent by bloc for one agreement (beside recorded votes: see
    :func:`~burdenshare.legislature.calibration.calibrate` ``.votes``), and its consent probability
    at the floor vote's noise scale :math:`\kappa` (``vote_noise_scale``, default the scenario's,
    :mod:`burdenshare.engine.floor_vote`).

    The expected counts are the legislature model's and do not depend on :math:`\kappa`, which
    keeps every text's distance from the pivot and only sharpens the vote around it; the
    probability of passing beside them, ``p_consent``, is :math:`\Phi(\Phi^{-1}(C)/\kappa)` of the
    model's :math:`C` (:func:`burdenshare.engine.record_vote.sharpen`; :math:`C` itself at 1).
    """
    m = legislature_model(scenario, date, params=params)
    pred = m.predicted_votes(float(amount_krw), _duration(scenario, duration_years))
    kappa = _kappa(scenario, vote_noise_scale)
    return replace(pred, p_consent=float(_sharpened(np.array([pred.p_consent]), kappa)[0]))


# --------------------------------------------------------------------------- agenda control


@dataclass(frozen=True, slots=True)
class SubmissionDecision:
    """The executive's decision to submit the consent bill now.

    Attributes
    ----------
    submit
        True iff ``p_consent >= threshold``.
    p_consent, threshold
        The inputs.
    reason
        In words.
    """

    submit: bool
    p_consent: float
    threshold: float
    reason: str


def submission_decision(p_consent: float, threshold: float = 0.5) -> SubmissionDecision:
    r"""Agenda control: the executive submits the unamendable text iff :math:`P(\text{consent}) \ge` threshold.

    The Assembly votes yes or no on the text the executive submits, when it submits it (DESIGN.md
    §4).  A cautious executive (a high threshold) submits only deals it expects to pass; this is
    why the recorded votes (both passed) are a selected sample (see the calibration caveat).

    Parameters
    ----------
    p_consent
        The consent probability of the initialled text at the candidate date.
    threshold
        The executive's threshold in [0, 1] (an assumption; e.g. 0.5, or 0.8 for a cautious one).

    Returns
    -------
    SubmissionDecision

    Raises
    ------
    SpecError
        If an input is not a probability.

    Examples
    --------
    >>> submission_decision(0.62, 0.5).submit, submission_decision(0.62, 0.8).submit
    (True, False)
    """
    for name, value in (("p_consent", p_consent), ("threshold", threshold)):
        if not (isinstance(value, (int, float, np.floating)) and 0.0 <= float(value) <= 1.0):
            raise SpecError(f"{name} must be a probability in [0, 1]", field=name)
    submit = float(p_consent) >= float(threshold)
    reason = (f"submit: consent probability {float(p_consent):.3f} >= threshold {float(threshold):.3f}" if submit else
              f"hold: consent probability {float(p_consent):.3f} < threshold {float(threshold):.3f}")
    return SubmissionDecision(submit, float(p_consent), float(threshold), reason)


@reads_as_of
def submission_date(
    scenario: Scenario,
    amount_krw: float,
    dates: Sequence[dt.date | str],
    threshold: float = 0.5,
    duration_years: int | None = None,
    *,
    params: LegislatureParams | None = None,
    vote_noise_scale: float | None = None,
) -> tuple[dt.date | None, tuple[float, ...]]:
    """The first candidate date on which the executive would submit (None if never), and the
    consent probability at each date (:func:`consent_probability`)."""
    probs = []
    first = None
    kappa = _kappa(scenario, vote_noise_scale)
    for d in dates:
        p = float(consent_probability(scenario, float(amount_krw), d, duration_years, params=params,
                                      vote_noise_scale=kappa))
        probs.append(p)
        if first is None and submission_decision(p, threshold).submit:
            first = as_date(d)
    return first, tuple(probs)


# --------------------------------------------------------------------------- Level-I use


@dataclass(frozen=True, slots=True)
class TioliOnCurve:
    """The proposer's take-it-or-leave-it offer against the consent curve (THEORY.md §7).

    Attributes
    ----------
    offer_krw
        :math:`\\arg\\max_x (x - L)\\,P(\\text{consent} \\mid x)` over grid amounts :math:`x \\ge L`.
    p_consent
        Consent probability of the offer.
    expected_gain_krw
        :math:`(x^* - L)P(x^*)`.
    failure_probability
        :math:`1 - P(x^*)`.
    """

    offer_krw: float
    p_consent: float
    expected_gain_krw: float
    failure_probability: float


def tioli_on_curve(amounts_krw: ArrayLike, p_consent: ArrayLike, reservation_krw: float) -> TioliOnCurve | None:
    r"""The proposer's TIOLI optimum on a consent curve: maximize :math:`(x - L)P(x)` (Mo 1995).

    With a step curve (consent iff :math:`x \le M`) the offer is M and never fails (THEORY.md §7
    spec A); an uncertain legislature makes the optimal offer fail with positive probability
    (spec B).  Ties go to the lowest amount.

    Parameters
    ----------
    amounts_krw, p_consent
        The curve.
    reservation_krw
        The proposer's reservation value L.

    Returns
    -------
    TioliOnCurve or None
        ``None`` when no amount at or above L has a positive consent probability (no agreement).

    Examples
    --------
    >>> o = tioli_on_curve([1.0, 1.2, 1.3, 1.4], [1.0, 1.0, 1.0, 0.0], 1.0)
    >>> o.offer_krw, o.failure_probability
    (1.3, 0.0)
    """
    x = np.asarray(amounts_krw, dtype=float)
    p = np.asarray(p_consent, dtype=float)
    if x.shape != p.shape:
        raise SpecError("amounts and probabilities must have the same length", field="p_consent")
    gain = np.where(x >= reservation_krw, (x - reservation_krw) * p, -np.inf)
    if not np.any(np.isfinite(gain)) or np.max(gain) <= 0 and not np.any((x >= reservation_krw) & (p > 0)):
        return None
    i = int(np.argmax(gain))
    return TioliOnCurve(float(x[i]), float(p[i]), float(gain[i]), float(1.0 - p[i]))
