"""Scenario files: the frozen :class:`Scenario` schema and its load / validate / dump functions.

A scenario is a TOML file with ``schema_version = 1`` (reference: ``docs/scenario-format.md``).
Bundled scenarios are addressed by name (``load_scenario("sma-2020-hindsight")``); variants are made with
overrides (``load_scenario("sma-2020-hindsight", ["levers.transparency=0.8"])``).  Where each value comes
from is data too: :func:`provenance` reads the scenario's ``[provenance.values]`` map.
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
from burdenshare.scenario.schema import (
    PROVENANCE_KINDS,
    SCHEMA_VERSION,
    SUPPORTED_SCHEMA_VERSIONS,
    AssumedValue,
    ComputedValue,
    DataValue,
    DocumentValue,
    OverrideValue,
    Scenario,
)
from burdenshare.scenario.sources import Entry, describe, provenance, provenance_rows

__all__ = [
    "PROVENANCE_KINDS",
    "AssumedValue",
    "ComputedValue",
    "DataValue",
    "DocumentValue",
    "Entry",
    "OverrideValue",
    "describe",
    "provenance",
    "provenance_rows",
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
