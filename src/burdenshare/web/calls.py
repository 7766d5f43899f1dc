"""The analyses the API runs in a worker (compare, solve, advise): the CLI's calls, their JSON form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["advise_json", "compare_json", "solve_json", "warm"]


def compare_json(scenario: str, base: Sequence[str], variant: Sequence[str], draws: int, seed: int,
                 bank_size: int) -> dict[str, Any]:
    """``burdenshare compare SCENARIO --base ... --set ... --json``: baseline vs one variant on the same draws."""
    from burdenshare.analysis.compare import compare, parse_variants

    variants = parse_variants((), list(variant))
    data: dict[str, Any] = compare(scenario, variants, base_overrides=list(base), draws=draws, seed=seed,
                                   bank_size=bank_size).to_json()
    return data


def solve_json(scenario: str, overrides: Sequence[str]) -> dict[str, Any]:
    """``burdenshare solve SCENARIO --json``."""
    from burdenshare.scenario import load_scenario
    from burdenshare.solver.scenario import solve_scenario

    data: dict[str, Any] = solve_scenario(load_scenario(scenario, list(overrides))).to_json()
    return data


def advise_json(scenario: str, overrides: Sequence[str], side: str, min_consent: float, date: str | None) -> dict[str, Any]:
    """``burdenshare advise SCENARIO --side S --min-consent P [--date D] --json``."""
    from burdenshare.analysis.advise import advise
    from burdenshare.scenario import load_scenario

    data: dict[str, Any] = advise(load_scenario(scenario, list(overrides)), side, min_consent, date).to_json()
    return data


def warm() -> None:
    """Load the compiled kernels and the scenario machinery in a fresh worker (a tiny run of the first
    bundled scenario), so a server's first request does not pay for them."""
    from burdenshare.engine import RunConfig, simulate
    from burdenshare.scenario import list_scenarios, load_scenario

    names = [name for name, _ in list_scenarios()]
    if names:
        simulate(load_scenario(names[0]), RunConfig(draws=1024, seed=0, bank_size=1), keep_rows=False).summary()
