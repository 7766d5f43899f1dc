r"""Calibration of attendance and yes-propensity to the two recorded SMA consent votes.

Data (:func:`burdenshare.legislature.record.recorded_votes`: ``burdenshare.data.consent_votes()``,
seats and roles from ``seats_by_bloc`` on the vote date, party tags mapped to blocs through the
seat rows of that date):

=========  ==========  ======  =======  ===  ===  =======  ============================
SMA        date        seated  present  yes  no   abstain  ruling bloc (data ``role``)
=========  ==========  ======  =======  ===  ===  =======  ============================
9th        2014-04-16  298     192      131  26   35       conservative
10th       2019-04-05  300     194      139  33   22       liberal
=========  ==========  ======  =======  ===  ===  =======  ============================

**Model for a recorded vote** (both deals were small increases, +5.8 % and +8.2 %, assumed to lie
inside every bloc's range except the progressive bloc's, whose parties announced or cast "no" on
both: ``party_positions.csv`` and the ``sma_vote_party`` rows).  Member of bloc b: absent
:math:`1 - \pi`; present and yes :math:`\pi\rho_b`; present and not yes :math:`\pi(1 - \rho_b)`,
with :math:`\rho_b = \rho_R` for the ruling bloc, :math:`0` for the progressive bloc and
:math:`\rho_O` for every other member.  The counts (absent, yes, not-yes) of vote v are taken as
multinomial with the seat-weighted probabilities (the likelihood the brief names; the exact
law is a sum of bloc multinomials with the same means):

.. math::

    \ell(\pi, \rho_O) = \sum_v A_v\log(1 - \pi) + Y_v\log(\pi s_v) + N_v\log(\pi(1 - s_v)),
    \quad s_v = f^R_v\rho_R + f^O_v\rho_O,

with :math:`f` the seat shares.  Hence :math:`\hat\pi = \sum P_v / \sum n_v` in closed form and
:math:`\hat\rho_O` by a 1-D maximization.  :math:`\rho_R = 0.95` is an **assumption** (ruling
members vote for their own government's deal); freeing it as well gives four counts for three
parameters, solved exactly by an implausible point (the ruling camp voting yes *less* often than
the opposition), shown in the report as evidence of non-identification.

**What two votes identify** (said plainly in :func:`calibration_report`): the average shares of
members absent, voting yes and not voting yes on a small increase that the executive chose to
submit — little more.  Both deals passed, both were small increases, so the thresholds (the
amounts at which blocs would say no) are censored: no recorded vote lies above any bloc's position.
Governments submit only deals they expect to pass (agenda control), so the recorded votes are a
selected sample.  Party lines, discipline, opinion weights, member spreads and shocks are
assumptions, carried as distributions under ``uncertainty`` in scenarios, never estimates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from burdenshare.data import per_dataset
from burdenshare.legislature.record import recorded_votes

__all__ = [
    "BlocFit",
    "Calibration",
    "VoteFit",
    "calibrate",
    "calibration_report",
    "IDENTIFICATION_CAVEAT",
    "RULING_YES_PROPENSITY",
]

#: Assumed share of present ruling-bloc members voting yes on their government's deal.
RULING_YES_PROPENSITY = 0.95

#: Blocs whose members announced or cast "no" on both recorded deals (party_positions.csv,
#: sma_vote_party rows): their present members are counted as not-yes.
OPPOSED_BLOCS = ("progressive",)

IDENTIFICATION_CAVEAT = (
    "Two recorded votes identify little. They give the average shares of members absent, voting "
    "yes and not voting yes on a small increase (+5.8% in 2014, +8.2% in 2019) that the executive "
    "chose to submit, and nothing more. Both deals passed and both were small increases, so every "
    "bloc's threshold (the amount at which it would vote no) is censored: no recorded vote lies "
    "above it. Governments submit only deals they expect to pass (agenda control), so the votes "
    "are a selected sample, biased toward yes. The 2014 vote has no party breakdown; in 2019 only "
    "16 of the 55 not-yes votes carry a party tag. Party lines, discipline, opinion weights, the "
    "spread of members' thresholds and the opinion shocks are therefore assumptions, not "
    "estimates; the ruling camp's yes-propensity is fixed by assumption (freeing it yields an "
    "implausible exact fit). Treat the fitted attendance and yes-propensity as descriptions of two "
    "days, with the wide intervals shown."
)


@dataclass(frozen=True, slots=True)
class BlocFit:
    """Predicted vs recorded votes of one bloc at one recorded vote.

    ``tagged_not_yes`` is the count of no/abstain votes carrying a party tag of this bloc (a lower
    bound: untagged votes are unattributed); ``nan`` where the source gives no breakdown.
    """

    bloc: str
    seats: int
    yes_propensity: float
    predicted_yes: float
    predicted_not_yes: float
    predicted_absent: float
    tagged_not_yes: float


@dataclass(frozen=True, slots=True)
class VoteFit:
    """One recorded vote: recorded and predicted counts, by bloc."""

    sma_number: int
    date: str
    seated: int
    ruling_bloc: str
    recorded_yes: int
    recorded_not_yes: int
    recorded_absent: int
    predicted_yes: float
    predicted_not_yes: float
    predicted_absent: float
    untagged_not_yes: float
    blocs: tuple[BlocFit, ...]
    separate_rho_opposition: float
    separate_rho_interval: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Calibration:
    """Fitted attendance and yes-propensity, with uncertainty and the identification caveat.

    Attributes
    ----------
    attendance
        :math:`\\hat\\pi` (share of seated members present), with standard error and 95 % interval.
    opposition_yes_propensity
        :math:`\\hat\\rho_O`, with standard error and 95 % profile-likelihood interval.
    ruling_yes_propensity
        :math:`\\rho_R` (assumed, not fitted).
    log_likelihood
        At the optimum.
    unconstrained
        The exact solution with :math:`\\rho_R` free as well: ``(rho_R, rho_O)`` (may be
        implausible or outside [0, 1]).
    votes
        Per-vote fit.
    caveat
        The identification caveat text.
    """

    attendance: float
    attendance_se: float
    attendance_interval: tuple[float, float]
    opposition_yes_propensity: float
    opposition_yes_propensity_se: float
    opposition_yes_propensity_interval: tuple[float, float]
    ruling_yes_propensity: float
    log_likelihood: float
    unconstrained: tuple[float, float]
    votes: tuple[VoteFit, ...]
    caveat: str = IDENTIFICATION_CAVEAT

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "attendance": self.attendance,
            "attendance_se": self.attendance_se,
            "attendance_interval": list(self.attendance_interval),
            "opposition_yes_propensity": self.opposition_yes_propensity,
            "opposition_yes_propensity_se": self.opposition_yes_propensity_se,
            "opposition_yes_propensity_interval": list(self.opposition_yes_propensity_interval),
            "ruling_yes_propensity": self.ruling_yes_propensity,
            "ruling_yes_propensity_assumed": True,
            "log_likelihood": self.log_likelihood,
            "unconstrained_rho_ruling_rho_opposition": list(self.unconstrained),
            "votes": [
                {
                    "sma": v.sma_number, "date": v.date, "seated": v.seated, "ruling_bloc": v.ruling_bloc,
                    "recorded": {"yes": v.recorded_yes, "not_yes": v.recorded_not_yes, "absent": v.recorded_absent},
                    "predicted": {"yes": v.predicted_yes, "not_yes": v.predicted_not_yes, "absent": v.predicted_absent},
                    "by_bloc": [
                        {"bloc": b.bloc, "seats": b.seats, "predicted_yes": b.predicted_yes,
                         "predicted_not_yes": b.predicted_not_yes, "predicted_absent": b.predicted_absent,
                         "tagged_not_yes": None if math.isnan(b.tagged_not_yes) else b.tagged_not_yes}
                        for b in v.blocs
                    ],
                }
                for v in self.votes
            ],
            "caveat": self.caveat,
        }


@dataclass(frozen=True, slots=True)
class _Vote:
    sma: int
    date: str
    seated: int
    present: int
    yes: int
    not_yes: int
    blocs: tuple[str, ...]
    seats: tuple[int, ...]
    ruling: str
    tags: dict[str, float]
    untagged: float


def _votes(as_of: str | None = None) -> tuple[_Vote, ...]:
    """The recorded votes (all, or those before ``as_of``), from :mod:`.record`: seats, the
    ruling bloc and the party tags mapped to blocs through the seat rows of the vote date."""
    out = []
    for v in recorded_votes("9999-12-31" if as_of is None else as_of):
        ruling = next((b for b, g in zip(v.blocs, v.government) if g), "")
        out.append(_Vote(
            v.sma_number, v.date.isoformat(), v.seated, v.present, v.yes, v.not_yes,
            v.blocs, v.seats, ruling, dict(v.tagged_not_yes), v.untagged_not_yes,
        ))
    return tuple(out)


def _rho(vote: _Vote, rho_r: float, rho_o: float) -> np.ndarray:
    return np.array([
        rho_r if b == vote.ruling else 0.0 if b in OPPOSED_BLOCS else rho_o for b in vote.blocs
    ])


def _share(vote: _Vote, rho_r: float, rho_o: float) -> float:
    seats = np.asarray(vote.seats, dtype=float)
    return float(seats @ _rho(vote, rho_r, rho_o) / seats.sum())


def _loglik_rho(votes: tuple[_Vote, ...], rho_r: float, rho_o: float) -> float:
    total = 0.0
    for v in votes:
        s = min(max(_share(v, rho_r, rho_o), 1e-300), 1 - 1e-16)
        total += v.yes * math.log(s) + v.not_yes * math.log1p(-s)
    return total


def _fit_rho(votes: tuple[_Vote, ...], rho_r: float) -> tuple[float, float, tuple[float, float], float]:
    from scipy import optimize  # heavy; loaded where a fit runs, not at import

    res = optimize.minimize_scalar(lambda r: -_loglik_rho(votes, rho_r, r), bounds=(1e-6, 1 - 1e-6),
                                   method="bounded", options={"xatol": 1e-10})
    r_hat = float(res.x)
    ll = -float(res.fun)
    h = 1e-4
    d2 = (_loglik_rho(votes, rho_r, r_hat + h) - 2 * ll + _loglik_rho(votes, rho_r, r_hat - h)) / h**2
    se = math.sqrt(-1.0 / d2) if d2 < 0 else math.nan
    drop = 1.920729410347062  # chi2(1) 0.95 / 2

    def f(r: float) -> float:
        return _loglik_rho(votes, rho_r, r) - (ll - drop)

    lo = optimize.brentq(f, 1e-9, r_hat) if f(1e-9) < 0 else 0.0
    hi = optimize.brentq(f, r_hat, 1 - 1e-9) if f(1 - 1e-9) < 0 else 1.0
    return r_hat, se, (lo, hi), ll


@per_dataset(maxsize=8)
def calibrate(ruling_yes_propensity: float = RULING_YES_PROPENSITY, as_of: str | None = None) -> Calibration:
    """Fit attendance and the opposition's yes-propensity to the recorded votes (MLE).

    Parameters
    ----------
    ruling_yes_propensity
        Assumed :math:`\\rho_R` (default 0.95).
    as_of
        ISO date: only votes strictly before it are used (default: every recorded vote).

    Raises
    ------
    ValueError
        If no recorded vote precedes ``as_of``.

    Returns
    -------
    Calibration

    Examples
    --------
    >>> c = calibrate()
    >>> round(c.attendance, 4), round(c.opposition_yes_propensity, 3)
    (0.6455, 0.507)
    """
    votes = _votes(as_of)
    if not votes:
        raise ValueError(f"no recorded consent vote before {as_of}")
    n = sum(v.seated for v in votes)
    present = sum(v.present for v in votes)
    pi = present / n
    pi_se = math.sqrt(pi * (1 - pi) / n)
    rho_o, rho_se, rho_ci, ll_rho = _fit_rho(votes, ruling_yes_propensity)
    ll = ll_rho + sum((v.seated - v.present) * math.log(1 - pi) + v.present * math.log(pi) for v in votes)
    # unconstrained: rho_R and rho_O free (two equations s_v = yes_v / present_v)
    mat = []
    rhs = []
    for v in votes:
        seats = np.asarray(v.seats, dtype=float)
        f_r = sum(s for b, s in zip(v.blocs, seats) if b == v.ruling) / seats.sum()
        f_o = sum(s for b, s in zip(v.blocs, seats) if b != v.ruling and b not in OPPOSED_BLOCS) / seats.sum()
        mat.append([f_r, f_o])
        rhs.append(v.yes / v.present)
    sol = np.linalg.solve(np.asarray(mat), np.asarray(rhs)) if len(votes) == 2 else np.full(2, math.nan)
    fits = []
    for v in votes:
        rho = _rho(v, ruling_yes_propensity, rho_o)
        seats = np.asarray(v.seats, dtype=float)
        blocs = tuple(
            BlocFit(b, int(s), float(r), float(s * pi * r), float(s * pi * (1 - r)), float(s * (1 - pi)),
                    float(v.tags.get(b, 0.0)) if v.tags else math.nan)
            for b, s, r in zip(v.blocs, seats, rho)
        )
        sep, _, sep_ci, _ = _fit_rho((v,), ruling_yes_propensity)
        fits.append(VoteFit(
            v.sma, v.date, v.seated, v.ruling, v.yes, v.not_yes, v.seated - v.present,
            float(sum(b.predicted_yes for b in blocs)), float(sum(b.predicted_not_yes for b in blocs)),
            float(sum(b.predicted_absent for b in blocs)), v.untagged, blocs, sep, sep_ci,
        ))
    return Calibration(
        attendance=pi,
        attendance_se=pi_se,
        attendance_interval=(pi - 1.959964 * pi_se, pi + 1.959964 * pi_se),
        opposition_yes_propensity=rho_o,
        opposition_yes_propensity_se=rho_se,
        opposition_yes_propensity_interval=rho_ci,
        ruling_yes_propensity=ruling_yes_propensity,
        log_likelihood=ll,
        unconstrained=(float(sol[0]), float(sol[1])),
        votes=tuple(fits),
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def calibration_report(calibration: Calibration | None = None) -> str:
    """The fit in words and numbers: parameters, predicted vs recorded counts, by bloc, caveat.

    Parameters
    ----------
    calibration
        A fit (default :func:`calibrate` ()).

    Returns
    -------
    str
        Plain text.
    """
    c = calibrate() if calibration is None else calibration
    lo, hi = c.attendance_interval
    rlo, rhi = c.opposition_yes_propensity_interval
    lines = [
        "Legislature calibration: recorded SMA consent votes ("
        + ", ".join(f"{_ordinal(v.sma)} {v.date}" for v in _votes()) + ")",
        "Likelihood: multinomial (absent / yes / not-yes) given the seated members, seat-weighted bloc probabilities.",
        f"  attendance pi                {c.attendance:.4f}  (se {c.attendance_se:.4f}; 95% {lo:.3f}-{hi:.3f})",
        f"  opposition yes-propensity    {c.opposition_yes_propensity:.4f}  (se {c.opposition_yes_propensity_se:.4f}; "
        f"95% profile {rlo:.3f}-{rhi:.3f})",
        f"  ruling yes-propensity        {c.ruling_yes_propensity:.4f}  (ASSUMED, not fitted)",
        "  progressive bloc             0 (announced / cast no on both deals: assumption from party_positions.csv)",
        f"  log-likelihood               {c.log_likelihood:.3f}",
        f"  with the ruling propensity freed too (exactly identified): rho_R = {c.unconstrained[0]:.3f}, "
        f"rho_O = {c.unconstrained[1]:.3f} -- implausible, i.e. not identified",
        "",
        "Predicted vs recorded counts:",
    ]
    for v in c.votes:
        lines.append(
            f"  {v.sma_number}th SMA {v.date} (seated {v.seated}, ruling bloc {v.ruling_bloc}): "
            f"yes {v.predicted_yes:.1f} vs {v.recorded_yes}, not-yes {v.predicted_not_yes:.1f} vs "
            f"{v.recorded_not_yes}, absent {v.predicted_absent:.1f} vs {v.recorded_absent}; "
            f"this vote alone: rho_O {v.separate_rho_opposition:.3f} "
            f"(95% {v.separate_rho_interval[0]:.3f}-{v.separate_rho_interval[1]:.3f})"
        )
        for b in v.blocs:
            tag = "no breakdown" if math.isnan(b.tagged_not_yes) else f"tagged not-yes {b.tagged_not_yes:.0f} (lower bound)"
            lines.append(
                f"      {b.bloc:<13} seats {b.seats:>3}: predicted yes {b.predicted_yes:6.1f}, not-yes "
                f"{b.predicted_not_yes:5.1f}, absent {b.predicted_absent:5.1f}; {tag}"
            )
        if not math.isnan(v.untagged_not_yes):
            lines.append(f"      not-yes votes without a party tag: {v.untagged_not_yes:.0f}")
    lines += ["", "Identification: " + c.caveat]
    return "\n".join(lines)


def recorded_vote_dates() -> tuple[str, ...]:
    """ISO dates of the recorded consent votes."""
    return tuple(v.date.isoformat() for v in recorded_votes("9999-12-31"))
