"""The two-level simulation engine: draws → pure array kernels → tidy outcome rows.

* :mod:`~burdenshare.engine.config` - :class:`RunConfig` (run options only) and the run identity.
* :mod:`~burdenshare.engine.prepare` - :func:`prepare`: the one setup seam (plan, consent bank, layout).
* :mod:`~burdenshare.engine.draws` - all randomness up front, one stream per fixed block of draws.
* :mod:`~burdenshare.engine.plan` - the static calendar, grid and per-draw parameter columns.
* :mod:`~burdenshare.engine.consent` - exact consent tables over a bank of Level-II parameter sets.
* :mod:`~burdenshare.engine.reference` - the two-level protocol, one draw at a time (readable).
* :mod:`~burdenshare.engine.kernel` - the same protocol over many draws (Numba), equal to the reference.
* :mod:`~burdenshare.engine.run` - :func:`simulate` and :class:`RunResult`.

See ``docs/simulation.md``.
"""

from burdenshare.engine.config import RunConfig, run_identity
from burdenshare.engine.draws import BLOCK_SIZE
from burdenshare.engine.prepare import Prepared, prepare
from burdenshare.engine.run import Chunk, RunResult, run_chunk, simulate

__all__ = ["BLOCK_SIZE", "Chunk", "Prepared", "RunConfig", "RunResult", "prepare", "run_chunk", "run_identity",
           "simulate"]
