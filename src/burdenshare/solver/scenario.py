r"""Equilibrium play: the rational benchmark of a scenario (DESIGN.md §4, Solution methods 2).

:func:`solve_scenario` maps a :class:`~burdenshare.scenario.Scenario` onto the exact
finite-horizon solver (:func:`burdenshare.solver.solve`, backward induction) and reads the
subgame-perfect equilibrium back in the scenario's terms: dates, governments, won and dollars.

The game
--------
* **Agreement points** are (first-year amount, duration) pairs: the scenario's amount grid
  (:func:`burdenshare.legislature.amount_grid`) times the durations in
  ``levers.allowed_durations`` (or the ``durations`` argument).  Player 0 is the proposer
  government (the US), player 1 the host (the ROK).
* **Utilities** (won per year, the reservation-value form of THEORY.md §0, as in the Monte-Carlo
  engine): :math:`u_{US}(x, m) = x - L - c_{US}(m)` and :math:`u_K(x, m) = H - x - c_K(m)` with
  L, H the negotiators' ``reservation_value_krw`` (central values from ``[strategies]``) and
  :math:`c_i(m) = w_i (m - T_i)^2` the term cost of ``strategies.<gov>.term_preference``
  (:mod:`burdenshare.bargaining.term_value`, the engine's definition).  A side without a term
  preference gives only the *direction* of one (``duration_preference`` = ``short`` / ``long`` /
  ``none``), which enters as a tie-break of :data:`DURATION_TIE_BREAK_KRW` won per year of
  duration (an assumption); durations then move its utility only through the consent probability.
  With a bargained escalator rate (``cost_model.escalator.rate_grid_pct``;
  :mod:`burdenshare.bargaining.rate_value`, the engine's definition) the points are (amount,
  duration, rate) and each side's utility also loses :math:`x\,k_i(m, g)`, its rate cost at its
  own ``discount_rate`` (central values); consent and approval read the level equivalent :math:`x`
  and do not depend on the rate.  A bargained cap of an index-linked family
  (``cost_model.escalator.cap_grid_pct``; :mod:`burdenshare.bargaining.index_cap`) is the same
  issue, :math:`k_i` with each side's index-risk premium; the result reports ``escalator_cap_pct``.
  Points worth exactly the same to both sides (a one-year term: every rate or cap) are one text to
  the game; the result names the one the engine signs, by the engine's tie rule
  (:func:`~burdenshare.bargaining.rate_value.tie_indices`: the family's rate or cap, else the lowest).
* **Rounds** are the dated rounds of the talks: ``protocol.rounds`` on or after
  ``levers.as_of``, at most ``protocol.n_steps`` (up to ``protocol.horizon``); the first proposer is
  ``protocol.first_proposer`` and proposers alternate.  Discount factors are the negotiators'
  ``discount_factor`` per round.  Each round on or after ``protocol.deadline`` (the expiry of the
  current agreement) costs each side ``protocol.overtime.per_round_cost_krw``.  At the horizon
  the disagreement payoffs are 0 (each side's reservation value).
* **Host ratification** (Level II, time-varying): the exact Art. 49 consent probability
  :math:`P(\text{consent} \mid x, m, t)` of :mod:`burdenshare.legislature` at each round's date
  (the vote is held on the round's date), so the election's opinion weight and the new
  Assembly from its first sitting enter by date; at the floor vote's noise scale :math:`\kappa` a
  run reads (``legislature.vote_noise_scale``, :func:`burdenshare.engine.floor_vote.floor_vote`:
  :math:`C_\kappa = \Phi(\Phi^{-1}(C)/\kappa)`, the calibrated :math:`\kappa^*` of the run of seed 0
  and the default bank, as the threshold below).  With ``parties.host_executive.submission =
  "strategic"`` the executive submits only texts with :math:`P \ge \theta` (agenda control,
  ``submit_threshold``, default ``parties.host_executive.submit_threshold`` as in the engine; ``"calibrated"``: the
  engine's calibrated value at seed 0 and the default bank, :func:`burdenshare.engine.agenda.calibrated_threshold`);
  other texts cannot be ratified.
* **The host executive** answers to its own base (DESIGN.md §4): it signs only amounts up to
  :math:`M_E(t) = \exp((1 - w_E)\ln H + w_E\ln m_{base}(t))` (:func:`executive_approval`;
  ``parties.host_executive.opinion_weight`` = :math:`w_E`, H the host's central reservation value,
  :math:`m_{base}` the median WTP of its base at the date), as in the Monte-Carlo engine.
* **US ratification**: the President approves iff :math:`x \ge R_P`, his
  ``reservation_value_krw`` (central value).  From the ``inauguration`` event on, with
  ``p_administration_change`` = q and ``reservation_value_after_change_krw`` = :math:`R_P'`, the
  US election is a **chance node** at the first round on or after the inauguration: the game from
  there on is solved twice, with approval :math:`1[x \ge R_P]` ("no change") and
  :math:`1[x \ge R_P']` ("change"), and the rounds before it are solved with the expected value
  :math:`q V_{change} + (1 - q) V_{no\ change}` as their disagreement payoff
  (:func:`_solve_segments`): the players know the result when they act on it, and approval is
  deterministic within a branch.  (:func:`president_approval` and :func:`scenario_game` give the
  single-game mixture :math:`(1 - q)1[x \ge R_P] + q 1[x \ge R_P']` per round, which treats the
  rounds' draws as independent; :func:`solve_scenario` does not use it.)

What the benchmark leaves out (documented in ``docs/solve.md``): private reservation values and
obstinate types (those are the Monte-Carlo engine's), audience costs of a rejection (the solver
wastes a period after a veto, as after a rejection), the furlough's worker-days, the drawdown
option (empty in ``sma-2020-hindsight``: the NDAA floor equals the troop level), the change of the US
negotiator's own reservation value after an inauguration.

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics. *International Organization* 42(3).
Ståhl, I. (1972). *Bargaining Theory*.  Rubinstein, A. (1982). *Econometrica* 50(1).
Iida, K. (1993). When and how do domestic constraints matter? *JCR* 37(3).
Iida, K. (1996). Involuntary defection in two-level games. *Public Choice* 89.
Mo, J. (1995). Domestic institutions and international bargaining. *APSR* 89(4).
Tarar, A. (2001). International bargaining with two-sided domestic constraints. *JCR* 45(3).
Milner, H. & Rosendorff, B. P. (1997). *JCR* 41(1).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.actors import executive_approval, president_approval, us_election
from burdenshare.bargaining.index_cap import expected_level_factors
from burdenshare.bargaining.rate_value import (
    escalator_grid,
    scenario_rate_costs,
    side_discount_rates,
    side_risk_prices,
    tie_indices,
)
from burdenshare.bargaining.term_value import scenario_term_costs
from burdenshare.costs import to_usd
from burdenshare.errors import SpecError
from burdenshare.legislature import LegislatureParams, amount_grid, legislature_model
from burdenshare.legislature.seats import as_date
from burdenshare.scenario import Scenario
from burdenshare.solver.backward import BargainingGame, solve
from burdenshare.scenario.vintage import reads_as_of

__all__ = [
    "DURATION_TIE_BREAK_KRW",
    "ConsentFn",
    "Equilibrium",
    "EquilibriumRound",
    "consent_cube",
    "scenario_game",
    "solve_scenario",
]

#: Tie-break utility per year of duration for a ``duration_preference`` (won per year; an
#: assumption: the scenario gives the direction of the preference, not its size).
DURATION_TIE_BREAK_KRW = 1.0

#: A host consent curve: ``(amounts_krw (A,), vote date, duration_years) -> P(consent) (A,)``.
ConsentFn = Callable[[NDArray[np.float64], dt.date, int], NDArray[np.float64]]


def _durations(scenario: Scenario, durations: Sequence[int] | None) -> tuple[int, ...]:
    allowed = sorted(int(d) for d in scenario.levers.allowed_durations)
    if durations is None:
        return tuple(allowed)
    out = []
    for d in durations:
        if isinstance(d, bool) or int(d) != d or int(d) not in allowed:
            raise SpecError(f"{d!r} years; allowed: {allowed} (levers.allowed_durations)", field="durations")
        out.append(int(d))
    if not out:
        raise SpecError("give at least one duration", field="durations")
    return tuple(sorted(set(out)))


@reads_as_of
def consent_cube(
    scenario: Scenario,
    dates: Sequence[dt.date],
    durations: Sequence[int],
    amounts_krw: NDArray[np.float64],
    *,
    params: LegislatureParams | None = None,
    consent: ConsentFn | None = None,
    only: NDArray[np.bool_] | None = None,
    vote_noise_scale: float | None = None,
) -> NDArray[np.float64]:
    """Host consent probabilities, shape (T, D, A): dates x durations x amounts.

    Parameters
    ----------
    scenario
        A validated scenario.
    dates, durations, amounts_krw
        Vote dates, durations (years), amounts (won per year).
    params
        Overrides of the scenario's legislature parameters (:class:`~burdenshare.legislature.LegislatureParams`).
    consent
        A curve to use instead of the legislature model (tests, constructed scenarios).
    only
        Boolean mask over the amounts: evaluate only these (the others are 0).
    vote_noise_scale
        The floor vote's noise scale :math:`\\kappa` applied to the legislature model's
        probabilities (not to a ``consent`` curve; default: the scenario's,
        :func:`burdenshare.engine.floor_vote.vote_noise_scale`).

    Returns
    -------
    numpy.ndarray
        ``cube[t, d, a]`` = P(consent | amount a, duration d, vote on date t), exactly
        :func:`burdenshare.legislature.consent_probability` at ``vote_noise_scale`` when ``consent``
        is None.
    """
    from burdenshare.engine.record_vote import sharpen

    x = np.asarray(amounts_krw, dtype=float)
    cube = np.zeros((len(dates), len(durations), x.size))
    sel = np.ones(x.size, dtype=bool) if only is None else np.asarray(only, dtype=bool)
    if not sel.any():
        return cube
    xs = x[sel]
    if consent is None:
        from burdenshare.engine.floor_vote import vote_noise_scale as scale

        kappa = scale(scenario, vote_noise_scale)
    for t, day in enumerate(dates):
        model = None if consent is not None else legislature_model(scenario, day, params=params)
        for i, m in enumerate(durations):
            if consent is not None:
                p = np.asarray(consent(xs, day, int(m)), dtype=float)
                if p.shape != xs.shape or not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
                    raise SpecError("the consent curve must give a probability per amount", field="consent")
            else:
                assert model is not None
                p = sharpen(model.consent_probability(xs, int(m)), kappa)
            cube[t, i, sel] = p
    return cube


@dataclass(frozen=True, slots=True)
class _Setup:
    dates: tuple[dt.date, ...]
    durations: tuple[int, ...]
    amounts: NDArray[np.float64]
    consent: NDArray[np.float64]  # (T, D, A)
    host_rat: NDArray[np.float64]  # (T, G)
    approval: NDArray[np.float64]  # (T, G)
    game: Any
    threshold: float
    govs: tuple[str, str]
    kappa: float = 1.0
    rates_pct: tuple[float, ...] = ()  # the bargained rates (points (d * G + g) * A + a); () without
    rate_level: NDArray[np.float64] | None = None  # (D, G) level equivalent per won of opening amount
    issue: str = "rate"  # what rates_pct are: "rate" or "cap" (bargaining.index_cap)
    rate_tie: NDArray[np.int64] | None = None  # (D, G) the index a text carries (rate_value.tie_indices)


def _pref_sign(kind: str) -> float:
    return {"short": -1.0, "long": 1.0}.get(kind, 0.0)


@reads_as_of
def scenario_game(
    scenario: Scenario,
    *,
    durations: Sequence[int] | None = None,
    params: LegislatureParams | None = None,
    consent: ConsentFn | None = None,
    submit_threshold: float | None = None,
    vote_noise_scale: float | None = None,
) -> Any:
    """The :class:`burdenshare.solver.BargainingGame` of a scenario (see the module docstring).

    Returns
    -------
    burdenshare.solver.BargainingGame
        Grid labels are flat indices ``(d * G + g) * A + a`` into (durations, bargained rates,
        amounts); G = 1 without a bargained rate (:mod:`burdenshare.bargaining.rate_value`).
    """
    return _setup(scenario, durations=durations, params=params, consent=consent,
                  submit_threshold=submit_threshold, vote_noise_scale=vote_noise_scale).game


def _setup(
    scenario: Scenario,
    *,
    durations: Sequence[int] | None,
    params: LegislatureParams | None,
    consent: ConsentFn | None,
    submit_threshold: float | None,
    vote_noise_scale: float | None = None,
) -> _Setup:
    us, rok = scenario.parties.proposer.id, scenario.parties.host.id
    su, sk = scenario.strategies[us], scenario.strategies[rok]
    strategic = scenario.parties.host_executive.submission == "strategic"
    if submit_threshold is None and scenario.parties.host_executive.submit_threshold == "calibrated":
        from burdenshare.engine.agenda import calibrated_threshold  # the engine's rule at its default run

        theta = calibrated_threshold(scenario) if strategic else 0.0
    elif submit_threshold is None:
        theta = float(scenario.parties.host_executive.submit_threshold) if strategic else 0.0
    else:
        theta = float(submit_threshold)
        if not 0.0 <= theta <= 1.0:
            raise SpecError(f"got {submit_threshold!r}; allowed: [0, 1]", field="submit_threshold")
    dates = scenario.round_dates()
    durs = _durations(scenario, durations)
    x = amount_grid(scenario)
    a_n = x.size
    lo, hi = float(su.reservation_value_krw), float(sk.reservation_value_krw)
    ov = scenario.protocol.overtime
    deadline = scenario.protocol.deadline
    late = np.array([1.0 if d >= deadline else 0.0 for d in dates])
    costs = (late * float(ov.per_round_cost_krw.get(us, 0.0)), late * float(ov.per_round_cost_krw.get(rok, 0.0)))
    # Any accepted point satisfies u_i(x) >= C_i >= -(sum of i's remaining costs) for both sides
    # (a side can always refuse), so only amounts in [L - S_US, H + S_K] can ever be agreed:
    # consent elsewhere cannot change the equilibrium and is not computed (it is set to 0).
    step = float(x[1] - x[0]) if a_n > 1 else 1.0
    band = (x >= lo - costs[0].sum() - step) & (x <= hi + costs[1].sum() + step)
    kappa = 1.0
    if consent is None:  # the Assembly a run reads (engine.floor_vote); a given curve is the Assembly itself
        from burdenshare.engine.floor_vote import vote_noise_scale as scale

        kappa = scale(scenario, vote_noise_scale)
    cube = consent_cube(scenario, dates, durs, x, params=params, consent=consent, only=band, vote_noise_scale=kappa)
    host = np.where(cube >= theta, cube, 0.0) if theta > 0 else cube.copy()
    rg = escalator_grid(scenario, durs)  # the bargained escalator rates or caps (None: the family's)
    if (rg is not None and side_discount_rates(scenario) == (rg.discount_rate, rg.discount_rate)
            and side_risk_prices(scenario) == (0.0, 0.0)):
        # equal rates, no risk price: every rate (cap) is worth the same to both sides; the text keeps the family's
        rg = dataclasses.replace(rg, rates_pct=rg.rates_pct[rg.g0:rg.g0 + 1], g0=0,
                                 weights=rg.weights[:, rg.g0:rg.g0 + 1], level=rg.level[:, rg.g0:rg.g0 + 1],
                                 second=None if rg.second is None else rg.second[:, rg.g0:rg.g0 + 1])
    ng = 1 if rg is None else int(rg.level.shape[1])
    host_rat = np.repeat(host.reshape(len(dates), len(durs), 1, a_n), ng, axis=2).reshape(len(dates), len(durs) * ng * a_n)
    host_rat = host_rat * np.tile(executive_approval(scenario, dates, x, hi), (1, len(durs) * ng))
    appr = np.tile(president_approval(scenario, dates, x), (1, len(durs) * ng))
    amounts = np.tile(x, len(durs) * ng)
    dur_of = np.repeat(np.asarray(durs, dtype=float), ng * a_n)
    tc = scenario_term_costs(scenario, durs)  # won per year by duration (the engine's term costs)
    tie_us = 0.0 if su.term_preference is not None else DURATION_TIE_BREAK_KRW * _pref_sign(su.duration_preference)
    tie_k = 0.0 if sk.term_preference is not None else DURATION_TIE_BREAK_KRW * _pref_sign(sk.duration_preference)
    u_us = amounts - lo - np.repeat(tc[0], ng * a_n) + tie_us * dur_of
    u_k = hi - amounts - np.repeat(tc[1], ng * a_n) + tie_k * dur_of
    tie = None
    if rg is not None:  # each side's rate cost x k_i(m, g) at its own discount rate (the engine's)
        rc, _ = scenario_rate_costs(scenario, rg)
        u_us = u_us - amounts * np.repeat(rc[0].reshape(-1), a_n)
        u_k = u_k - amounts * np.repeat(rc[1].reshape(-1), a_n)
        tie = tie_indices(rc, rg.g0)  # points worth the same to both sides carry the engine's choice
    game = BargainingGame(
        grid=np.arange(amounts.size, dtype=float),
        utilities=(u_us, u_k),
        horizon=len(dates),
        discount=(float(su.discount_factor), float(sk.discount_factor)),
        first_proposer=0 if scenario.protocol.first_proposer == us else 1,
        round_cost=costs,
        ratification=(appr, host_rat),
        tol=0.5,  # won: well below DURATION_TIE_BREAK_KRW and the grid step, above rounding in won
    )
    return _Setup(dates, durs, x, cube, host_rat, appr, game, theta, (us, rok), kappa,
                  () if rg is None else tuple(float(g) for g in rg.rates_pct), None if rg is None else rg.level,
                  "rate" if rg is None else rg.issue, tie)


@dataclass(frozen=True, slots=True)
class EquilibriumRound:
    """One round on the equilibrium path.

    Attributes
    ----------
    round, date, proposer
        Round index (0-based), its date, the proposing government's id.
    offer_krw, offer_usd, duration_years
        The proposer's equilibrium offer (``None`` when it makes no acceptable offer); the amount is
        the schedule's level equivalent (:mod:`burdenshare.agreement`; the first-year amount of a
        flat schedule), :class:`Equilibrium` reports the opening amount.
    accepted
        Whether the responder accepts it.
    p_consent
        Host consent probability of the offer at the round's date (before agenda control).
    p_approval
        The US President's approval probability of the offer.
    p_ratified
        Probability that the accepted offer is ratified on both sides (0 when the executive
        would not submit it).
    p_agreement
        Probability that the talks end with a ratified agreement in this round (on the path;
        in a branch, including the probability of reaching it).
    branch
        ``None`` before the US election's chance node; from the inauguration on, the path has
        one row per round for each branch: ``"no change"`` and ``"change"`` of administration.
    """

    round: int
    date: dt.date
    proposer: str
    offer_krw: float | None
    offer_usd: float | None
    duration_years: int | None
    accepted: bool
    p_consent: float | None
    p_approval: float | None
    p_ratified: float | None
    p_agreement: float
    branch: str | None = None
    escalator_pct: float | None = None
    escalator_cap_pct: float | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready (base units, ``null`` when absent; ``escalator_pct`` only where the rate is
        bargained, ``escalator_cap_pct`` only where the cap is)."""
        rate = {} if self.escalator_pct is None else {"escalator_pct": self.escalator_pct}
        if self.escalator_cap_pct is not None:
            rate["escalator_cap_pct"] = self.escalator_cap_pct
        return {**rate,
            "round": self.round,
            "date": self.date.isoformat(),
            "branch": self.branch,
            "proposer": self.proposer,
            "offer_krw": self.offer_krw,
            "offer_usd": self.offer_usd,
            "duration_years": self.duration_years,
            "accepted": self.accepted,
            "p_consent": self.p_consent,
            "p_approval": self.p_approval,
            "p_ratified": self.p_ratified,
            "p_agreement": self.p_agreement,
        }


