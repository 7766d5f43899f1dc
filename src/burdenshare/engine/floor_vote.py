r"""One Assembly for every command: the floor vote's noise scale a scenario implies (DESIGN.md §8).

``run`` reads every consent probability :math:`C` of the legislature model at the floor vote's
noise scale :math:`\kappa` (``legislature.vote_noise_scale``, :mod:`burdenshare.engine.record_vote`):

.. math:: C_\kappa = \Phi\big(\Phi^{-1}(C)/\kappa\big).

The commands without a run (``solve``, ``advise``, ``winset``) and the report's win-set figures
read the same Assembly through :func:`floor_vote`:

* a number: that :math:`\kappa` (1, the default: the model as specified, bit for bit);
* ``"calibrated"``: :math:`\kappa^*` as a run finds it, by the engine's own functions
  (:func:`burdenshare.engine.prepare.prepare_specified`, then
  :func:`burdenshare.engine.record_vote.calibrate_vote_noise`): the run of ``seed`` (default 0)
  and ``bank_size`` (default the engine's, 64 members).  A report passes its run's seed and bank,
  so its figures read the run's own :math:`\kappa^*`.  The result is kept in memory per scenario
  hash, seed and bank size, and on disk beside the consent tables
  (:mod:`burdenshare.engine.floor_vote_cache`, keyed by everything the calibration reads), so a new
  process reads it without building the bank; the run's own :func:`~burdenshare.engine.prepare.prepare`
  reads and writes the same entries.

:math:`\kappa` keeps every text's distance from the pivot, so the amount consented to with even
chances (the win-set at 1/2) does not move; consent levels and win-sets at other levels do.  A
consent curve a caller passes instead of the legislature model (``consent=``, constructed games)
is taken as the Assembly itself and not rescaled.

References
----------
Tarar, A. (2001). International Bargaining with Two-Sided Domestic Constraints. *Journal of
Conflict Resolution* 45(3), 320-340.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.engine.agenda import CALIBRATED
from burdenshare.engine.record_vote import VoteNoiseCalibration, sharpen

__all__ = ["FloorVote", "floor_vote", "vote_noise_scale"]


@dataclass(frozen=True, slots=True)
class FloorVote:
    r"""The floor vote's noise scale :math:`\kappa` a command reads (module docstring).

    Attributes
    ----------
    kappa
        :math:`\kappa \in (0, 1]`.
    calibration
        The :class:`~burdenshare.engine.record_vote.VoteNoiseCalibration` behind a ``"calibrated"``
        scale, else ``None``.
    seed, bank_size
        The run whose calibration gave :math:`\kappa^*` (``None`` for a number).
    """

    kappa: float
    calibration: VoteNoiseCalibration | None = None
    seed: int | None = None
    bank_size: int | None = None

    def consent(self, p_consent: ArrayLike) -> NDArray[np.float64]:
        r""":math:`C_\kappa` of the legislature model's consent probabilities (``p`` itself at 1)."""
        return sharpen(np.asarray(p_consent, dtype=np.float64), self.kappa)

    def line(self) -> str:
        """One line for a command's human output and notes."""
        if self.calibration is not None:
            why = ("conditioned on the passing record" if self.kappa < 1.0 else
                   "conditioned on the passing record: the model as specified meets it" if self.calibration.reached else
                   "the model as specified: no noise scale reaches the passing record")
            return (f"floor vote noise scale kappa = {self.kappa:.3f} ({why}; the run of seed {self.seed}, "
                    f"{self.bank_size} bank members)")
        why = "the model as specified" if self.kappa == 1.0 else "legislature.vote_noise_scale"
        return f"floor vote noise scale kappa = {self.kappa:g} ({why})"

    def to_json(self) -> dict[str, Any]:
        """``{"kappa", "calibrated", "seed", "bank_size"}``."""
        return {"kappa": self.kappa, "calibrated": self.calibration is not None, "seed": self.seed,
                "bank_size": self.bank_size}


#: Calibrations kept per process (scenario hash, seed, bank size), oldest dropped first.
_CACHE_SIZE: int = 256
_CACHE: dict[tuple[str, int, int], FloorVote] = {}


def floor_vote(scenario: Any, seed: int = 0, bank_size: int | None = None) -> FloorVote:
    r"""The floor vote's noise scale of ``scenario`` (module docstring).

    Parameters
    ----------
    scenario
        A validated :class:`~burdenshare.scenario.Scenario`.
    seed, bank_size
        The run whose :math:`\kappa^*` a ``"calibrated"`` scale takes (default seed 0 and the
        engine's bank size, as :func:`burdenshare.engine.agenda.calibrated_threshold`).

    Returns
    -------
    FloorVote

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> floor_vote(load_scenario("sma-2020-hindsight", ["legislature.vote_noise_scale=0.5"])).line()
    'floor vote noise scale kappa = 0.5 (legislature.vote_noise_scale)'
    """
    scale = getattr(scenario.legislature, "vote_noise_scale", 1.0)
    if scale != CALIBRATED:
        return FloorVote(float(scale))
    from burdenshare.engine.config import DEFAULT_BANK_SIZE, RunConfig
    from burdenshare.engine.prepare import prepare_specified
    from burdenshare.engine.floor_vote_cache import cached_calibration
    from burdenshare.engine.record_vote import calibrate_vote_noise
    from burdenshare.scenario import scenario_hash

    bank = DEFAULT_BANK_SIZE if bank_size is None else int(bank_size)
    key = (scenario_hash(scenario), int(seed), bank)
    if key not in _CACHE:
        from burdenshare.engine.agenda import CALIBRATION_DRAWS

        if len(_CACHE) >= _CACHE_SIZE:  # a long-lived process (the web server, a sweep) keeps the latest
            _CACHE.pop(next(iter(_CACHE)))

        cfg = RunConfig(draws=CALIBRATION_DRAWS, seed=int(seed), bank_size=bank)
        # from the disk cache where stored (no bank built), else calibrated as the run does and stored
        cal = cached_calibration(scenario, int(seed), bank, lambda: calibrate_vote_noise(prepare_specified(scenario, cfg)))
        _CACHE[key] = FloorVote(cal.kappa, cal, int(seed), bank)
    return _CACHE[key]


def vote_noise_scale(scenario: Any, value: float | None = None) -> float:
    r""":math:`\kappa` a command reads: ``value`` where given (checked: (0, 1]; 1 = the model as
    specified), else the scenario's (:func:`floor_vote` at its defaults).

    Raises
    ------
    SpecError
        ``value`` outside (0, 1] (``field="vote_noise_scale"``).
    """
    if value is None:
        return floor_vote(scenario).kappa
    from burdenshare.errors import SpecError

    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not 0.0 < float(value) <= 1.0:
        raise SpecError(f"got {value!r}; allowed: (0, 1]", field="vote_noise_scale")
    return float(value)
