r"""Agenda control calibrated to the record: the submission threshold the record implies.

The host executive submits a signed text only when its consent probability at the date is at
least θ (``parties.host_executive.submit_threshold``; agenda control, Tarar 2001), so the texts
the Assembly votes on are a selected sample, and the record of those votes (every SMA put to the
Assembly passed) speaks to θ.  With ``submit_threshold = "calibrated"`` the record *enters the
model* by one generic rule, applied per run in :func:`burdenshare.engine.prepare.prepare`:

    θ is set so that the model's expected Assembly rejections per submitted text, :math:`r(θ)`,
    equal the posterior mean of the recorded rejection rate.

* **The record** (:func:`burdenshare.legislature.record.submission_record`): the agreements with
  a consent date in ``sma_history.csv`` before ``levers.as_of``; ``k`` submissions, ``z``
  rejections (none so far).  Prior: Jeffreys, :math:`\mathrm{Beta}(1/2, 1/2)`; the posterior is
  :math:`\mathrm{Beta}(z + 1/2, k - z + 1/2)`, mean :math:`\bar r = (z + 1/2) / (k + 1)`
  (:func:`burdenshare.legislature.agenda.record_check`): 0.125 with the 3 passes known on
  2020-03-11, 0.25 with the one pass known in 2013.
* **The model's rate** :math:`r(θ)`: the Assembly rejections divided by the texts submitted
  (the kernel's ``rejections_assembly`` and ``votes``, summed) over the run's first
  :data:`CALIBRATION_DRAWS` draws (the run's seed, so the same random numbers as the run), played
  by the engine's own kernel on the run's consent bank with the executive's threshold and win-set
  at θ.  No consent table is rebuilt: only the win-set :math:`W = \max\{j: C \ge θ\}` changes.
* **The fixed point**: :math:`r` falls as θ rises (a stricter executive submits only safer
  texts), so θ* is found by bisection on :data:`BRACKET` in at most :data:`MAX_EVALUATIONS`
  kernel evaluations: the smallest θ (to the bisection's resolution, 2^-10 of the bracket) with
  :math:`r(θ) \le \bar r`, i.e. :math:`θ^* = \min\{θ \ge 1/2 : r(θ) \le \bar r\}`.  With finite
  draws :math:`r` is a step function, so the run's own :math:`r(θ^*)` lies near, not at,
  :math:`\bar r`.
* **The floor**: agenda control means the executive never submits a text it expects to lose, so
  θ is at least 1/2.  Where the model already rejects no more than :math:`\bar r` at θ = 1/2 the
  record asks for no more caution and θ* = 1/2 (:attr:`AgendaCalibration.at_floor`); the rule
  never lowers θ to manufacture rejections the record does not show.  Where even θ = 0.99 leaves
  :math:`r > \bar r`, θ* = 0.99 and :attr:`AgendaCalibration.reached` is false.

The result is deterministic given the scenario, seed and bank size (the calibration sample is
the first :data:`CALIBRATION_DRAWS` draws of the run's seed, whatever the run's size).  The calibrated θ is both the submission threshold and the win-set
level a ``winset_aware`` negotiator keeps to, as for a fixed θ.

References
----------
Tarar, A. (2001). International Bargaining with Two-Sided Domestic Constraints. *Journal of
Conflict Resolution* 45(3), 320-340.
Jeffreys, H. (1946). An invariant form for the prior probability in estimation problems.
*Proc. R. Soc. Lond. A* 186, 453-461.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable


from burdenshare.engine.consent import winset_of
from burdenshare.engine.draws import BLOCK_SIZE, draw_range
from burdenshare.engine.kernel import run_kernel
from burdenshare.engine.plan import draw_columns
from burdenshare.engine.record_calibration import RecordCalibration
from burdenshare.engine.reference import INT_OUTPUTS
from burdenshare.legislature.agenda import record_check
from burdenshare.legislature.record import submission_record

__all__ = ["BRACKET", "CALIBRATED", "CALIBRATION_DRAWS", "MAX_EVALUATIONS", "AgendaCalibration", "calibrate_threshold", "nearest_meeting",
           "calibrated", "calibrated_threshold", "calibration_draws", "is_calibrated", "rejections_per_submission",
           "with_threshold"]

#: The scenario value that asks for the calibrated threshold.
CALIBRATED: str = "calibrated"
#: Draws of the calibration sample: the first draws of the run's seed, whatever the run's size.
CALIBRATION_DRAWS: int = 2048
#: The thresholds searched: from a simple majority of chances to near certainty.
BRACKET: tuple[float, float] = (0.5, 0.99)
#: At most this many kernel evaluations (the two ends, then bisection steps).
MAX_EVALUATIONS: int = 12

_I_REJ = INT_OUTPUTS.index("rejections_assembly")
_I_VOTES = INT_OUTPUTS.index("votes")


@dataclass(frozen=True, slots=True)
class AgendaCalibration(RecordCalibration):
    """The calibrated submission threshold and how it was found (module docstring).

    The fields of :class:`~burdenshare.engine.record_calibration.RecordCalibration`, with
    ``threshold`` θ*, the executive's submission threshold found (the rate and its counts are
    measured there), ``reached`` whether some θ in :data:`BRACKET` brings the rate to the target.
    """

    @property
    def at_floor(self) -> bool:
        """Whether θ* is the floor 1/2 because the model already rejects no more than the target there."""
        return self.threshold == BRACKET[0] and self.rate <= self.target

    def note(self) -> str:
        """One line for the run's notes."""
        rows = self.recorded()
        where = (" (the floor: the model rejects no more than the record's mean at 1/2)" if self.at_floor
                 else "" if self.reached else " (the ceiling: the target is not reached)")
        return (f"submission threshold calibrated to the record: theta = {self.threshold:.4f}{where}, "
                f"{self.rejections} Assembly rejections of {self.submissions} submitted texts "
                f"({self.rate:.3f}) on {self.draws} draws against the Jeffreys posterior mean {self.target:.3f} "
                f"of {len(self.record)} recorded submissions, all passed: {rows}")


