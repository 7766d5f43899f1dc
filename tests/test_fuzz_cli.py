"""Fuzz suite of the command line (issue 13 item 10): generated arguments for every command and
generated scenario values, in-process (``burdenshare.cli.main``, the console script's own entry
point) and through the installed console script.

Every case must end with exit code 0 or 2; on 2, standard error is exactly one line ``error: ...``
naming an option, argument or field, with no traceback, and no file in the working folder is
created, changed or removed (the results store included).  Anything else - an exception escaping
``main`` in-process, exit code 1 from the script, a second stderr line - fails the suite.

Counts (``CASES``): 6,000 argument cases and 4,000 scenario cases in-process (10,000), and 300
through the console script.  Commands that would start real work (``run``, ``sweep``,
``compare``, ``sensitivity``, ``advise``, ``winset``, ``solve``, ``report``, ``warmup``) always get at least
one bad value, so each case is refused - and must be refused *before* the work starts (a case that
simulates would blow the time budget: that is a regression of "checked before work").  Cheap
commands (``scenarios``, ``explain``, ``runs list/show/export``) also run with all-valid values
against a small real store made once by ``burdenshare run``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from burdenshare.cli import main

_SCALE = float(os.environ.get("BURDENSHARE_FUZZ_SCALE", "1"))  # < 1 only for quick local runs
CASES = {k: max(1, int(v * _SCALE)) for k, v in
         {"args": 6000, "scenario": 4000, "script_batches": 10, "script_batch": 30}.items()}
SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)

_ONE_LINE = re.compile(r"^error: \S.*$")
#: What names an option, argument or field in an error line.
_NAMES = re.compile(r"(--[a-z][a-z-]*|\b[A-Z_]{4,}\b|[a-z_]+\.[A-Za-z_0-9.\"]+|\.toml|\bsma-2020-hindsight\b|'[^']*'|"
                    r"\bcommand\b|\bargument|\binterrupted\b)")


# --------------------------------------------------------------------------- the working folder


class Workdir:
    """A folder with the files the cases point at, and a real store holding one small run."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="bs-fuzz-"))
        r = self.root
        (r / "folder").mkdir()
        (r / "plain.txt").write_text("not a report\n")
        (r / "bad.toml").write_text("schema_version = 1\nname = [\n")
        (r / "deep.toml").write_text("schema_version = 1\n[" + ".".join(["a"] * 2000) + "]\nx = 1\n")
        (r / "empty.duckdb").write_bytes(b"")
        (r / "junk.duckdb").write_bytes(os.urandom(5000))
        (r / "sweep.json").write_text('{"rows": 3}')
        (r / "list.json").write_text("[1, 2, 3]")
        os.mkfifo(r / "fifo")
        os.mkfifo(r / "fifo.toml")
        os.symlink(r / "plain.txt", r / "link.csv")
        self.store = r / "s.duckdb"
        code = main(["run", "sma-2020-hindsight", "--draws", "64", "--bank-size", "1", "--store", str(self.store), "--json"])
        assert code == 0
        from burdenshare.store import open_store

        with open_store(self.store, read_only=True) as s:
            self.run_id = s.runs()[0].run_id

    def snapshot(self) -> dict[str, tuple[int, int]]:
        out = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            for name in [*filenames, *dirnames]:
                p = Path(dirpath) / name
                st_ = p.lstat()
                out[str(p.relative_to(self.root))] = (st_.st_size, st_.st_mtime_ns)
        return out

    def reset(self, before: dict[str, tuple[int, int]]) -> None:
        """Remove what a successful case wrote (an export), so every case starts alike."""
        for rel in set(self.snapshot()) - set(before):
            p = self.root / rel
            if p.is_dir() and not p.is_symlink():
                import shutil

                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def work() -> Workdir:
    return Workdir()


# --------------------------------------------------------------------------- value strategies

BIG = ["9223372036854775808", "1" + "0" * 30, "-9223372036854775809", "1e400"]
ints_bad = st.one_of(st.sampled_from(["", "x", "1.5", "nan", "-1", "0", "true", *BIG]), st.text(max_size=6))
ints_any = st.one_of(ints_bad, st.integers(-5, 100_000_000).map(str))
floats_any = st.one_of(st.sampled_from(["nan", "inf", "-inf", "", "x", "1e308", "-0", "0", "1", "2", "1e9"]),
                       st.floats(allow_nan=True, allow_infinity=True).map(repr))
