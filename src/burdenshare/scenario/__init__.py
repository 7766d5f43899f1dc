"""Scenario files: the frozen :class:`Scenario` schema and its load / validate / dump functions.

A scenario is a TOML file with ``schema_version = 1`` (reference: ``docs/scenario-format.md``).
Bundled scenarios are addressed by name (``load_scenario("sma-2020")``); variants are made with
overrides (``load_scenario("sma-2020", ["levers.transparency=0.8"])``).
"""

from burdenshare.scenario.io import (
    dump_scenario,
    list_scenarios,
    load_scenario,
    loads_scenario,
    scenario_hash,
    validate_dict,
    validate_file,
)
from burdenshare.scenario.schema import SCHEMA_VERSION, SUPPORTED_SCHEMA_VERSIONS, Scenario

__all__ = [
    "SCHEMA_VERSION",
    "SUPPORTED_SCHEMA_VERSIONS",
    "Scenario",
    "dump_scenario",
    "list_scenarios",
    "load_scenario",
    "loads_scenario",
    "scenario_hash",
    "validate_dict",
    "validate_file",
]
