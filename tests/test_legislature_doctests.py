"""Run the docstring examples of the legislature modules (THEORY.md §1, §11, §12 numbers among them)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "burdenshare.legislature.calibration",
    "burdenshare.legislature.consent",
    "burdenshare.legislature.from_scenario",
    "burdenshare.legislature.model",
    "burdenshare.legislature.seats",
    "burdenshare.legislature.winset",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