dates_any = st.sampled_from(["2020-06-01", "2020-13-01", "2020-06-01T10:00", "x", "", "1900-01-01", "2099-01-01"])
SET_PATHS = ["levers.transparency", "levers.us_ask_usd", "levers.as_of", "levers.furlough_from",
             "levers.allowed_durations", "levers.election_date", "opinion.polls", "opinion.anchor_ask_usd",
             "events.2.parameters.workers", "events.2.parameters.counter_move_days", "events.2.parameters.zzz",
             "events.1.parameters.by", "protocol.n_steps", "protocol.horizon", "agreement_space.amount_step_krw",
             "agreement_space.amount_n", "cost_model.exchange_rates_krw_per_usd.2021", "legislature.total_seats",
             "uncertainty.0.low", "parties.principal.p_administration_change", "nope.nope", "levers", "",
             "levers.transparency.x", "events.99.id", "schema_version", "name"]
TOML_VALUES = st.one_of(
    st.sampled_from(["true", "false", "'0.5'", '"1e9"', "0.5", "-4000", "1e308", "1e29", "nan", "inf", "0", "3",
                     "2020-06-01", "2020-06-01T10:00:00", "10:00:00", "[]", "['nope']", "[1, 3]", "{a = 1}",
                     "none", '"none"', "[[[[[]]]]]", "9223372036854775808", "-1", "1.0", "4", "2"]),
    st.integers(-10**20, 10**20).map(str), st.floats(allow_nan=False).map(repr), st.text(max_size=12))
overrides = st.builds(lambda p, v: f"{p}={v}", st.sampled_from(SET_PATHS), TOML_VALUES)


def paths(work: Workdir, kind: str) -> st.SearchStrategy[str]:
    r = work.root
    common = [str(r / "folder"), str(r / "fifo"), "/dev/null", "/dev/full", str(r / ("a" * 300)),
              str(r / "missing" / "x"), str(r / "link.csv"), str(r / "plain.txt"), "/proc/x.html", ""]
    if kind == "store":
        return st.sampled_from([*common, str(work.store), str(r / "empty.duckdb"), str(r / "junk.duckdb"),
                                str(r / "new.duckdb"), str(r / "bad.toml")])
    if kind == "html":
        return st.sampled_from([*common, str(r / "r.html"), str(work.store), str(r / "x.csv"), str(r / "sub" / "r.html")])
    if kind == "json":
        return st.sampled_from([*common, str(r / "sweep.json"), str(r / "list.json"), str(r / "bad.toml")])
    return st.sampled_from([*common, str(r / "out.csv"), str(r / "out.parquet"), str(work.store),
                            str(work.store) + ".wal"])


def scenarios(work: Workdir) -> st.SearchStrategy[str]:
    r = work.root
    return st.sampled_from(["sma-2020-hindsight", "sma-2020-hindsight", "nope", str(r / "missing.toml"), str(r / "bad.toml"),
                            str(r / "deep.toml"), str(r / "fifo.toml"), str(r / "folder"), "/dev/zero", ""])


def run_ids(work: Workdir) -> st.SearchStrategy[str]:
    return st.sampled_from([work.run_id, work.run_id[:4], work.run_id[:2], "zzzz", "0000", "", "a" * 300])


# --------------------------------------------------------------------------- the grammar

def _opts(draw: st.DrawFn, table: dict[str, st.SearchStrategy[str] | None], k: int) -> list[str]:
    out: list[str] = []
    names = draw(st.lists(st.sampled_from(sorted(table)), max_size=k))
    for name in names:
        strat = table[name]
        out += [name] if strat is None else [name, draw(strat)]
    return out


