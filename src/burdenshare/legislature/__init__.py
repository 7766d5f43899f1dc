"""The host legislature: seats, members' votes, the Art. 49 consent probability and win-sets.

* :mod:`~burdenshare.legislature.seats` - seats by bloc at a date (ranges where sources conflict).
* :mod:`~burdenshare.legislature.model` - :class:`LegislatureModel`: bloc positions, whip, opinion shock.
* :mod:`~burdenshare.legislature.consent` - exact consent probability over bloc-level latents.
* :mod:`~burdenshare.legislature.calibration` - fit to the recorded 2014/2019 consent votes.

See ``docs/legislature.md``.
"""

from burdenshare.legislature.calibration import Calibration, calibrate, calibration_report
from burdenshare.legislature.consent import ConsentResult, consent_from_nodes, quorum_failure_probability
from burdenshare.legislature.model import LegislatureModel, VotePrediction
from burdenshare.legislature.seats import SeatTable, seats_at

__all__ = [
    "Calibration",
    "ConsentResult",
    "LegislatureModel",
    "SeatTable",
    "VotePrediction",
    "calibrate",
    "calibration_report",
    "consent_from_nodes",
    "quorum_failure_probability",
    "seats_at",
]
