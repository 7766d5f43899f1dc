"""Run the docstring examples (the THEORY.md worked numbers) of every theory module and the solver."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "burdenshare.theory.bdm",
    "burdenshare.theory.cooperative",
    "burdenshare.theory.ktab",
    "burdenshare.theory.legislative",
    "burdenshare.theory.multiyear",
    "burdenshare.theory.opinion",
    "burdenshare.theory.outside_options",
    "burdenshare.theory.ratification",
    "burdenshare.theory.rubinstein",
    "burdenshare.theory.voting",
    "burdenshare.theory.winset",
    "burdenshare.solver.backward",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
