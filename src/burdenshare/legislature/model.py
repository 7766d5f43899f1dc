r"""The legislature model: bloc positions, the whip's decision, members' votes.

For bloc b at date t, deal of first-year amount x (won per year) and duration m years:

1. **Bloc position** (members' maximum acceptable agreement).  A geometric mix of the party
   line :math:`L_b` and the median WTP :math:`W_b(t)` of the bloc's partisan base (fitted by
   :mod:`burdenshare.opinion`), with the opinion weight :math:`w(t)`, higher in the window
   before the election (``legislature.opinion_weight_pre_election`` within
   ``pre_election_window_days`` of ``levers.election_date``, else ``legislature.opinion_weight``):

   .. math:: \log M_b(t, m) = (1 - w(t))\log L_b + w(t)\log W_b(t) + \gamma \log m.

   :math:`\gamma` (``duration_elasticity``) is an assumption: a longer term for the same yearly
   amount is slightly easier to accept (the ROK side sought 3-5-year terms; annual renewals
   cause "structural instability").
2. **Latent per bloc** (Gelman, Katz & Tuerlinckx 2002): with probability :math:`d_b` (party
   discipline) the bloc follows its whip, who says yes with probability
   :math:`\Lambda((\log M_b - \log x)/s_w)` (the whip's own uncertainty about the line);
   a present member then votes yes with probability :math:`\rho_b` (whip yes) or
   :math:`\rho_b\,\delta` (whip no, defection).  Otherwise (probability :math:`1 - d_b`)
   members vote freely around a bloc-level opinion shock :math:`\tau z`, :math:`z` taking the
   K probabilists' Gauss-Hermite nodes with their normalized weights (an explicit discrete
   latent, so the consent probability is exact given the model):

   .. math:: P(\text{yes}_j \mid x, z) = \rho_b\,\Lambda\Big(\frac{\log M_b + \tau z - \log x}{s_m}\Big)

   (THEORY.md §12 logistic form; :math:`s_m` is the spread of members' thresholds).
3. **Attendance**: each member is present with probability :math:`\pi_b`, independent of the
   amount and of the votes; :math:`\rho_b` is the share of present members who vote yes on a
   deal inside their range (the rest abstain or vote no: recorded 2014/2019 votes).
4. Consent by Art. 49 (:mod:`burdenshare.legislature.consent`).

**Deterministic limit** (THEORY.md §1, §11): with no attendance loss, no latent noise
(:math:`s_w, s_m \to 0`, :math:`\tau = 0`, :math:`d = 1`, :math:`\rho = 1`, :math:`\delta = 0`),
bloc b votes yes iff :math:`x \le M_b`, and the largest amount consented to is the bloc pivot
:math:`M_{(k^*)}` (:meth:`LegislatureModel.pivot_amount`).

References
----------
Putnam, R. D. (1988). *International Organization* 42(3).
Gelman, A., Katz, J. N. & Tuerlinckx, F. (2002). *Statistical Science* 17(4).
Coughlin, P. & Nitzan, S. (1981). *J. Public Economics* 15(1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from burdenshare.errors import SpecError
from burdenshare.legislature.consent import ConsentResult, MajorityOf, QuorumMode, consent_from_nodes

__all__ = ["LegislatureModel", "VotePrediction"]


def _step(h: NDArray[np.float64]) -> NDArray[np.float64]:
    """Indifferent members vote yes (THEORY.md §0): the no-noise limit of the logistic."""
    return (h >= 0).astype(float)


def _logistic(num: NDArray[np.float64], scale: float) -> NDArray[np.float64]:
    if scale == 0.0:
        return _step(num)
    return special.expit(num / scale)


@dataclass(frozen=True, slots=True)
class VotePrediction:
    """Expected votes by bloc for one amount.

    Attributes
    ----------
    amount_krw, duration_years
        The deal.
    blocs, seats
        Bloc ids and seats.
    yes, not_yes, absent
        Expected counts per bloc (``not_yes`` = present and voting no or abstaining).
    p_consent
        The consent probability of the deal.
    """

    amount_krw: float
    duration_years: int
    blocs: tuple[str, ...]
    seats: tuple[int, ...]
    yes: tuple[float, ...]
    not_yes: tuple[float, ...]
    absent: tuple[float, ...]
    p_consent: float

    @property
    def totals(self) -> tuple[float, float, float]:
        """(yes, not_yes, absent) summed over blocs."""
        return (float(sum(self.yes)), float(sum(self.not_yes)), float(sum(self.absent)))

    def rows(self) -> list[dict[str, object]]:
        """One dict per bloc (JSON-ready)."""
        return [
            {"bloc": b, "seats": n, "yes": y, "not_yes": m, "absent": a}
            for b, n, y, m, a in zip(self.blocs, self.seats, self.yes, self.not_yes, self.absent)
        ]


_QUORUM_FAILURE: dict[tuple[bytes, bytes, int], float] = {}


@lru_cache(maxsize=64)
def _hermegauss(k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``numpy.polynomial.hermite_e.hermegauss(k)``, computed once per k (read-only arrays): a
    consent table asks for the attendance nodes at every date of every bank member."""
    z, w = np.polynomial.hermite_e.hermegauss(k)
    z.setflags(write=False)
    w.setflags(write=False)
    return z, w


