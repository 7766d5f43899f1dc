"""benchmarks/negmas_parity.py replays all 450 recorded NegMAS runs with zero mismatches.

The recorded runs are vendored in ``tests/data/negmas/outcomes.json`` (a verbatim copy of the
shared bench's file; provenance and licence note in ``tests/data/README.md``), so the test runs in
every clone.  The benchmark itself is pointed at ``../shared/bench/negmas/`` when run by hand.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "negmas_parity.py"
OUTCOMES = ROOT / "tests" / "data" / "negmas" / "outcomes.json"
#: The digest and size of shared/bench/negmas/outcomes.json when it was vendored (tests/data/README.md).
OUTCOMES_SHA256 = "5d173aa1efdaf7f24174c1d60bf4b3024fa5c460842263f0b35e6d946f8e0a8d"
OUTCOMES_BYTES = 1_144_132


def test_vendored_recordings_are_the_shared_bench_file() -> None:
    raw = OUTCOMES.read_bytes()
    assert len(raw) == OUTCOMES_BYTES
    assert hashlib.sha256(raw).hexdigest() == OUTCOMES_SHA256
    readme = (ROOT / "tests" / "data" / "README.md").read_text(encoding="utf-8")
    assert OUTCOMES_SHA256 in readme and f"{OUTCOMES_BYTES:,} bytes" in readme
    data = json.loads(raw)
    assert data["environment"]["negmas"] == "0.16.0"
    assert data["counts"]["configs"] == len(data["configs"]) == 450
    assert sum(c["result"]["agreement"] is not None for c in data["configs"]) == data["counts"]["agreements"] == 324


def test_parity_tool_matches_all_recorded_runs() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--reference", str(OUTCOMES)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    out = json.loads(lines[0])
    assert out["configs"] == 450
    assert out["mismatches"] == 0
    assert out["negotiations_per_s"] > 0


def test_parity_tool_reports_mismatches(tmp_path: Path) -> None:
    data = json.loads(OUTCOMES.read_text(encoding="utf-8"))
    configs = data["configs"][:3]
    configs[1]["result"]["agreement_round"] = 1234  # corrupt one record
    ref = tmp_path / "bad.json"
    ref.write_text(json.dumps({"configs": configs}), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--reference", str(ref), "--repeat", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["mismatches"] == 1
    assert "agreement_round" in proc.stderr and configs[1]["id"] in proc.stderr


def _refused(ref: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--reference", str(ref), *args],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and proc.stdout == "", (proc.returncode, proc.stdout, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    return proc.stderr.strip().splitlines()[-1]


def test_parity_tool_refuses_a_bad_reference_with_exit_2(tmp_path: Path) -> None:
    """A reference that cannot be read or lacks a field was a traceback with exit 1 (the code of a
    mismatch), and an empty configs list passed with 0 mismatches; each is one line, exit 2."""
    good = json.loads(OUTCOMES.read_text(encoding="utf-8"))["configs"][0]
    bad_kind = json.loads(json.dumps(good))
    bad_kind["params"]["US"]["kind"] = "XX"
    bad_scenario = json.loads(json.dumps(good))
    bad_scenario["params"]["scenario"] = "2issue"
    cases = {
        "missing.json": (None, "No such file or directory"),
        "trunc.json": ("{", "cannot read a JSON reference file"),
        "empty.json": ('{"configs": []}', "the 'configs' list is empty"),
        "number.json": ('{"configs": [1]}', "configs[0]: allowed: an object with a 'params' object"),
        "noresult.json": (json.dumps({"configs": [{"params": good["params"]}]}), "configs[0]: allowed"),
        "kind.json": (json.dumps({"configs": [good, bad_kind]}), "configs[1].params.US: allowed: {kind: TB or ASP"),
        "scenario.json": (json.dumps({"configs": [bad_scenario]}), "configs[0].params.scenario: got '2issue'"),
    }
    for name, (text, says) in cases.items():
        ref = tmp_path / name
        if text is not None:
            ref.write_text(text, encoding="utf-8")
        line = _refused(ref)
        assert line.startswith(f"error: --reference: {ref}: ") and says in line, line
    assert "--repeat must be in 1..1000" in _refused(OUTCOMES, "--repeat", "1001")
    assert "--repeat must be in 1..1000" in _refused(OUTCOMES, "--repeat", "0")
