"""Helper of the bad-input tests: a ``--set`` override refused in Python and by ``burdenshare run``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from burdenshare.errors import BurdenshareError
from burdenshare.scenario import load_scenario


def assert_override_refused(override: str, field: str, tmp_path: Path, scenario: str = "sma-2020-hindsight") -> None:
    """``override`` raises naming ``field`` on load; ``run`` exits 2 with one stderr line naming it and writes no store."""
    with pytest.raises(BurdenshareError) as err:
        load_scenario(scenario, overrides=[override])
    assert err.value.field == field
    store = tmp_path / "s.duckdb"
    cmd = [sys.executable, "-m", "burdenshare", "run", scenario, "--draws", "5", "--set", override, "--store", str(store)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0]
    assert not store.exists()
