"""Closed forms for two-level bargaining (THEORY.md §1-§12, §15-§16).

One module per concept; every function cites its source and carries the worked number
of THEORY.md as a doctest.  These are the analytic oracles against which the exact
solver (:mod:`burdenshare.solver`) and the simulation engine are tested.
"""

from burdenshare.theory.cooperative import (
    BargainingPoint,
    kalai_smorodinsky,
    nash_bargaining,
    nash_bargaining_tu,
    nash_payment,
)
from burdenshare.theory.legislative import BaronFerejohnShares, baron_ferejohn, baron_ferejohn_three
from burdenshare.theory.multiyear import (
    escalator_path,
    lapse_probability,
    negotiation_count,
    pv_factor,
)
from burdenshare.theory.opinion import (
    Consensus,
    Posterior,
    audience_cost_bound,
    bayesian_update,
    degroot_consensus,
    friedkin_johnsen,
    rally_approval,
    rally_half_life,
    reverberation,
)
from burdenshare.theory.outside_options import OutsideOptionOutcome, outside_option_share
from burdenshare.theory.ratification import (
    FloorEquilibrium,
    SetterOutcome,
    TioliOutcome,
    floor_equilibrium,
    setter_offer,
    setter_uncertain_legislature,
    tioli_offer,
    tioli_uncertain_veto,
    tioli_uncertain_veto_uniform,
)
from burdenshare.theory.rubinstein import (
    FixedCostOutcome,
    Shares,
    payment_from_share,
    rubinstein_continuous_share,
    rubinstein_fixed_costs,
    rubinstein_limit_share,
    rubinstein_payment,
    rubinstein_shares,
    stahl_shares,
)
from burdenshare.theory.voting import (
    LatentNodes,
    common_shock_nodes,
    consent_probability,
    consent_probability_batch,
    consent_probability_latent,
    lindbeck_weibull_policy,
    logit_yes_probability,
    poisson_binomial_pmf,
    poisson_binomial_tail,
    ratifies,
    weighted_median,
)
from burdenshare.theory.winset import Interval, agreement_possible, bloc_pivot, spatial_win_set

__all__ = [
    "BargainingPoint",
    "BaronFerejohnShares",
    "Consensus",
    "FixedCostOutcome",
    "FloorEquilibrium",
    "Interval",
    "LatentNodes",
    "OutsideOptionOutcome",
    "Posterior",
    "SetterOutcome",
    "Shares",
    "TioliOutcome",
    "agreement_possible",
    "audience_cost_bound",
    "baron_ferejohn",
    "baron_ferejohn_three",
    "bayesian_update",
    "bloc_pivot",
    "common_shock_nodes",
    "consent_probability",
    "consent_probability_batch",
    "consent_probability_latent",
    "degroot_consensus",
    "escalator_path",
    "floor_equilibrium",
    "friedkin_johnsen",
    "kalai_smorodinsky",
    "lapse_probability",
    "lindbeck_weibull_policy",
    "logit_yes_probability",
    "nash_bargaining",
    "nash_bargaining_tu",
    "nash_payment",
    "negotiation_count",
    "outside_option_share",
    "payment_from_share",
    "poisson_binomial_pmf",
    "poisson_binomial_tail",
    "pv_factor",
    "rally_approval",
    "rally_half_life",
    "ratifies",
    "reverberation",
    "rubinstein_continuous_share",
    "rubinstein_fixed_costs",
    "rubinstein_limit_share",
    "rubinstein_payment",
    "rubinstein_shares",
    "setter_offer",
    "setter_uncertain_legislature",
    "spatial_win_set",
    "stahl_shares",
    "tioli_offer",
    "tioli_uncertain_veto",
    "tioli_uncertain_veto_uniform",
    "weighted_median",
]