@st.composite
def argv(draw: st.DrawFn, work: Workdir) -> list[str]:
    """One command line; the expensive commands always carry at least one bad value."""
    sc = scenarios(work)
    store = paths(work, "store")
    common = {"--json": None, "--set": overrides}
    cheap = {
        ("scenarios", "list"): ([], {"--json": None}),
        ("scenarios", "show"): ([sc], common),
        ("scenarios", "validate"): ([sc], common),
        ("explain",): ([sc], {**common, "--ask": floats_any, "--currency": st.sampled_from(["USD", "krw", "EUR", ""]),
                              "--years": ints_any}),
        ("runs", "list"): ([], {"--store": store, "--json": None}),
        ("runs", "show"): ([run_ids(work)], {"--store": store, "--json": None}),
        ("runs", "export"): ([run_ids(work)], {"--store": store, "--json": None, "--out": paths(work, "out"),
                                               "--format": st.sampled_from(["csv", "parquet", "json", ""]),
                                               "--force": None}),
    }
    run_like = {**common, "--draws": ints_any, "--seed": ints_any, "--bank-size": ints_any, "--store": store}
    costly = {
        ("run",): ([sc], {**run_like, "--summary-only": None, "--report": paths(work, "html"), "--force": None},
                   {"--draws": ints_bad, "--seed": st.sampled_from(["-1", *BIG]), "--bank-size": st.sampled_from(["0", "65", "x"]),
                    "--report": paths(work, "html").filter(lambda p: not p.endswith("r.html")), "--set": overrides}),
        ("sweep",): ([sc], {**run_like, "--grid": overrides, "--backend": st.sampled_from(["local", "dask", "x"]),
                            "--workers": ints_any, "--chunk-size": ints_any, "--resume": run_ids(work),
                            "--progress": st.sampled_from(["none", "bar", "x"])},
                     {"--workers": st.sampled_from(["0", "65", "100000", "x"]), "--chunk-size": ints_bad,
                      "--progress": st.just("x"), "--backend": st.just("x"),
                      "--grid": st.just("levers.transparency=" + ",".join(["0.1"] * 101))}),
        ("report",): ([run_ids(work)], {"--out": paths(work, "html"), "--store": store, "--sweep": paths(work, "json"),
                                        "--sobol": paths(work, "json"), "--no-png": None, "--force": None},
                      {"--out": paths(work, "html").filter(lambda p: not p.endswith("r.html")),
                       "--sweep": paths(work, "json").filter(lambda p: not p.endswith("sweep.json"))}),
        ("compare",): ([sc], {**common, "--draws": ints_any, "--seed": ints_any, "--bank-size": ints_any,
                              "--variant": st.builds(lambda v: f"v:{v}", overrides), "--base": overrides,
                              "--report": paths(work, "html")},
                       {"--draws": ints_bad, "--bank-size": st.sampled_from(["0", "65"]),
                        "--variant": st.sampled_from(["nocolon", "v:levers.transparency=7", ":x=1"])}),
        ("sensitivity",): ([sc], {**common, "--n": ints_any, "--draws": ints_any, "--seed": ints_any,
                                  "--outputs": st.sampled_from(["p_ratified", "nope", ""]),
                                  "--params": st.sampled_from(["nope", ""])},
                           {"--n": st.sampled_from(["0", "4097", "1048576", "x", *BIG]),
                            "--draws": st.sampled_from(["0", "100001", "x"])}),
        ("advise",): ([sc], {**common, "--side": st.sampled_from(["us", "host", "x"]), "--min-consent": floats_any,
                             "--date": dates_any},
                      {"--side": st.sampled_from(["x", "", "US"]), "--min-consent": st.sampled_from(["2", "-1", "nan", "x"])}),
        ("winset",): ([sc], {**common, "--date": dates_any, "--level": floats_any, "--duration": ints_any},
                      {"--level": st.sampled_from(["0", "2", "nan", "x"]), "--date": st.sampled_from(["x", "2020-13-01"])}),
        ("solve",): ([sc], common, {"--set": st.sampled_from(["levers.transparency=2", "nope=1", "levers.as_of=x"])}),
        ("warmup",): ([], {"--json": None}, {"--json": st.sampled_from(["extra", "--nope", "-x"])}),
    }
    names = sorted([*cheap, *costly])
    cmd = draw(st.sampled_from(names))
    if cmd in cheap:
        positional, table = cheap[cmd]
        poison: list[str] = []
    else:
        positional, table, bad = costly[cmd]
        key = draw(st.sampled_from(sorted(bad)))
        poison = [key, draw(bad[key])]
    args = [draw(p) for p in positional]
    args += _opts(draw, table, 4)
    if cmd in costly:  # the poison last: an option given twice takes its last value
        args += poison
    extra = draw(st.sampled_from([[], [], [], ["--nope"], ["extra"], ["--help"]]))
    return [*cmd, *args, *extra]


# --------------------------------------------------------------------------- checks


def _check(code: int, err: str, where: str, args: list[str] | None = None) -> None:
    assert code in (0, 2), f"exit {code} for {where}: {err[-2000:]}"
    assert "Traceback" not in err, f"traceback for {where}: {err[-2000:]}"
    if code == 2:
        lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("warning:")]
        assert len(lines) == 1 and _ONE_LINE.match(lines[0]), f"not one error line for {where}: {err!r}"
        named = _NAMES.search(lines[0]) or any(len(a) >= 3 and a in lines[0] for a in args or ())  # or the file given
        assert named, f"the error names no option, argument, field or file for {where}: {lines[0]!r}"


