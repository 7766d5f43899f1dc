"""docs/opinion.md: its example runs and its tables match the fit."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from burdenshare.opinion import fit_wtp

DOC = Path(__file__).resolve().parents[1] / "docs" / "opinion.md"


def test_doc_example_runs():
    result = doctest.testfile(str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("reading,heading", [("main", "**Main reading"), ("alt", "**Alternative reading")])
def test_doc_tables_match_the_fit(reading, heading):
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(heading):]
    section = section[: section.index("\n\n**", 10)]
    m = fit_wtp(reading=reading)
    for g in m.group_names:
        row = re.search(rf"^\| `{g}` \|([^\n]*)$", section, re.M)
        assert row, g
        cells = [c.strip() for c in row.group(1).split("|")]
        assert cells[1] == f"{m.median(g) / 1e12:.3f}", g
        assert cells[2] == f"{m.median(g) / 1166.11 / 1e9:.2f}", g


@pytest.mark.parametrize(
    "module", ["wtp", "fit", "transparency", "coercion", "dynamics", "state", "from_scenario"]
)
def test_module_docstring_examples_run(module):
    import importlib

    mod = importlib.import_module(f"burdenshare.opinion.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
