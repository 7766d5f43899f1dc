"""The host legislature: seats, members' votes, the Art. 49 consent probability and win-sets.

* :mod:`~burdenshare.legislature.seats` - seats by bloc at a date (ranges where sources conflict).
* :mod:`~burdenshare.legislature.model` - :class:`LegislatureModel`: bloc positions, whip, opinion shock.
* :mod:`~burdenshare.legislature.consent` - exact consent probability over bloc-level latents.
* :mod:`~burdenshare.legislature.calibration` - fit to the recorded 2014/2019 consent votes.
* :mod:`~burdenshare.legislature.record` - the recorded votes and submissions known at a date.
* :mod:`~burdenshare.legislature.vote_fit` - role fit, random attendance, leave-one-out check.
* :mod:`~burdenshare.legislature.agenda` - agenda control scored against the record of submissions.
* :mod:`~burdenshare.legislature.chambers` - a legislature as chambers with their rules.
* :mod:`~burdenshare.legislature.from_scenario` - the model of a scenario at a date.
* :mod:`~burdenshare.legislature.winset` - consent curves, win-sets, agenda control.

See ``docs/legislature.md``.
"""

from burdenshare.legislature.calibration import Calibration, calibrate, calibration_report
from burdenshare.legislature.consent import ConsentResult, consent_from_nodes, quorum_failure_probability
from burdenshare.legislature.model import LegislatureModel, VotePrediction
from burdenshare.legislature.from_scenario import LegislatureParams, legislature_model, opinion_weight_at
from burdenshare.legislature.seats import SeatTable, seats_at
from burdenshare.legislature.winset import (
    SubmissionDecision,
    TioliOnCurve,
    WinSet,
    WinSet2D,
    amount_grid,
    consent_probability,
    predicted_votes,
    submission_date,
    submission_decision,
    tioli_on_curve,
    win_set,
    win_set_2d,
    win_set_from_curve,
)

__all__ = [
    "Calibration",
    "ConsentResult",
    "LegislatureModel",
    "LegislatureParams",
    "SeatTable",
    "SubmissionDecision",
    "TioliOnCurve",
    "VotePrediction",
    "WinSet",
    "WinSet2D",
    "amount_grid",
    "calibrate",
    "calibration_report",
    "consent_from_nodes",
    "consent_probability",
    "legislature_model",
    "opinion_weight_at",
    "predicted_votes",
    "quorum_failure_probability",
    "seats_at",
    "submission_date",
    "submission_decision",
    "tioli_on_curve",
    "win_set",
    "win_set_2d",
    "win_set_from_curve",
]
