"""Level-I bargaining: agreement spaces, the alternating-offers protocol, strategies, batch kernel.

Two governments bargain over a discrete agreement space with linear-additive utilities
(:mod:`.space`) under the stacked alternating-offers protocol with a deadline (:mod:`.protocol`,
reproducing NegMAS's ``SAOMechanism`` exactly; Mohammad et al.), using composable strategies
(:mod:`.strategies`: time-based concession after Faratin, Sierra & Jennings 1998, tit-for-tat,
hardliner, equilibrium play).  :mod:`.rounds` is the one alternating-offers loop, with the two-level
hooks: the engine plays it over a one-issue amount grid (its scalar reference and its batch kernel
run the same code), and :mod:`.batch` runs millions of time-based negotiations over any
multi-issue space through it, in its multi-issue decision mode (:mod:`.multi_issue`), equal to the
scalar :mod:`.protocol` bit for bit.
"""

from __future__ import annotations

import importlib
from typing import Any

# Names are loaded on first use (PEP 562), so that importing a light submodule such as
# :mod:`.strategies` (the scenario schema reads its registry) does not load Numba.
_WHERE: dict[str, str] = {
    **dict.fromkeys(("BatchResult", "BatchSpec", "iter_batch", "run_batch"), "batch"),
    **dict.fromkeys(("Negotiator", "NegotiationResult", "run_sao", "run_tioli"), "protocol"),
    **dict.fromkeys(("Domain", "Issue", "LinearUtility", "OutcomeSpace", "one_issue_domain",
                     "reference_domain", "three_issue_domain"), "space"),
    **dict.fromkeys(("BOULWARE", "CONCEDER", "LINEAR", "REGISTRY", "STRATEGY_NAMES", "Strategy",
                     "equilibrium", "hardliner", "make_strategy", "time_based", "tit_for_tat",
                     "winset_aware"), "strategies"),
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BOULWARE",
    "CONCEDER",
    "LINEAR",
    "BatchResult",
    "BatchSpec",
    "Domain",
    "Issue",
    "LinearUtility",
    "Negotiator",
    "NegotiationResult",
    "OutcomeSpace",
    "REGISTRY",
    "STRATEGY_NAMES",
    "Strategy",
    "equilibrium",
    "hardliner",
    "iter_batch",
    "make_strategy",
    "one_issue_domain",
    "reference_domain",
    "run_batch",
    "run_sao",
    "run_tioli",
    "three_issue_domain",
    "time_based",
    "tit_for_tat",
    "winset_aware",
]