@dataclass(frozen=True, slots=True)
class Equilibrium:
    """The subgame-perfect equilibrium of a scenario (see :func:`solve_scenario`).

    Attributes
    ----------
    scenario, as_of
        Scenario name and information date.
    agreement
        Whether a ratified agreement has positive probability on the path.
    amount_krw, amount_usd, duration_years, increase_pct
        The first agreement reached on the path (first-year amount; ``increase_pct`` = 100 x
        (amount / current agreement - 1)); ``None`` without agreement.
    p_consent, p_approval
        Its host consent and presidential approval probabilities at the vote date.
    round, date, proposer
        When and by whom it is offered; the Assembly votes on that date.
    p_agreement
        Probability of a ratified agreement by the horizon (over all rounds of the path).
    value_us_krw, value_rok_krw
        Each side's equilibrium value at the first round (won per year, relative to its
        reservation value, net of impasse costs).
    path
        :class:`EquilibriumRound` for every round (and, from the inauguration, for each branch).
    submit_threshold
        The executive's submission threshold used (agenda control).
    notes
        Assumptions in words.
    branch
        The branch of the first agreement (``None``: before the chance node).
    vote_noise_scale
        The floor vote's noise scale :math:`\\kappa` the consent probabilities are at (1 with a
        ``consent`` curve).
    """

    scenario: str
    as_of: dt.date
    agreement: bool
    amount_krw: float | None
    amount_usd: float | None
    duration_years: int | None
    increase_pct: float | None
    p_consent: float | None
    p_approval: float | None
    round: int | None
    date: dt.date | None
    proposer: str | None
    p_agreement: float
    value_us_krw: float
    value_rok_krw: float
    path: tuple[EquilibriumRound, ...] = field(repr=False)
    submit_threshold: float = 0.5
    notes: tuple[str, ...] = field(default=(), repr=False)
    branch: str | None = None
    vote_noise_scale: float = 1.0
    escalator_pct: float | None = None
    #: The signed cap where the cap is bargained (:mod:`burdenshare.bargaining.index_cap`).
    escalator_cap_pct: float | None = None

    def p_agreement_by(self, date: dt.date | str) -> float:
        """Probability of a ratified agreement on or before ``date``."""
        day = as_date(date)
        return float(sum(r.p_agreement for r in self.path if r.date <= day))

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (DESIGN.md §6: won/dollars in base units, percent, ``null`` when absent)."""
        return {
            "scenario": self.scenario,
            "as_of": self.as_of.isoformat(),
            "agreement": self.agreement,
            "amount_first_year_krw": self.amount_krw,
            "amount_first_year_usd": self.amount_usd,
            "duration_years": self.duration_years,
            "increase_pct": self.increase_pct,
            "p_consent": self.p_consent,
            "p_approval": self.p_approval,
            "round": self.round,
            "date": None if self.date is None else self.date.isoformat(),
            "proposer": self.proposer,
            "p_agreement": self.p_agreement,
            "value_us_krw": self.value_us_krw,
            "value_rok_krw": self.value_rok_krw,
            "submit_threshold": self.submit_threshold,
            "branch": self.branch,
            "vote_noise_scale": self.vote_noise_scale,
            **({} if self.escalator_pct is None else {"escalator_pct": self.escalator_pct}),
            **({} if self.escalator_cap_pct is None else {"escalator_cap_pct": self.escalator_cap_pct}),
            "path": [r.to_json() for r in self.path],
            "notes": list(self.notes),
        }


def _usd(scenario: Scenario, amount_krw: float) -> float:
    """Dollars at the base year's rate (the rate ``explain`` and ``run`` use for the first year)."""
    cm = scenario.cost_model
    return float(to_usd(amount_krw, int(cm.base_year), dict(cm.exchange_rates_krw_per_usd)))


