r"""What the two record rules share: a calibration to the passing record and how it was found.

Every agreement put to the Assembly has passed (:func:`burdenshare.legislature.record.submission_record`).
Two generic rules bring a run to that record, each by the same search
(:func:`burdenshare.engine.agenda.nearest_meeting`) on the model's rejections per submitted text
:math:`r` over the run's first :data:`~burdenshare.engine.agenda.CALIBRATION_DRAWS` draws against the
Jeffreys posterior mean :math:`\bar r = (1/2 + \text{rejected}) / (k + 1)` of the :math:`k`
recorded submissions (Jeffreys 1946; :func:`burdenshare.legislature.agenda.record_check`):

* the executive's agenda control, the submission threshold :math:`\theta^*`
  (:class:`burdenshare.engine.agenda.AgendaCalibration`);
* the floor vote's noise scale :math:`\kappa^*`
  (:class:`burdenshare.engine.record_vote.VoteNoiseCalibration`).

:class:`RecordCalibration` carries what both report: the target, the rate and its counts at the
value found, the threshold the rate was measured at, the sample, the search's evaluations, whether
the target was reached, and the record used.

References
----------
Jeffreys, H. (1946). An invariant form for the prior probability in estimation problems.
*Proc. R. Soc. Lond. A* 186, 453-461.
"""

from __future__ import annotations

from dataclasses import dataclass

from burdenshare.legislature.record import Submission

__all__ = ["RecordCalibration"]


@dataclass(frozen=True, slots=True)
class RecordCalibration:
    """A rule calibrated to the passing record (module docstring).

    Attributes
    ----------
    target
        The Jeffreys posterior mean of the recorded rejection rate.
    threshold
        The executive's submission threshold the rate was measured at.
    rate
        The model's rejections per submitted text at the value found, on the calibration sample.
    rejections, submissions
        Their counts on the calibration sample.
    draws
        Draws of the calibration sample.
    evaluations
        Kernel evaluations used (at most :data:`~burdenshare.engine.agenda.MAX_EVALUATIONS`).
    reached
        Whether some value in the rule's bracket brings the rate to the target.
    record
        The recorded submissions used (SMA, consent date, passed).
    """

    target: float
    threshold: float
    rate: float
    rejections: int
    submissions: int
    draws: int
    evaluations: int
    reached: bool
    record: tuple[Submission, ...]

    def recorded(self) -> str:
        """The record for a note: ``SMA 3 (1995-12-01), SMA 9 (2014-04-16), ...`` (``none`` when empty)."""
        return ", ".join(f"SMA {s.sma_number} ({s.date.isoformat()})" for s in self.record) or "none"
