r"""Attendance and role-dependent yes-propensity fitted to the recorded votes known at a date.

**Model of a recorded vote** v (the chamber on its date, :func:`.record.recorded_votes`):

* *Attendance, random per vote.*  The vote's presence rate is :math:`\pi_v = \mu + \tau z_v`,
  :math:`z_v` standard normal; given :math:`\pi_v`, each seated member is present independently,
  :math:`P_v \sim \mathrm{Bin}(n_v, \pi_v)`.  :math:`\hat\mu = \sum_v P_v / \sum_v n_v` (MLE);
  :math:`\hat\tau^2 = \max(0, s^2 - \overline{\mu(1-\mu)/n_v})`, the method-of-moments
  between-vote variance of the presence rates (0 with one vote).  The rate at a *new* vote is
  predicted with sd :math:`\sigma_\pi = \sqrt{\mathrm{se}(\hat\mu)^2 + \hat\tau^2}`
  (estimation error plus the between-vote spread), the ``attendance_sd`` the scenario's
  ``"calibrated"`` uses.
* *Yes given present, by role.*  A present member of bloc b votes yes with probability
  :math:`\rho_b = \operatorname{expit}(\alpha + \gamma g_b)`, :math:`g_b = 1` for the
  government's bloc (the ``ruling`` label of the seat rows on the vote date) and 0 for the
  opposition; 0 for the blocs that announced or cast no on every recorded deal
  (``opposed_blocs``, default the progressive bloc: Justice Party / UPP 2014, Justice 4 of 6 and
  Minjung 1 no in 2019, party_positions.csv and the ``sma_vote_party`` rows).  The yes count is
  :math:`Y_v \sim \mathrm{Bin}(P_v, s_v)`, :math:`s_v = \sum_b (n_b/n_v) \rho_b`.
* *Prior* (assumptions, :class:`YesPrior`): :math:`\alpha \sim N(0, 2^2)` (a yes share anywhere
  between 0.02 and 0.98), :math:`\gamma \sim N(0, 1)` (no presumption that the government's camp
  backs its deal more or less than the opposition; two votes cannot say).  The fit is the
  posterior mode (MAP), with the Laplace covariance for standard errors.  ``YesPrior(
  ruling_fixed=0.95)`` is the earlier calibration (:func:`.calibration.calibrate`): the
  government's propensity fixed at 0.95 and the opposition's fitted by maximum likelihood.

The increase is not a regressor: the recorded deals (+5.8 % in 2014, +8.2 % in 2019) drew yes
shares of 0.682 and 0.716 of those present, the larger increase the larger share, a difference of
one binomial standard deviation (0.033).  Two votes cannot identify a slope, and fitting one would
give it the wrong sign.  The yes share responds to the increase through the bloc positions of
:class:`~.model.LegislatureModel` (party lines, the base's willingness to pay), whose
:math:`\rho_b` these estimates are: the share voting yes on a deal inside the bloc's range.

**Leave-one-out** (:func:`leave_one_out`): each recorded vote is predicted (members present,
yes votes) from a fit to the others, with the predictive sd (binomial, the between-vote spread
of attendance and the parameters' posterior sd by the delta method).  docs/legislature.md §5
holds the table, tests reproduce it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from burdenshare.legislature.record import RecordedVote, recorded_votes

__all__ = ["LooRow", "VoteFit", "YesPrior", "fit_recorded_votes", "leave_one_out", "loo_table"]

#: Blocs whose members announced or cast no on every recorded deal: present members not yes.
OPPOSED_BLOCS: tuple[str, ...] = ("progressive",)


@dataclass(frozen=True, slots=True)
class YesPrior:
    """Normal priors on the logit yes-propensity: intercept ``alpha`` and government effect ``gamma``.

    ``ruling_fixed`` (a probability) fixes the government's propensity instead and fits the
    opposition's by maximum likelihood (the earlier calibration).
    """

    alpha_mean: float = 0.0
    alpha_sd: float = 2.0
    gamma_mean: float = 0.0
    gamma_sd: float = 1.0
    ruling_fixed: float | None = None


@dataclass(frozen=True, slots=True)
class VoteFit:
    """A fit to recorded votes.

    Attributes
    ----------
    attendance, attendance_se, attendance_between_sd, attendance_sd
        :math:`\\hat\\mu`, its se, :math:`\\hat\\tau` and the predictive sd :math:`\\sigma_\\pi`.
    government_yes, opposition_yes
        :math:`\\rho` of a present member of the government's / an opposition bloc.
    government_yes_se, opposition_yes_se
        Their posterior sd (Laplace, delta method; 0 where fixed).
    n_votes
        Recorded votes fitted.
    """

    attendance: float
    attendance_se: float
    attendance_between_sd: float
    attendance_sd: float
    government_yes: float
    opposition_yes: float
    government_yes_se: float
    opposition_yes_se: float
    n_votes: int
    _theta: tuple[float, float]
    _cov: tuple[tuple[float, float], tuple[float, float]]
    _fixed: float | None
    opposed_blocs: tuple[str, ...]

    def yes_share(self, vote: RecordedVote) -> float:
        """Expected yes share of those present at ``vote``."""
        return float(_share(vote, self._theta, self._fixed, self.opposed_blocs))

    def predict(self, vote: RecordedVote) -> tuple[float, float, float, float]:
        """(present, sd, yes, sd) predicted for ``vote``'s chamber (its seats and roles)."""
        n = vote.seated
        mu = self.attendance
        present = n * mu
        var_p = n * mu * (1 - mu) + (n * self.attendance_sd) ** 2
        s = self.yes_share(vote)
        grad = _share_grad(vote, self._theta, self._fixed, self.opposed_blocs)
        var_s = float(grad @ np.asarray(self._cov) @ grad)
        var_y = present * s * (1 - s) + s * s * var_p + (present**2 + var_p) * var_s
        return present, math.sqrt(var_p), present * s, math.sqrt(var_y)