def _clean(value: float) -> float:
    out = float(value)
    return 0.0 if out == 0.0 else out


@reads_as_of
def solve_scenario(
    scenario: Scenario,
    *,
    durations: Sequence[int] | None = None,
    params: LegislatureParams | None = None,
    consent: ConsentFn | None = None,
    submit_threshold: float | None = None,
    vote_noise_scale: float | None = None,
) -> Equilibrium:
    """Solve a scenario's two-level bargaining game exactly (the rational benchmark).

    Parameters
    ----------
    scenario
        A validated :class:`~burdenshare.scenario.Scenario`.
    durations
        Durations the sides may agree (default ``levers.allowed_durations``).
    params
        Overrides of the scenario's legislature parameters (e.g. a stricter majority).
    consent
        A host consent curve ``(amounts, date, duration) -> P`` to use instead of the legislature
        model (constructed scenarios, closed-form checks).
    submit_threshold
        The host executive's submission threshold θ (default 0.5 with ``submission =
        "strategic"``, 0 with ``"immediate"``).
    vote_noise_scale
        The floor vote's noise scale :math:`\\kappa` in (0, 1] (default: the scenario's, through
        :func:`burdenshare.engine.floor_vote.vote_noise_scale`; a report passes its run's).

    Returns
    -------
    Equilibrium

    Raises
    ------
    SpecError, ScenarioError
        Durations outside ``levers.allowed_durations``, no round in the talks, a bad threshold.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> eq = solve_scenario(load_scenario("sma-2020-hindsight"), durations=[1])
    >>> eq.p_agreement <= 1.0
    True
    """
    st = _setup(scenario, durations=durations, params=params, consent=consent, submit_threshold=submit_threshold,
                vote_noise_scale=vote_noise_scale)
    a_n = st.amounts.size
    ng = max(1, len(st.rates_pct))
    current = float(scenario.cost_model.current_agreement_krw)
    segments = _solve_segments(scenario, st)
    rows: list[EquilibriumRound] = []
    for seg in segments:
        res, start, weight, approval, branch = seg
        for t in range(res.proposers.size):
            r_abs = start + t
            day = st.dates[r_abs]
            j = int(res.proposers[t])
            g = int(res.offer_index[t])
            p_here = _clean(weight * float(res.round_agreement_probability[t]))
            if g >= 0:
                dg, a_i = divmod(g, a_n)
                d_i, g_i = divmod(dg, ng)
                if st.rate_tie is not None:  # the engine's tie rule (its points are the same to both sides)
                    g_i = int(st.rate_tie[d_i, g_i])
                amt = float(st.amounts[a_i])
                rows.append(EquilibriumRound(
                    r_abs, day, st.govs[j], amt, _usd(scenario, amt), st.durations[d_i], bool(res.accepted[t]),
                    float(st.consent[r_abs, d_i, a_i]), float(approval[g]),
                    float(st.host_rat[r_abs, g] * approval[g]), p_here, branch,
                    st.rates_pct[g_i] if st.rates_pct and st.issue == "rate" else None,
                    st.rates_pct[g_i] if st.rates_pct and st.issue == "cap" else None))
            else:
                rows.append(EquilibriumRound(r_abs, day, st.govs[j], None, None, None, False, None, None, None,
                                             p_here, branch))
    p_total = _clean(sum(r.p_agreement for r in rows))
    first_res = segments[0][0]
    if segments[0][1] == 0 and segments[0][4] is None:
        value = (float(first_res.values[0, 0]), float(first_res.values[0, 1]))
    else:  # the chance node is at the first round
        value = _branch_value(segments)
    agreed = [r for r in rows if r.accepted and r.p_agreement > 0.0]
    agreed.sort(key=lambda r: (r.round, -r.p_agreement))
    notes = (
        "utilities u_US = x - L, u_host = H - x (won per year; central reservation values from [strategies])",
        f"host ratification: exact Art. 49 consent probability at each round's date, at the floor vote's noise "
        f"scale kappa = {st.kappa:.3f} (legislature.vote_noise_scale; 1 = the model as specified); agenda control: "
        f"texts with P(consent) < {st.threshold:g} are not submitted; the host executive's own ceiling",
        "US ratification: the President approves x >= his reservation value (central); the US election is a chance "
        "node at the inauguration: with probability p_administration_change the new President's reservation value "
        "applies from then on (two branches, solved by backward induction and averaged)",
        "per-round impasse costs from protocol.overtime.per_round_cost_krw on rounds on or after protocol.deadline; "
        "disagreement at the horizon = reservation values",
        "term costs w (m - T)^2 of strategies.<gov>.term_preference; a side without one: its duration_preference "
        "only breaks ties",
        "left out: private types, obstinacy, audience costs, furlough worker-days, drawdown (the engine's)",
    )
    if not agreed:
        return Equilibrium(str(scenario.name), scenario.levers.as_of, False, None, None, None, None, None, None,
                           None, None, None, p_total, value[0], value[1], tuple(rows), st.threshold, notes,
                           vote_noise_scale=st.kappa)
    r = agreed[0]
    assert r.offer_krw is not None and r.duration_years is not None
    # the grid amount is the schedule's level equivalent; the text opens at it over the term's factor
    # (burdenshare.agreement; 1 for a flat schedule)
    signed = r.escalator_pct if r.escalator_cap_pct is None else r.escalator_cap_pct
    if signed is not None and st.rate_level is not None:  # at the signed rate or cap (bargaining.rate_value)
        lf = float(st.rate_level[st.durations.index(r.duration_years), st.rates_pct.index(signed)])
    else:
        lf = float(expected_level_factors(scenario, [r.duration_years])[0])
    opening = r.offer_krw / lf
    return Equilibrium(
        str(scenario.name), scenario.levers.as_of, True, opening, _usd(scenario, opening), r.duration_years,
        100.0 * (opening / current - 1.0), r.p_consent, r.p_approval, r.round, r.date, r.proposer,
        p_total, value[0], value[1], tuple(rows), st.threshold, notes, r.branch, st.kappa, r.escalator_pct,
        r.escalator_cap_pct)