def _quorum_failure(seats: NDArray[np.int64], level: NDArray[np.float64], quorum: int) -> float:
    """:func:`~burdenshare.legislature.consent.quorum_failure_probability`, memoised by its inputs
    (seats, presence rates, quorum): it does not depend on the amount or the duration, and a
    consent table asks for it once per duration and date of every bank member."""
    from burdenshare.legislature.consent import quorum_failure_probability

    key = (np.asarray(seats, dtype=np.int64).tobytes(), np.asarray(level, dtype=np.float64).tobytes(), int(quorum))
    hit = _QUORUM_FAILURE.get(key)
    if hit is None:
        if len(_QUORUM_FAILURE) >= 4096:
            _QUORUM_FAILURE.clear()
        hit = _QUORUM_FAILURE[key] = float(quorum_failure_probability(seats, level, quorum))
    return hit


@dataclass(frozen=True, slots=True)
class LegislatureModel:
    """A legislature at one date: blocs, seats and the parameters of their votes.

    Attributes
    ----------
    blocs, seats
        Bloc ids and seats (seated members).
    total_seats, quorum
        House size and quorum (Art. 49: 300, 151).
    p_present
        Presence probability per bloc :math:`\\pi_b`.
    position_krw
        Bloc position :math:`M_b` for a one-year deal (won per year).
    discipline
        :math:`d_b`, probability the bloc follows its whip.
    yes_propensity
        :math:`\\rho_b`, share of present members voting yes on a deal inside their range.
    defection
        :math:`\\delta`: a member's yes probability relative to :math:`\\rho_b` when the whip says no.
    whip_scale, member_scale
        :math:`s_w`, :math:`s_m` (log-won); 0 gives a step.
    shock_sd
        :math:`\\tau`, sd of the bloc opinion shock on the log position.
    n_shock_nodes
        K, nodes of the discrete opinion shock.
    duration_elasticity
        :math:`\\gamma`.
    majority
        Share of those present that yes must exceed (Art. 49: 1/2).
    majority_of
        ``"present"`` (Art. 49: yes > ``majority`` × present) or ``"all"`` (yes >
        ``majority`` × the seated members, ``sum(seats)``, however many attend).
    attendance_sd, attendance_nodes
        Attendance random per vote: every bloc's presence is shifted by a common vote-level
        :math:`\\sigma_\\pi z`, z standard normal on ``attendance_nodes`` probabilists'
        Gauss-Hermite nodes (clipped to [0, 1]; two nodes, the default, give the rate's mean and
        variance exactly); 0 (the default sd) is a fixed attendance.  The
        consent probability is the node-weighted mixture of the exact kernel's
        (:mod:`burdenshare.legislature.vote_fit` calibrates :math:`\\sigma_\\pi`).
    line_krw, wtp_krw, opinion_weight
        The inputs of the positions (for reports): party lines (``nan`` = no line), base WTP
        medians, and the opinion weight in force.
    notes
        Assumptions and caveats in words.
    """

    blocs: tuple[str, ...]
    seats: tuple[int, ...]
    total_seats: int
    quorum: int
    p_present: tuple[float, ...]
    position_krw: tuple[float, ...]
    discipline: tuple[float, ...]
    yes_propensity: tuple[float, ...]
    defection: float = 0.05
    whip_scale: float = 0.03
    member_scale: float = 0.10
    shock_sd: float = 0.10
    n_shock_nodes: int = 7
    duration_elasticity: float = 0.02
    majority: Fraction = Fraction(1, 2)
    majority_of: MajorityOf = "present"
    attendance_sd: float = 0.0
    attendance_nodes: int = 2
    line_krw: tuple[float, ...] = ()
    wtp_krw: tuple[float, ...] = ()
    opinion_weight: float = float("nan")
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        b = len(self.blocs)
        for name in ("seats", "p_present", "position_krw", "discipline", "yes_propensity"):
            if len(getattr(self, name)) != b:
                raise SpecError(f"{name} needs one entry per bloc ({b})", field=name)
        if any(n < 0 for n in self.seats) or sum(self.seats) > self.total_seats:
            raise SpecError(f"seats must be >= 0 and sum to at most {self.total_seats}", field="seats")
        for name in ("p_present", "discipline", "yes_propensity"):
            if any(not (0.0 <= x <= 1.0) for x in getattr(self, name)):
                raise SpecError(f"{name} must lie in [0, 1]", field=name)
        if any(not (x > 0 and math.isfinite(x)) for x in self.position_krw):
            raise SpecError("positions must be positive and finite", field="position_krw")
        if not 0.0 <= self.defection <= 1.0:
            raise SpecError("defection must lie in [0, 1]", field="defection")
        for name in ("whip_scale", "member_scale", "shock_sd"):
            x = getattr(self, name)
            if not (x >= 0 and math.isfinite(x)):
                raise SpecError(f"{name} must be finite and >= 0", field=name)
        if not 1 <= self.n_shock_nodes <= 64:
            raise SpecError("n_shock_nodes must be in 1..64", field="n_shock_nodes")
        if not 1 <= self.quorum <= self.total_seats:
            raise SpecError(f"quorum must be in 1..{self.total_seats}", field="quorum")
        if self.majority_of not in ("present", "all"):
            raise SpecError(f"unknown majority_of {self.majority_of!r}; allowed: present, all", field="majority_of")
        if not (0.0 <= self.attendance_sd <= 0.5 and math.isfinite(self.attendance_sd)):
            raise SpecError("attendance_sd must lie in [0, 0.5]", field="attendance_sd")
        if not 1 <= self.attendance_nodes <= 16:
            raise SpecError("attendance_nodes must be in 1..16", field="attendance_nodes")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def with_yes_probabilities(
        cls,
        seats: Sequence[int],
        p_yes: Sequence[float],
        *,
        p_present: float | Sequence[float] = 1.0,
        total_seats: int | None = None,
        quorum: int | None = None,
    ) -> LegislatureModel:
        r"""A model with no latent whose members vote yes with fixed bloc probabilities at amount 1.

        The positions are set to :math:`M_b = p_b/(1 - p_b)` with ``member_scale = 1``,
        ``discipline = 0``, ``shock_sd = 0``, one shock node and :math:`\rho = 1`, so that
        :math:`\Lambda(\log M_b - \log 1) = p_b`: the real model code, configured to reproduce
        THEORY.md §12's Poisson-binomial cases (evaluate at ``amount = 1``).

        Raises
        ------
        SpecError
            If a probability is not strictly between 0 and 1.
        """
        p = np.asarray(p_yes, dtype=float)
        if np.any((p <= 0) | (p >= 1)):
            raise SpecError("fixed yes probabilities must lie strictly in (0, 1)", field="p_yes")
        n = len(seats)
        pp = (float(p_present),) * n if np.ndim(p_present) == 0 else tuple(float(x) for x in p_present)  # type: ignore[arg-type, union-attr]
        total = int(sum(seats)) if total_seats is None else int(total_seats)
        return cls(
            blocs=tuple(f"bloc{i}" for i in range(n)),
            seats=tuple(int(s) for s in seats),
            total_seats=total,
            quorum=total // 2 + 1 if quorum is None else int(quorum),
            p_present=pp,
            position_krw=tuple(float(x) for x in p / (1 - p)),
            discipline=(0.0,) * n,
            yes_propensity=(1.0,) * n,
            defection=0.0,
            whip_scale=0.0,
            member_scale=1.0,
            shock_sd=0.0,
            n_shock_nodes=1,
            duration_elasticity=0.0,
        )

    @classmethod
    def deterministic(cls, positions: Sequence[float], seats: Sequence[int], *, total_seats: int | None = None) -> LegislatureModel:
        """The no-noise limit: full attendance, whipped blocs voting yes iff ``x <= M_b``."""
        n = len(seats)
        total = int(sum(seats)) if total_seats is None else int(total_seats)
        return cls(
            blocs=tuple(f"bloc{i}" for i in range(n)),
            seats=tuple(int(s) for s in seats),
            total_seats=total,
            quorum=total // 2 + 1,
            p_present=(1.0,) * n,
            position_krw=tuple(float(x) for x in positions),
            discipline=(1.0,) * n,
            yes_propensity=(1.0,) * n,
            defection=0.0,
            whip_scale=0.0,
            member_scale=0.0,
            shock_sd=0.0,
            n_shock_nodes=1,
            duration_elasticity=0.0,
        )

    def replace(self, **changes: object) -> LegislatureModel:
        """A copy with fields changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ positions and nodes
    def positions(self, duration_years: int = 1) -> NDArray[np.float64]:
        r""":math:`M_b(m) = M_b(1)\, m^{\gamma}` (won per year)."""
        if isinstance(duration_years, bool) or int(duration_years) != duration_years or duration_years < 1:
            raise SpecError("duration_years must be a positive integer", field="duration_years")
        return np.asarray(self.position_krw) * float(duration_years) ** self.duration_elasticity

    def nodes(self, amounts_krw: ArrayLike, duration_years: int = 1) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Per-bloc latent nodes for each amount: ``(p_yes, weights)``, each (A, B, 2 + K).

        Nodes 0 and 1 are whip-yes and whip-no (total weight :math:`d_b`), nodes 2.. the K
        free-vote opinion-shock nodes (total weight :math:`1 - d_b`).

        Raises
        ------
        SpecError
            If an amount is not positive and finite.
        """
        x = np.atleast_1d(np.asarray(amounts_krw, dtype=float))
        if x.ndim != 1 or np.any(~np.isfinite(x)) or np.any(x <= 0):
            raise SpecError("amounts must be positive and finite", field="amount_krw")
        log_m = np.log(self.positions(duration_years))[None, :]  # (1, B)
        log_x = np.log(x)[:, None]  # (A, 1)
        rho = np.asarray(self.yes_propensity)[None, :]
        d = np.asarray(self.discipline)[None, :]
        k = self.n_shock_nodes
        z, wz = np.polynomial.hermite_e.hermegauss(k) if k > 1 else (np.zeros(1), np.ones(1))
        wz = wz / wz.sum()
        a, b = x.size, len(self.blocs)
        p = np.empty((a, b, 2 + k))
        w = np.empty((a, b, 2 + k))
        whip_yes = _logistic(log_m - log_x, self.whip_scale)
        p[:, :, 0] = rho
        p[:, :, 1] = rho * self.defection
        w[:, :, 0] = d * whip_yes
        w[:, :, 1] = d * (1.0 - whip_yes)
        free = _logistic(log_m[:, :, None] + self.shock_sd * z[None, None, :] - log_x[:, :, None], self.member_scale)
        p[:, :, 2:] = rho[:, :, None] * free
        w[:, :, 2:] = (1.0 - d)[:, :, None] * wz[None, None, :]
        return p, w

    # ------------------------------------------------------------------ outputs
    def attendance_levels(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Vote-level attendance nodes: ``(p_present (J, B), weights (J,))``.

        One node (the bloc rates) when ``attendance_sd`` is 0; otherwise the rates shifted by
        :math:`\\sigma_\\pi z_j` at the probabilists' Gauss-Hermite nodes, clipped to [0, 1].
        """
        pi = np.asarray(self.p_present, dtype=float)
        if self.attendance_sd == 0.0 or self.attendance_nodes == 1:
            return pi[None, :], np.ones(1)
        z, wz = _hermegauss(self.attendance_nodes)
        return np.clip(pi[None, :] + self.attendance_sd * z[:, None], 0.0, 1.0), wz / wz.sum()

    def consent(
        self,
        amounts_krw: ArrayLike,
        duration_years: int = 1,
        *,
        quorum_mode: QuorumMode = "auto",
        quorum_tol: float = 1e-6,
    ) -> ConsentResult:
        """Exact Art. 49 consent probability for each amount (see :mod:`.consent`).

        With random attendance (``attendance_sd > 0``) the result is the mixture over
        :meth:`attendance_levels` of the kernel's result at each level.  In ``"auto"`` mode every
        level takes the fast margin path when the mixture's certified bound
        :math:`\\sum_j w_j \\varepsilon_j` (the probability that the quorum fails) is at most
        ``max(quorum_tol, 1e-4)``, reported as ``error_bound``; otherwise each level uses
        ``quorum_mode`` as given.
        """
        p, w = self.nodes(amounts_krw, duration_years)
        levels, weights = self.attendance_levels()
        seats = np.asarray(self.seats)

        def one(pp: NDArray[np.float64], mode: QuorumMode, tol: float) -> ConsentResult:
            return consent_from_nodes(
                seats, pp, p, w,
                quorum=self.quorum, majority=self.majority, majority_of=self.majority_of,
                quorum_mode=mode, quorum_tol=tol,
            )

        if weights.size == 1:
            return one(levels[0], quorum_mode, quorum_tol)
        mode: QuorumMode = quorum_mode
        if quorum_mode == "auto":
            eps = float(sum(wt * _quorum_failure(seats, lv, self.quorum) for lv, wt in zip(levels, weights)))
            if eps <= max(quorum_tol, 1e-4):
                mode = "bound"
        parts = [one(lv, mode, quorum_tol) for lv in levels]
        return ConsentResult(
            p_consent=np.clip(sum(wt * r.p_consent for r, wt in zip(parts, weights)), 0.0, 1.0),
            error_bound=float(sum(wt * r.error_bound for r, wt in zip(parts, weights))),
            method="margin" if all(r.method == "margin" for r in parts) else "joint",
        )

    def consent_probability(self, amounts_krw: ArrayLike, duration_years: int = 1) -> NDArray[np.float64]:
        """Consent probabilities (A,) (default quorum handling)."""
        return self.consent(amounts_krw, duration_years).p_consent

    def expected_yes_share(self, amounts_krw: ArrayLike, duration_years: int = 1) -> NDArray[np.float64]:
        """(A, B): expected P(yes | present) per bloc, averaged over the bloc's latent."""
        p, w = self.nodes(amounts_krw, duration_years)
        return (p * w).sum(axis=2)

    def predicted_votes(self, amount_krw: float, duration_years: int = 1) -> VotePrediction:
        """Expected yes / not-yes / absent by bloc for one amount."""
        share = self.expected_yes_share([amount_krw], duration_years)[0]
        n = np.asarray(self.seats, dtype=float)
        pi = np.asarray(self.p_present)
        yes = n * pi * share
        return VotePrediction(
            amount_krw=float(amount_krw),
            duration_years=int(duration_years),
            blocs=self.blocs,
            seats=self.seats,
            yes=tuple(float(x) for x in yes),
            not_yes=tuple(float(x) for x in n * pi - yes),
            absent=tuple(float(x) for x in n * (1 - pi)),
            p_consent=float(self.consent_probability([amount_krw], duration_years)[0]),
        )

    def pivot_amount(self, duration_years: int = 1) -> float:
        r"""Deterministic-limit win-set bound :math:`M_{(k^*)}` (THEORY.md §1, §11).

        Blocs sorted by position, highest first; the pivot is the position of the bloc at which
        the cumulative seats first exceed ``majority`` of the seated members (151 of 300; with
        full attendance the same for ``majority_of`` ``"present"`` and ``"all"``).  With
        whipped blocs, full attendance and no noise, every amount up to it passes and none above.

        Returns
        -------
        float
            The pivot position (0.0 if no amount can pass).

        Examples
        --------
        >>> LegislatureModel.deterministic([1.35, 1.20, 1.10], [180, 17, 103]).pivot_amount()
        1.35
        >>> LegislatureModel.deterministic([0.5, 1.0, 1.5, 3.0], [103, 17, 163, 17]).pivot_amount()
        1.5
        """
        m = self.positions(duration_years)
        seats = np.asarray(self.seats)
        needed = math.floor(float(self.majority) * int(seats.sum())) + 1
        order = np.argsort(-m, kind="stable")
        cum = np.cumsum(seats[order])
        hit = np.nonzero(cum >= needed)[0]
        return float(m[order][hit[0]]) if hit.size else 0.0

    def summary(self) -> list[dict[str, object]]:
        """Per-bloc parameters (JSON-ready)."""
        out = []
        for i, b in enumerate(self.blocs):
            out.append({
                "bloc": b,
                "seats": self.seats[i],
                "p_present": self.p_present[i],
                "position_krw": self.position_krw[i],
                "line_krw": self.line_krw[i] if self.line_krw else None,
                "wtp_median_krw": self.wtp_krw[i] if self.wtp_krw else None,
                "discipline": self.discipline[i],
                "yes_propensity": self.yes_propensity[i],
            })
        return out
