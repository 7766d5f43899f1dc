"""A writable copy of the packaged reference data, for builder tests that edit a row."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The packaged tables the builder reads (burdenshare.data.TABLE_NAMES), copied with their README.
TABLES = ("sma_history", "sma_annual_contributions", "context", "polls", "national_assembly",
          "party_positions", "macro_series", "cost_categories")


def copy_data(tmp_path: Path) -> Path:
    """Copy the packaged data files into ``tmp_path/data`` and return that folder."""
    src = resources.files("burdenshare.data").joinpath("files")
    out = tmp_path / "data"
    out.mkdir()
    for name in TABLES:
        (out / f"{name}.csv").write_bytes(src.joinpath(f"{name}.csv").read_bytes())
    (out / "README.md").write_bytes(src.joinpath("README.md").read_bytes())
    return out