#: A solved stretch of rounds: (result, first round, probability weight, approval (G,), branch).
_Segment = tuple[Any, int, float, NDArray[np.float64], "str | None"]


def _branch_value(segments: list[_Segment]) -> tuple[float, float]:
    """Expected value over the branches that start the list (the chance node at round 0)."""
    v0 = sum(w * float(res.values[0, 0]) for res, _, w, _, b in segments if b is not None)
    v1 = sum(w * float(res.values[0, 1]) for res, _, w, _, b in segments if b is not None)
    return (v0, v1)


def _solve_segments(scenario: Scenario, st: _Setup) -> list[_Segment]:
    r"""Backward induction with the US election as a chance node (DESIGN.md §4, Solution methods 2).

    Rounds before the inauguration form one game whose disagreement payoff is the expected value
    of the branches at the inauguration: with probability q = ``p_administration_change`` the
    President's reservation value becomes :math:`R_P'` (branch ``"change"``), else it stays
    :math:`R_P` (``"no change"``).  Each branch is solved on the remaining rounds with its own
    (deterministic) approval, so the players learn the election's result before they act on it.
    Without an inauguration inside the talks, q = 0 or no :math:`R_P'`, one game.
    """
    from dataclasses import replace

    game = st.game
    n = len(st.dates)
    old, new, q, start = us_election(scenario, np.tile(st.amounts, len(st.durations) * max(1, len(st.rates_pct))))
    later = [t for t, day in enumerate(st.dates) if new is not None and start is not None and day >= start]
    split = later[0] if later else None
    c0 = np.broadcast_to(np.asarray(game.round_cost[0], dtype=float), (n,))
    c1 = np.broadcast_to(np.asarray(game.round_cost[1], dtype=float), (n,))

    def stretch(lo: int, hi: int, approval: NDArray[np.float64], d: tuple[float, float]) -> Any:
        return solve(replace(game, horizon=hi - lo, first_proposer=(game.first_proposer + lo) % 2,
                             round_cost=(c0[lo:hi].copy(), c1[lo:hi].copy()),
                             ratification=(np.tile(approval, (hi - lo, 1)), st.host_rat[lo:hi].copy()),
                             disagreement=d))

    if split is None or new is None:
        return [(stretch(0, n, old, game.disagreement), 0, 1.0, old, None)]
    res_a = stretch(split, n, old, game.disagreement)
    res_b = stretch(split, n, new, game.disagreement)
    d = (q * float(res_b.values[0, 0]) + (1 - q) * float(res_a.values[0, 0]),
         q * float(res_b.values[0, 1]) + (1 - q) * float(res_a.values[0, 1]))
    segments: list[_Segment] = []
    reach = 1.0
    if split > 0:
        res_pre = stretch(0, split, old, d)
        segments.append((res_pre, 0, 1.0, old, None))
        reach = 1.0 - float(res_pre.agreement_probability)
    segments.append((res_a, split, reach * (1.0 - q), old, "no change"))
    segments.append((res_b, split, reach * q, new, "change"))
    return segments
