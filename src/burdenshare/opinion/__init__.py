"""Public opinion: willingness-to-pay (WTP) by partisan base and what moves it.

* :mod:`~burdenshare.opinion.wtp` - the frozen :class:`WTPModel` (per-group log-location-scale WTP).
* :mod:`~burdenshare.opinion.fit` - interval-censored fit to the poll rows (:func:`fit_wtp`).
* :mod:`~burdenshare.opinion.transparency` - the justified amount of the ask and the
  credibility-weighted Bayesian update.
* :mod:`~burdenshare.opinion.coercion` - pressure events, reverberation, rally-form shocks.
* :mod:`~burdenshare.opinion.dynamics` - DeGroot / Friedkin-Johnsen influence among bases.
* :mod:`~burdenshare.opinion.state` - :func:`opinion_at`, the composed state at a date.
* :mod:`~burdenshare.opinion.from_scenario` - :func:`scenario_opinion`, inputs from a ``Scenario``.

See ``docs/opinion.md`` for the assumptions and the fitted numbers.
"""

from burdenshare.opinion.coercion import (
    CoercionParams,
    OpinionShock,
    PressureEvent,
    apply_coercion,
    apply_shocks,
    pressure_at,
    rally,
)
from burdenshare.opinion.dynamics import (
    InfluenceParams,
    apply_influence,
    degroot_rounds,
    fj_rounds,
    influence_update,
)
from burdenshare.opinion.fit import BLOC_BASE, GROUP_LABELS, SUBGROUP_KEYS, FitAssumptions, fit_wtp
from burdenshare.opinion.from_scenario import ScenarioOpinion, scenario_opinion
from burdenshare.opinion.state import opinion_at
from burdenshare.opinion.transparency import (
    TransparencyParams,
    apply_transparency,
    justified_amount_krw,
    log_sd_from_krw,
    normal_update,
    signal_precision,
    signal_sd,
    signal_weight,
)
from burdenshare.opinion.wtp import ALL, FitReport, FitRow, GroupWTP, WTPModel, wtp_cdf

__all__ = [
    "ALL",
    "BLOC_BASE",
    "GROUP_LABELS",
    "SUBGROUP_KEYS",
    "CoercionParams",
    "FitAssumptions",
    "FitReport",
    "FitRow",
    "GroupWTP",
    "InfluenceParams",
    "OpinionShock",
    "PressureEvent",
    "ScenarioOpinion",
    "TransparencyParams",
    "WTPModel",
    "apply_coercion",
    "apply_influence",
    "apply_shocks",
    "apply_transparency",
    "justified_amount_krw",
    "degroot_rounds",
    "fit_wtp",
    "fj_rounds",
    "influence_update",
    "log_sd_from_krw",
    "normal_update",
    "opinion_at",
    "pressure_at",
    "rally",
    "scenario_opinion",
    "signal_precision",
    "signal_sd",
    "signal_weight",
    "wtp_cdf",
]
