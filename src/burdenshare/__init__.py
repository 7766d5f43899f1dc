"""burdenshare: alliance cost-sharing negotiations as two-level games.

Two governments bargain over how to split the cost of stationing troops (Level I); the
deal must survive the host legislature's consent vote, whose members answer to public
opinion (Level II).  The flagship case is the 2019-2020 US-ROK Special Measures
Agreement (SMA) talks (Putnam 1988, "Diplomacy and Domestic Politics").

The facade (what the CLI and the web API call):

* :func:`load_scenario` - a bundled scenario by name, or a TOML file, with ``--set`` overrides;
* :func:`simulate` - the two-level Monte Carlo under a :class:`RunConfig` (draws, seed, bank size);
* :func:`solve` - the rational benchmark (exact backward induction);
* :func:`win_set` - the Assembly's win-set at a date;
* :func:`explain` - the transparency statement of an ask;
* :func:`compare` - counterfactuals as paired differences on the same draws;
* :func:`prepare` and :func:`run_identity` - the run's setup and its id.

Names are loaded on first use (PEP 562), so ``import burdenshare`` and ``burdenshare --help``
stay cheap.

Examples
--------
>>> import burdenshare as bs
>>> sc = bs.load_scenario("sma-2020-hindsight", ["levers.transparency=0.5"])
>>> r = bs.simulate(sc, bs.RunConfig(draws=2048, seed=0, bank_size=1))
>>> s = r.summary()
>>> 0.0 <= s["p_ratified"] <= s["p_agreement"] <= 1.0 and s["run_id"] == bs.run_identity(sc, r.config)
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from burdenshare._version import __version__

#: Facade name -> (module, attribute), imported on first access.
_FACADE: dict[str, tuple[str, str]] = {
    "load_scenario": ("burdenshare.scenario", "load_scenario"),
    "simulate": ("burdenshare.engine.run", "simulate"),
    "RunConfig": ("burdenshare.engine.config", "RunConfig"),
    "RunResult": ("burdenshare.engine.run", "RunResult"),
    "prepare": ("burdenshare.engine.prepare", "prepare"),
    "run_identity": ("burdenshare.engine.config", "run_identity"),
    "solve": ("burdenshare.solver.scenario", "solve_scenario"),
    "win_set": ("burdenshare.legislature", "win_set"),
    "explain": ("burdenshare.costs.statement", "explain"),
    "compare": ("burdenshare.analysis.compare", "compare"),
}

__all__ = ["__version__", *sorted(_FACADE)]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from burdenshare.engine.config import RunConfig, run_identity
    from burdenshare.engine.prepare import prepare
    from burdenshare.engine.run import RunResult, simulate
    from burdenshare.solver.scenario import solve_scenario as solve
    from burdenshare.costs.statement import explain
    from burdenshare.legislature import win_set
    from burdenshare.analysis.compare import compare
    from burdenshare.scenario import load_scenario


def __getattr__(name: str) -> Any:
    """Load a facade name on first use (PEP 562)."""
    try:
        module, attr = _FACADE[name]
    except KeyError:
        raise AttributeError(f"module 'burdenshare' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_FACADE})