def _rho(vote: RecordedVote, theta: Sequence[float] | np.ndarray, fixed: float | None, opposed: tuple[str, ...]) -> np.ndarray:
    a, g = theta
    gov = np.asarray(vote.government, dtype=float)
    rho_opp = special.expit(a)
    rho_gov = fixed if fixed is not None else special.expit(a + g)
    rho = np.where(gov > 0, rho_gov, rho_opp)
    return np.where([b in opposed for b in vote.blocs], 0.0, rho)


def _share(vote: RecordedVote, theta: Sequence[float] | np.ndarray, fixed: float | None, opposed: tuple[str, ...]) -> float:
    seats = np.asarray(vote.seats, dtype=float)
    return float(seats @ _rho(vote, theta, fixed, opposed) / vote.seated)


def _share_grad(vote: RecordedVote, theta: Sequence[float] | np.ndarray, fixed: float | None, opposed: tuple[str, ...]) -> np.ndarray:
    a, g = theta
    seats = np.asarray(vote.seats, dtype=float) / vote.seated
    gov = np.asarray(vote.government)
    live = np.asarray([b not in opposed for b in vote.blocs])
    ro, rg = special.expit(a), special.expit(a + g)
    d_a = np.where(gov, 0.0 if fixed is not None else rg * (1 - rg), ro * (1 - ro)) * live
    d_g = np.where(gov, 0.0 if fixed is not None else rg * (1 - rg), 0.0) * live
    return np.array([seats @ d_a, seats @ d_g])


def _neg_log_post(theta: np.ndarray, votes: Sequence[RecordedVote], prior: YesPrior, opposed: tuple[str, ...]) -> float:
    total = 0.0
    for v in votes:
        s = min(max(_share(v, theta, prior.ruling_fixed, opposed), 1e-300), 1 - 1e-16)
        total += v.yes * math.log(s) + v.not_yes * math.log1p(-s)
    if prior.ruling_fixed is None:
        total -= 0.5 * ((theta[0] - prior.alpha_mean) / prior.alpha_sd) ** 2
        total -= 0.5 * ((theta[1] - prior.gamma_mean) / prior.gamma_sd) ** 2
    return -total


