"""The rational benchmark (DESIGN.md §4, method 2).

* :mod:`~burdenshare.solver.backward` - the exact finite-horizon solver: backward induction on a
  discretized agreement grid with ratification, outside options, breakdown and costs
  (:func:`solve`, :class:`BargainingGame`);
* :mod:`~burdenshare.solver.scenario` - the scenario adaptor: a scenario's two-level game (consent
  probabilities, the President's approval, the host executive's ceiling, the US election as a
  chance node) solved exactly (:func:`solve_scenario`, ``burdenshare solve``).
"""

from burdenshare.solver.backward import BargainingGame, SolverResult, sma_game, solve, unit_pie_game
from burdenshare.solver.scenario import DURATION_TIE_BREAK_KRW, ConsentFn, Equilibrium, EquilibriumRound, consent_cube, scenario_game, solve_scenario

__all__ = [
    "BargainingGame",
    "ConsentFn",
    "DURATION_TIE_BREAK_KRW",
    "Equilibrium",
    "EquilibriumRound",
    "SolverResult",
    "consent_cube",
    "scenario_game",
    "sma_game",
    "solve",
    "solve_scenario",
    "unit_pie_game",
]