def _in_process(work: Workdir, args: list[str]) -> None:
    before = work.snapshot()
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(work.root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        os.chdir(cwd)
    _check(code, err.getvalue(), repr(args), args)
    if code != 0:
        assert work.snapshot() == before, f"files changed by the failed command {args!r}"
    else:  # a success may add its output (an export), never change what was there
        now = work.snapshot()
        assert all(now.get(k) == v for k, v in before.items()), f"a file changed by {args!r}"
        work.reset(before)


# --------------------------------------------------------------------------- in-process suites


def test_fuzz_arguments_in_process(work: Workdir) -> None:
    """6,000 generated command lines over every command (warmup aside: it only compiles)."""

    @settings(max_examples=CASES["args"], **SETTINGS)
    @given(argv(work))
    def case(args: list[str]) -> None:
        _in_process(work, args)

    case()


_BASE: dict[str, object] = {}


def _base() -> tuple[dict[str, object], list[tuple[object, ...]]]:
    """The bundled scenario's table and the paths of its entries (up to 6 levels), made once."""
    if not _BASE:
        import tomllib

        from burdenshare.scenario.io import _bundled_dir

        data = tomllib.loads(_bundled_dir().joinpath("sma-2020-hindsight.toml").read_text("utf-8"))
        leaves: list[tuple[object, ...]] = []
        stack: list[tuple[object, tuple[object, ...]]] = [(data, ())]
        while stack:
            node, path = stack.pop()
            items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
            for k, v in items:
                leaves.append((*path, k))
                if len(path) < 5:
                    stack.append((v, (*path, k)))
        _BASE.update(data=data, leaves=sorted(leaves, key=str))
    return _BASE["data"], _BASE["leaves"]  # type: ignore[return-value]


@st.composite
def scenario_text(draw: st.DrawFn) -> str:
    """The bundled scenario with one generated change: a value replaced, a key dropped or added."""
    import datetime as dt

    import tomli_w

    from burdenshare.scenario.io import _deep_copy

    base, leaves = _base()
    path = draw(st.sampled_from(leaves))
    data = _deep_copy(base)
    parent = data
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    action = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add"]))
    value = draw(st.one_of(st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                           st.text(max_size=8), st.dates(), st.datetimes(), st.just([]), st.just({}),
                           st.lists(st.integers(), max_size=3), st.just({"zz": 1}), st.just([dt.date(2020, 1, 1)])))
    if action == "replace":
        parent[key] = value
    elif action == "drop" and isinstance(parent, dict):
        del parent[key]
    elif isinstance(parent, dict):
        parent["zz_unknown"] = value
    return tomli_w.dumps(data)


def test_fuzz_scenario_schema_in_process(work: Workdir) -> None:
    """4,000 scenarios: 2,000 generated --set overrides of the bundled scenario, and 2,000 files with
    one generated change, validated through the CLI.  ``validate`` accepts exactly what ``run``
    can start: an accepted scenario passes the run's own pre-check (:func:`check_run`)."""
    from burdenshare.engine.prepare import check_run
    from burdenshare.scenario import load_scenario

    @settings(max_examples=CASES["scenario"] // 2, **SETTINGS)
    @given(st.lists(overrides, min_size=1, max_size=3))
    def by_set(sets: list[str]) -> None:
        args = ["scenarios", "validate", "sma-2020-hindsight"]
        for s in sets:
            args += ["--set", s]
        _in_process(work, args)

    by_set()
    target = work.root / "gen.toml"

    @settings(max_examples=CASES["scenario"] // 2, **SETTINGS)
    @given(scenario_text())
    def by_file(text: str) -> None:
        target.write_text(text)
        try:
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(["scenarios", "validate", str(target)])
            _check(code, err.getvalue(), text[:200], [str(target)])
            if code == 0:
                check_run(load_scenario(target))
        finally:
            target.unlink()

    by_file()


# --------------------------------------------------------------------------- the console script


def _script() -> str:
    exe = Path(sys.executable).with_name("burdenshare")
    assert exe.exists(), f"the console script is not installed beside {sys.executable}"
    return str(exe)


def test_fuzz_console_script(work: Workdir) -> None:
    """300 generated command lines through the installed console script (exit codes as the shell
    sees them), run in parallel batches."""
    exe = _script()

    def one(args: list[str]) -> tuple[list[str], int, str]:
        proc = subprocess.run([exe, *args], cwd=work.root, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "COLUMNS": "80"})
        return args, proc.returncode, proc.stderr

    @settings(max_examples=CASES["script_batches"], **SETTINGS)
    @given(st.lists(argv(work), min_size=CASES["script_batch"], max_size=CASES["script_batch"]))
    def batch(cases: list[list[str]]) -> None:
        # exports (the one cheap command that writes) go alone: parallel cases must not see each other's files
        cases = [c for c in cases if c[:2] != ["runs", "export"]] or cases[:1]
        before = work.snapshot()
        with ThreadPoolExecutor(max_workers=max(2, min(8, os.cpu_count() or 2))) as pool:
            results = list(pool.map(one, cases))
        for args, code, err in results:
            _check(code, err, repr(args), args)
        assert work.snapshot() == before, "a file changed by one of the console-script cases"

    batch()