def _hessian(fn: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    n = x.size
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            e_i = np.eye(n)[i] * h
            e_j = np.eye(n)[j] * h
            out[i, j] = (fn(x + e_i + e_j) - fn(x + e_i - e_j) - fn(x - e_i + e_j) + fn(x - e_i - e_j)) / (4 * h * h)
    return out


def fit_recorded_votes(
    votes: Sequence[RecordedVote],
    prior: YesPrior | None = None,
    *,
    opposed_blocs: tuple[str, ...] = OPPOSED_BLOCS,
) -> VoteFit:
    """Fit attendance and the yes-propensities to ``votes`` (module docstring).

    Parameters
    ----------
    votes
        Recorded votes (at least one), e.g. :func:`.record.recorded_votes` (as_of).
    prior
        Priors (default :class:`YesPrior` ()).
    opposed_blocs
        Blocs whose present members are counted as not yes.

    Returns
    -------
    VoteFit

    Raises
    ------
    ValueError
        If ``votes`` is empty.

    Examples
    --------
    >>> from burdenshare.legislature.record import recorded_votes
    >>> f = fit_recorded_votes(recorded_votes("2020-03-11"))
    >>> round(f.attendance, 4), round(f.government_yes, 3), round(f.opposition_yes, 3)
    (0.6455, 0.711, 0.73)
    """
    if not votes:
        raise ValueError("no recorded vote to fit")
    pr = YesPrior() if prior is None else prior
    seated = np.asarray([v.seated for v in votes], dtype=float)
    present = np.asarray([v.present for v in votes], dtype=float)
    mu = float(present.sum() / seated.sum())
    mu_se = math.sqrt(mu * (1 - mu) / seated.sum())
    tau2 = 0.0
    if len(votes) > 1:
        rates = present / seated
        tau2 = max(0.0, float(rates.var(ddof=1)) - float(np.mean(mu * (1 - mu) / seated)))
    tau = math.sqrt(tau2)

    def f(x: np.ndarray) -> float:
        return _neg_log_post(x, votes, pr, opposed_blocs)

    if pr.ruling_fixed is None:
        res = optimize.minimize(f, np.array([pr.alpha_mean, pr.gamma_mean]), method="Nelder-Mead",
                                options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000})
        theta = np.asarray(res.x, dtype=float)
        cov = np.linalg.inv(_hessian(f, theta))
    else:
        res1 = optimize.minimize_scalar(lambda a: f(np.array([a, 0.0])), bounds=(-15.0, 15.0), method="bounded",
                                        options={"xatol": 1e-10})
        theta = np.array([float(res1.x), 0.0])
        h = 1e-4
        d2 = (f(theta + [h, 0]) - 2 * f(theta) + f(theta - [h, 0])) / h**2
        cov = np.array([[1.0 / d2, 0.0], [0.0, 0.0]])
    ro = float(special.expit(theta[0]))
    rg = float(pr.ruling_fixed) if pr.ruling_fixed is not None else float(special.expit(theta[0] + theta[1]))
    g_opp = np.array([ro * (1 - ro), 0.0])
    g_gov = np.zeros(2) if pr.ruling_fixed is not None else np.array([rg * (1 - rg), rg * (1 - rg)])
    return VoteFit(
        attendance=mu,
        attendance_se=mu_se,
        attendance_between_sd=tau,
        attendance_sd=math.sqrt(mu_se**2 + tau2),
        government_yes=rg,
        opposition_yes=ro,
        government_yes_se=math.sqrt(max(0.0, float(g_gov @ cov @ g_gov))),
        opposition_yes_se=math.sqrt(max(0.0, float(g_opp @ cov @ g_opp))),
        n_votes=len(votes),
        _theta=(float(theta[0]), float(theta[1])),
        _cov=((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))),
        _fixed=pr.ruling_fixed,
        opposed_blocs=opposed_blocs,
    )


@dataclass(frozen=True, slots=True)
class LooRow:
    """One held-out vote: recorded counts and the prediction from the other votes."""

    sma_number: int
    date: dt.date
    present: int
    yes: int
    predicted_present: float
    present_sd: float
    predicted_yes: float
    yes_sd: float

    @property
    def present_error(self) -> float:
        """Predicted minus recorded members present."""
        return self.predicted_present - self.present

    @property
    def yes_error(self) -> float:
        """Predicted minus recorded yes votes."""
        return self.predicted_yes - self.yes


def leave_one_out(as_of: dt.date | str, prior: YesPrior | None = None) -> tuple[LooRow, ...]:
    """Predict each recorded vote known at ``as_of`` from a fit to the others.

    Parameters
    ----------
    as_of
        Only votes strictly before this date are used (no hindsight).
    prior
        As in :func:`fit_recorded_votes`.

    Returns
    -------
    tuple of LooRow
        One per recorded vote (empty with fewer than two votes).
    """
    votes = recorded_votes(as_of)
    if len(votes) < 2:
        return ()
    rows = []
    for i, held in enumerate(votes):
        fit = fit_recorded_votes([v for j, v in enumerate(votes) if j != i], prior)
        p, p_sd, y, y_sd = fit.predict(held)
        rows.append(LooRow(held.sma_number, held.date, held.present, held.yes, p, p_sd, y, y_sd))
    return tuple(rows)


def loo_table(as_of: dt.date | str) -> str:
    """The leave-one-out table of docs/legislature.md §5 (Markdown), before and after.

    *Before*: the earlier calibration (government's propensity fixed at 0.95, attendance a
    constant). *After*: :class:`YesPrior` () with the role effect fitted and random attendance.
    """
    before = leave_one_out(as_of, YesPrior(ruling_fixed=0.95))
    after = leave_one_out(as_of)
    lines = [
        "| held-out vote | recorded present / yes | before: present / yes (error) | after: present ± sd / yes ± sd (error) |",
        "|---|---|---|---|",
    ]
    for b, a in zip(before, after):
        lines.append(
            f"| {a.sma_number}th SMA, {a.date.isoformat()} | {a.present} / {a.yes} "
            f"| {b.predicted_present:.1f} / {b.predicted_yes:.1f} ({b.present_error:+.1f} / {b.yes_error:+.1f}) "
            f"| {a.predicted_present:.1f} ± {a.present_sd:.1f} / {a.predicted_yes:.1f} ± {a.yes_sd:.1f} "
            f"({a.present_error:+.1f} / {a.yes_error:+.1f}) |"
        )
    return "\n".join(lines)
