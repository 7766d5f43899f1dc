"""The one setup seam of a run: :func:`prepare` (scenario, :class:`RunConfig`) -> :class:`Prepared`.

Everything a run needs that does not vary across draws, built once and in one place: the
:class:`~burdenshare.engine.plan.Plan` (calendar, grid, model assumptions read from the
scenario), the lever check, the exact consent tables over the Level-II bank
(:mod:`burdenshare.engine.consent`) and the draw layout (:mod:`burdenshare.engine.draws`).
:func:`~burdenshare.engine.run.simulate`, the sweep backends, the sensitivity analysis, the store
(rebuilding a recorded run) and the report all call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from burdenshare.engine.agenda_cache import threshold_cached
from burdenshare.engine.config import RunConfig
from burdenshare.engine.consent import ConsentBank, build_consent_bank
from burdenshare.engine.draws import DrawLayout
from burdenshare.engine.plan import Plan, build_plan, check_levers
from burdenshare.engine.floor_vote_cache import vote_noise_cached
from burdenshare.scenario.vintage import reads_as_of

__all__ = ["Prepared", "check_run", "prepare", "prepare_specified"]


@dataclass(frozen=True)
class Prepared:
    """What a run needs besides its draws (:func:`prepare`).

    Attributes
    ----------
    scenario
        The validated scenario.
    config
        The run options.
    plan
        Static kernel inputs (:class:`~burdenshare.engine.plan.Plan`).
    bank
        Exact consent tables of the ``config.bank_size`` Level-II parameter sets.
    layout
        Where each random quantity sits in the draws (:class:`~burdenshare.engine.draws.DrawLayout`).
    """

    scenario: Any
    config: RunConfig
    plan: Plan
    bank: ConsentBank
    layout: DrawLayout

    @property
    def seed(self) -> int:
        """The run's seed."""
        return self.config.seed


@reads_as_of
def check_run(scenario: Any) -> Plan:
    """Build the plan and check the levers: everything :func:`prepare` can refuse, without the tables.

    Commands call it before they write anything (a sweep checks each grid point first).

    Raises
    ------
    SpecError, ScenarioError
        As :func:`prepare`.
    """
    plan = build_plan(scenario)
    check_levers(scenario, plan)
    return plan


@reads_as_of
def prepare(scenario: Any, config: RunConfig) -> Prepared:
    """Build the plan, check the levers, tabulate the consent bank and lay out the draws.

    Parameters
    ----------
    scenario
        A validated :class:`~burdenshare.scenario.Scenario`.
    config
        The run options (the seed and bank size fix the Level-II bank).

    Returns
    -------
    Prepared

    Raises
    ------
    SpecError, ScenarioError
        Strategies or uncertain parameters the engine cannot play, an ask outside the amount grid.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> p = prepare(load_scenario("sma-2020-hindsight"), RunConfig(draws=100, seed=0, bank_size=1))
    >>> p.plan.n_rounds, p.bank.size, p.plan.submit_threshold
    (13, 1, 0.5)
    """
    # vote_noise_scale (engine.record_vote; a "calibrated" kappa* from the disk cache, engine.floor_vote_cache)
    prepared = vote_noise_cached(prepare_specified(scenario, config))[0]
    # submit_threshold = "calibrated": the record's threshold (engine.agenda; theta* from the disk cache, engine.agenda_cache)
    return threshold_cached(prepared)[0]


@reads_as_of
def prepare_specified(scenario: Any, config: RunConfig) -> Prepared:
    """What :func:`prepare` builds before the passing record enters: the plan, the consent tables as
    the legislature model specifies them and the draw layout (for :mod:`burdenshare.engine.floor_vote`,
    which applies the record by the same functions)."""
    plan = check_run(scenario)
    bank = build_consent_bank(scenario, plan, config.seed, config.bank_size)
    layout = DrawLayout.from_scenario(scenario, plan.n_rounds)
    return Prepared(scenario=scenario, config=config, plan=plan, bank=bank, layout=layout)
