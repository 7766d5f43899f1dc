"""Level-I bargaining: agreement spaces, the alternating-offers protocol, strategies, batch kernel.

Two governments bargain over a discrete agreement space with linear-additive utilities
(:mod:`.space`) under the stacked alternating-offers protocol with a deadline (:mod:`.protocol`,
reproducing NegMAS's ``SAOMechanism`` exactly; Mohammad et al.), using composable strategies
(:mod:`.strategies`: time-based concession after Faratin, Sierra & Jennings 1998, tit-for-tat,
hardliner, equilibrium play).  :mod:`.batch` runs millions of time-based negotiations with a
Numba kernel that equals the scalar reference bit for bit.
"""

from burdenshare.bargaining.batch import BatchResult, BatchSpec, iter_batch, run_batch
from burdenshare.bargaining.protocol import Negotiator, NegotiationResult, run_sao, run_tioli
from burdenshare.bargaining.space import (
    Domain,
    Issue,
    LinearUtility,
    OutcomeSpace,
    one_issue_domain,
    reference_domain,
    three_issue_domain,
)
from burdenshare.bargaining.strategies import (
    BOULWARE,
    CONCEDER,
    LINEAR,
    Strategy,
    equilibrium,
    hardliner,
    make_strategy,
    time_based,
    tit_for_tat,
)

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
]