def is_calibrated(scenario: Any) -> bool:
    """Whether ``scenario`` asks for the calibrated submission threshold."""
    return scenario.parties.host_executive.submit_threshold == CALIBRATED


def with_threshold(prepared: Any, threshold: float) -> Any:
    """``prepared`` with the executive's submission threshold and win-set level at ``threshold``.

    The consent tables are shared; only the win-set is recomputed
    (:func:`~burdenshare.engine.consent.winset_of`).  Under ``submission = "immediate"`` the
    executive applies no threshold (as :func:`~burdenshare.engine.plan.build_plan`).
    """
    plan, bank = prepared.plan, prepared.bank
    strategic = plan.strategic_submission == 1
    plan = dataclasses.replace(plan, submit_threshold=float(threshold) if strategic else 0.0,
                               winset_threshold=float(threshold))
    bank = dataclasses.replace(bank, winset=winset_of(bank.table, bank.offset, float(threshold)))
    return dataclasses.replace(prepared, plan=plan, bank=bank)


def calibration_draws(prepared: Any, draws: int = CALIBRATION_DRAWS) -> tuple[Any, dict[str, Any]]:
    """The run's first ``draws`` draws as :func:`rejections_per_submission` reads them: ``(range, columns)``.

    They depend on the run's seed, layout, scenario and bank size only (not on a threshold or a
    noise scale), so a calibration's evaluations share them (the same arrays, read only)."""
    n = int(draws)
    d = draw_range(prepared.layout, prepared.config.seed, 0, -(-n // BLOCK_SIZE), n)
    return d, draw_columns(prepared.scenario, prepared.layout, d, prepared.bank.size)


def rejections_per_submission(prepared: Any, threshold: float, draws: int = CALIBRATION_DRAWS,
                              shared: tuple[Any, dict[str, Any]] | None = None) -> tuple[int, int]:
    """(Assembly rejections, submitted texts) over the run's first ``draws`` draws at ``threshold``.

    The engine's kernel on the run's consent bank and draws (module docstring); the run's own
    ``rejections_assembly`` and ``votes`` columns sum to the same counts at the same θ.
    ``shared``: :func:`calibration_draws` of the same run and ``draws``, made once per calibration
    (the same draws; only not generated again).
    """
    p = with_threshold(prepared, threshold)
    d, cols = calibration_draws(p, draws) if shared is None else shared
    oi, _ = run_kernel(p.plan, p.bank.table, p.bank.winset, cols, d.u_vote, p.bank.offset,
                       base_log_median=p.bank.base_log_median)
    return int(oi[:, _I_REJ].sum()), int(oi[:, _I_VOTES].sum())


def nearest_meeting(rate: Callable[[float], tuple[float, int, int]], near: float, far: float, target: float,
                    on_unreached: str = "far") -> tuple[float, tuple[float, int, int], bool, int, tuple[float, int, int]]:
    """The parameter nearest ``near`` whose rejection rate meets ``target``, by bisection towards ``far``.

    The search both record rules share (θ* here, κ* in :mod:`burdenshare.engine.record_vote`): the
    rate ``rate(x)[0]`` (rejections per submitted text) is taken as monotone between ``near`` (the
    least intervention) and ``far`` (the most); ``near`` is returned when it meets the target
    already, otherwise ``far`` is tried and, when it meets it, the interval is halved until
    :data:`MAX_EVALUATIONS` evaluations are used, keeping the meeting end.

    Returns
    -------
    best, rate_at_best, reached, evaluations, rate_at_near
        Where no value of the interval meets the target, ``best`` is ``far`` or ``near`` as
        ``on_unreached`` says.
    """
    evals = 1
    r_near = rate(near)
    if r_near[0] <= target:
        return near, r_near, True, evals, r_near
    r_far = rate(far)
    evals += 1
    if r_far[0] > target:
        return (far, r_far, False, evals, r_near) if on_unreached == "far" else (near, r_near, False, evals, r_near)
    best, r_best = far, r_far
    while evals < MAX_EVALUATIONS:
        mid = 0.5 * (near + far)
        r_mid = rate(mid)
        evals += 1
        if r_mid[0] <= target:
            far, best, r_best = mid, mid, r_mid
        else:
            near = mid
    return best, r_best, True, evals, r_near


def calibrate_threshold(prepared: Any) -> AgendaCalibration:
    """Find θ* (module docstring) for a prepared run.

    Parameters
    ----------
    prepared
        A :class:`~burdenshare.engine.prepare.Prepared` (its threshold is ignored).

    Returns
    -------
    AgendaCalibration
    """
    as_of = prepared.scenario.levers.as_of
    record = submission_record(as_of)
    target = record_check(0.0, as_of).posterior_mean
    n = CALIBRATION_DRAWS

    shared = calibration_draws(prepared, n)  # the same draws at every θ

    def rate(theta: float) -> tuple[float, int, int]:
        rej, sub = rejections_per_submission(prepared, theta, n, shared)
        return (rej / sub if sub else 0.0), rej, sub

    # the least cautious θ (nearest BRACKET[0]) that meets the record; unreached: the most cautious
    best, r_best, reached, evals, _ = nearest_meeting(rate, BRACKET[0], BRACKET[1], target, on_unreached="far")
    return AgendaCalibration(threshold=float(best), target=float(target), rate=float(r_best[0]),
                             rejections=r_best[1], submissions=r_best[2], draws=n, evaluations=evals,
                             reached=bool(reached), record=record)


def calibrated(prepared: Any, calibration: AgendaCalibration | None = None) -> tuple[Any, AgendaCalibration | None]:
    """``prepared`` at the calibrated threshold when its scenario asks for it, with the calibration.

    What :func:`~burdenshare.engine.prepare.prepare` applies to every run.

    Parameters
    ----------
    prepared
        A :class:`~burdenshare.engine.prepare.Prepared`.
    calibration
        θ* found before for this setup (:mod:`burdenshare.engine.agenda_cache`); ``None``: search.

    Returns
    -------
    prepared, calibration
        With ``submit_threshold = "calibrated"``: the setup at θ* (threshold, win-set level and
        win-set; the calibration's line appended to the plan's notes) and the
        :class:`AgendaCalibration`; otherwise ``prepared`` unchanged and ``None``.
    """
    if not is_calibrated(prepared.scenario):
        return prepared, None
    cal = calibrate_threshold(prepared) if calibration is None else calibration
    p = with_threshold(prepared, cal.threshold)
    plan = dataclasses.replace(p.plan, notes=(*p.plan.notes, cal.note()))
    return dataclasses.replace(p, plan=plan), cal


def calibrated_threshold(scenario: Any, seed: int = 0, bank_size: int | None = None) -> float:
    """θ* of ``scenario`` at ``seed`` and ``bank_size`` (default the engine's), as a run finds it.

    For callers without a run (``burdenshare solve``): the threshold :func:`calibrate_threshold`
    gives the run of that seed and bank; read from the disk cache without building a bank where a
    valid entry exists (:mod:`burdenshare.engine.agenda_cache`).
    """
    from burdenshare.engine.agenda_cache import load_threshold, threshold_key
    from burdenshare.engine.config import DEFAULT_BANK_SIZE, RunConfig
    from burdenshare.engine.prepare import prepare

    cfg = RunConfig(draws=CALIBRATION_DRAWS, seed=int(seed),
                    bank_size=DEFAULT_BANK_SIZE if bank_size is None else int(bank_size))
    if is_calibrated(scenario):
        cal = load_threshold(threshold_key(scenario, cfg.seed, cfg.bank_size), scenario)
        if cal is not None:
            return cal.threshold
    return float(prepare(scenario, cfg).plan.winset_threshold)
