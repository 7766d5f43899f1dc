r"""The floor vote conditioned on the passing record: the Assembly's vote noise calibrated to it.

Every agreement put to the Assembly has passed (:func:`burdenshare.legislature.record.submission_record`),
yet the legislature model, with its assumed scales of whip, opinion-shock and member noise
(docs/legislature.md §3), rejects about three in ten of the texts an executive with agenda control
submits in the hand-tuned reconstruction: bargaining pushes the texts to the edge of the win-set,
where the model's vote is close to a coin flip.  The record says the floor vote was far more
predictable than that.  With ``legislature.vote_noise_scale = "calibrated"`` the record *enters the
legislature model* (not the executive) by one generic rule, applied per run in
:func:`burdenshare.engine.prepare.prepare` before the agenda rule (:mod:`burdenshare.engine.agenda`):

* **The vote as a latent index** (a reduced form).  The model's consent probability :math:`C` of a
  text (the exact table of :mod:`burdenshare.engine.consent`) is read as
  :math:`C = P(m + \varepsilon > 0)` with :math:`m = \Phi^{-1}(C)` and :math:`\varepsilon` standard
  normal: the text's distance from the chamber's pivot in units of the vote's noise.  A noise
  scale :math:`\kappa \in (0, 1]` keeps every text's :math:`m` (so the order of texts, the amount
  consented to with even chances, the win-set at 1/2 and the expected yes counts of
  :mod:`burdenshare.legislature.vote_fit` are unchanged) and scales :math:`\varepsilon` by
  :math:`\kappa`:

  .. math:: C_\kappa = \Phi\big(\Phi^{-1}(C) / \kappa\big).

  :math:`\kappa = 1` is the model as specified; :math:`\kappa \to 0` a floor vote whose outcome is
  known once the text's position relative to the pivot is (a step).
* **The record** (:func:`burdenshare.legislature.agenda.record_check`): the agreements with a consent
  date in ``sma_history.csv`` before ``levers.as_of``, ``k`` submissions, none rejected; the
  Jeffreys posterior mean of the rejection rate per submitted text, :math:`\bar r = 1/(2k + 2)`
  (0.125 with the three passes known on 2020-03-11, 0.25 with the one known in 2013, 0.167 with
  the two known in 2018).
* **The model's rate** :math:`r(\kappa)`: the Assembly rejections over the texts submitted (the
  kernel's ``rejections_assembly`` and ``votes``, summed) on the run's first
  :data:`~burdenshare.engine.agenda.CALIBRATION_DRAWS` draws (the run's seed), played by the
  engine's own kernel on the run's bank with every table at :math:`C_\kappa` and the executive's
  threshold as the scenario states it (``"calibrated"``: the agenda rule's floor, 1/2).
* **The rule**: :math:`\kappa^* = \max\{\kappa \in [\kappa_{min}, 1] : r(\kappa) \le \bar r\}`, the
  least sharpening the record asks for, by bisection (2^-10 of :data:`BRACKET`, at most
  :data:`MAX_EVALUATIONS` kernel evaluations).  Where the model already rejects no more than
  :math:`\bar r`, :math:`\kappa^* = 1` and nothing changes (bit for bit); the rule never makes the
  vote noisier than specified.  Where even :math:`\kappa_{min}` leaves :math:`r > \bar r` (texts
  submitted below even chances, e.g. without agenda control, which a sharper vote rejects more
  surely), the noise cannot answer the record: :math:`\kappa^* = 1` and
  :attr:`VoteNoiseCalibration.reached` is false (the note says so).

Only the passing record known at ``as_of`` enters (no vote after it, no held-out outcome); the
rule is the same for every round and scenario.  A number fixes :math:`\kappa` instead.  The
sharpened tables are what the run's negotiators, executive and Assembly all read (win-sets,
submission, the vote), and so does the run summary's ``predicted_votes_by_bloc``: the legislature
model's expected counts (which :math:`\kappa` leaves unchanged) and the text's probability of passing
at the run's :math:`\kappa` (:attr:`~burdenshare.engine.consent.ConsentBank.vote_noise_scale`), as
:func:`burdenshare.legislature.predicted_votes` gives it.

References
----------
Jeffreys, H. (1946). An invariant form for the prior probability in estimation problems.
*Proc. R. Soc. Lond. A* 186, 453-461.
Tarar, A. (2001). International Bargaining with Two-Sided Domestic Constraints. *Journal of
Conflict Resolution* 45(3), 320-340.
Gelman, A., Katz, J. N. & Tuerlinckx, F. (2002). The mathematics and statistics of voting power.
*Statistical Science* 17(4), 420-435.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from burdenshare.engine.agenda import (CALIBRATED, CALIBRATION_DRAWS, MAX_EVALUATIONS, calibration_draws, nearest_meeting,
                                      rejections_per_submission)
from burdenshare.engine.record_calibration import RecordCalibration
from burdenshare.legislature.agenda import record_check
from burdenshare.legislature.record import submission_record

__all__ = ["BRACKET", "MAX_EVALUATIONS", "VoteNoiseCalibration", "calibrate_vote_noise", "probit_of", "record_conditioned", "sharpen",
           "specified_table", "vote_noise_conditioned", "with_vote_noise"]

#: The noise scales searched: from a near-step floor vote to the model as specified.
BRACKET: tuple[float, float] = (0.02, 1.0)


def sharpen(table: NDArray[np.float64], kappa: float, probit: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    r""":math:`C_\kappa = \Phi(\Phi^{-1}(C)/\kappa)` elementwise (module docstring); ``table`` itself at 1.

    ``probit``: :func:`probit_of` ``(table)`` computed before (a calibration's evaluations share
    it: the same :math:`\Phi^{-1}(C)`, so the same :math:`C_\kappa` bit for bit).

    Examples
    --------
    >>> import numpy as np
    >>> sharpen(np.array([0.0, 0.3, 0.5, 0.9, 1.0]), 0.5).round(4).tolist()
    [0.0, 0.1471, 0.5, 0.9948, 1.0]
    """
    if kappa == 1.0:
        return table
    if not 0.0 < kappa <= 1.0:
        raise ValueError("kappa must lie in (0, 1]")
    z = probit_of(table) if probit is None else probit
    return np.asarray(special.ndtr(z / kappa), dtype=np.float64)


def probit_of(table: NDArray[np.float64]) -> NDArray[np.float64]:
    r""":math:`\Phi^{-1}(C)` of the consent probabilities (clipped to [0, 1]), as :func:`sharpen` reads them."""
    return np.asarray(special.ndtri(np.clip(table, 0.0, 1.0)), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class VoteNoiseCalibration(RecordCalibration):
    """The record-conditioned vote noise scale and how it was found (module docstring).

    The fields of :class:`~burdenshare.engine.record_calibration.RecordCalibration` (the rate and
    its counts at :math:`\\kappa^*`, measured at the executive's threshold ``threshold``), and:

    Attributes
    ----------
    kappa
        :math:`\\kappa^*`.
    rate_unscaled
        The rate at :math:`\\kappa = 1` (the model as specified).
    """

    kappa: float
    rate_unscaled: float

    def note(self) -> str:
        """One line for the run's notes."""
        rows = self.recorded()
        where = ("" if self.kappa < BRACKET[1] else " (the model as specified: it rejects no more than the record's mean)"
                 if self.reached else " (the model as specified: no noise scale in the bracket reaches the record's mean)")
        return (f"floor-vote noise scale conditioned on the passing record: kappa = {self.kappa:.4f}{where}, "
                f"{self.rejections} Assembly rejections of {self.submissions} submitted texts ({self.rate:.3f}; "
                f"{self.rate_unscaled:.3f} at kappa = 1) on {self.draws} draws at theta = {self.threshold:g} against the "
                f"Jeffreys posterior mean {self.target:.3f} of {len(self.record)} recorded submissions, all passed: {rows}")


def with_vote_noise(prepared: Any, kappa: float, base_table: NDArray[np.float64] | None = None,
                    probit: NDArray[np.float64] | None = None) -> Any:
    """``prepared`` with every consent table at :math:`C_\\kappa` (of ``base_table``, default its own;
    ``probit``: :func:`probit_of` of that table, made before) and the win-set recomputed at the plan's
    win-set threshold."""
    from burdenshare.engine.consent import winset_of

    bank = prepared.bank
    base = specified_table(bank) if base_table is None else base_table
    table = sharpen(base, float(kappa), probit)
    bank = dataclasses.replace(bank, table=table, winset=winset_of(table, bank.offset, prepared.plan.winset_threshold),
                               specified=None if table is base else base, vote_noise_scale=float(kappa))
    return dataclasses.replace(prepared, bank=bank)


def specified_table(bank: Any) -> NDArray[np.float64]:
    """The bank's tables as the legislature model specifies them (before any noise scale)."""
    return bank.table if getattr(bank, "specified", None) is None else bank.specified


def _threshold(prepared: Any) -> float:
    theta = prepared.scenario.parties.host_executive.submit_threshold
    return 0.5 if theta == CALIBRATED else float(theta)


def calibrate_vote_noise(prepared: Any) -> VoteNoiseCalibration:
    """Find :math:`\\kappa^*` (module docstring) for a prepared run (its tables as specified)."""
    as_of = prepared.scenario.levers.as_of
    record = submission_record(as_of)
    target = record_check(0.0, as_of).posterior_mean
    theta = _threshold(prepared)
    base = specified_table(prepared.bank)
    n = CALIBRATION_DRAWS

    # shared by the evaluations (the same values each would compute): Φ^-1 of the table, the draws
    probit, shared = probit_of(base), calibration_draws(prepared, n)

    def rate(kappa: float) -> tuple[float, int, int]:
        rej, sub = rejections_per_submission(with_vote_noise(prepared, kappa, base, probit), theta, n, shared)
        return (rej / sub if sub else 0.0), rej, sub

    # the largest κ (nearest 1, the model as specified) that meets the record; unreached: κ = 1
    best, r_best, reached, evals, r_hi = nearest_meeting(rate, BRACKET[1], BRACKET[0], target, on_unreached="near")
    return VoteNoiseCalibration(kappa=float(best), target=float(target), threshold=theta, rate=float(r_best[0]),
                                rejections=r_best[1], submissions=r_best[2], rate_unscaled=float(r_hi[0]), draws=n,
                                evaluations=evals, reached=bool(reached), record=record)


def record_conditioned(prepared: Any) -> Any:
    """``prepared`` with the passing record applied as :func:`~burdenshare.engine.prepare.prepare`
    applies it: the floor-vote noise scale (:func:`vote_noise_conditioned`, from the tables as
    specified, so applying it again changes nothing), then the agenda rule
    (:func:`burdenshare.engine.agenda.calibrated`).  For callers that assemble a setup from an
    existing bank."""
    from burdenshare.engine.agenda import calibrated

    return calibrated(vote_noise_conditioned(prepared)[0])[0]


def vote_noise_conditioned(prepared: Any, calibration: VoteNoiseCalibration | None = None
                           ) -> tuple[Any, VoteNoiseCalibration | None]:
    """``prepared`` with its tables at the scenario's ``legislature.vote_noise_scale``.

    What :func:`~burdenshare.engine.prepare.prepare` applies to every run, before the agenda rule.
    ``calibration``: a ``"calibrated"`` scale's :class:`VoteNoiseCalibration` found before for these
    tables (the disk cache's, :mod:`burdenshare.engine.floor_vote_cache`) instead of calibrating again.

    Returns
    -------
    prepared, calibration
        ``"calibrated"``: the setup at :math:`\\kappa^*` (its line appended to the plan's notes)
        and the :class:`VoteNoiseCalibration`; a number: the setup at that :math:`\\kappa` and
        ``None`` (1, the default: ``prepared`` itself).
    """
    kappa = getattr(prepared.scenario.legislature, "vote_noise_scale", 1.0)
    if kappa != CALIBRATED:
        return with_vote_noise(prepared, float(kappa)), None
    cal = calibrate_vote_noise(prepared) if calibration is None else calibration
    p = with_vote_noise(prepared, cal.kappa)
    plan = dataclasses.replace(p.plan, notes=(*p.plan.notes, cal.note()))
    return dataclasses.replace(p, plan=plan), cal
