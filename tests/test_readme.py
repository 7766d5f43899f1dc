"""The README's two commands stay true: CI runs the test command verbatim, and the main
job's CLI command itself runs (in this interpreter, not in a fresh venv)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def _two_commands() -> tuple[str, str]:
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    blocks = _bash_blocks(section)
    assert len(blocks) == 2, "the README gives exactly two commands"
    return blocks[0], blocks[1]


def test_ci_runs_the_readme_test_command() -> None:
    _, test_command = _two_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci
    assert "pytest" in test_command


def test_main_job_warms_the_kernels_before_its_run() -> None:
    main_command, _ = _two_commands()
    steps = [shlex.split(part.strip()) for part in main_command.split("&&")]
    warm = [i for i, a in enumerate(steps) if a[0].endswith("burdenshare") and a[1:] == ["warmup"]]
    run = [i for i, a in enumerate(steps) if a[0].endswith("burdenshare") and a[1:2] == ["run"]]
    assert warm and run and warm[0] < run[0]
    proc = subprocess.run([sys.executable, "-m", "burdenshare", "warmup", "--json"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    from burdenshare.warmup import STEPS

    assert [s["what"] for s in json.loads(proc.stdout)["steps"]] == [w for w, _ in STEPS]


def test_main_job_cli_command_runs(tmp_path: Path) -> None:
    main_command, _ = _two_commands()
    # the last step of the chain is the burdenshare invocation
    last = main_command.split("&&")[-1].strip()
    argv = shlex.split(last)
    assert argv[0].endswith("burdenshare")
    proc = subprocess.run(
        [sys.executable, "-m", "burdenshare", *argv[1:]],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # the run is recorded in ./burdenshare.duckdb: keep it out of the checkout
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip(), "the main job prints its summary"
    assert "--report" in argv, "the main job writes the report"
    report = tmp_path / argv[argv.index("--report") + 1]
    html = report.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "sma-2020" in html and "<script src=\"http" not in html  # self-contained: no CDN

