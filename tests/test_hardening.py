"""Regression tests of issue 13 ("Data loss and crashes" and the CLI items of "The answer is hard
to find"): each example of the issue, through the CLI entry point the console script runs.

Every refusal is one line on stderr naming the option or field, exit code 2, and nothing written:
no store file created, no store rows added, no output replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from burdenshare import limits
from burdenshare.cli import main
from burdenshare.store import SCHEMA_VERSION, STORE_FORMAT, open_store

SMALL = ["--draws", "64", "--bank-size", "1"]


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _refused(capsys, *args: str, names: str) -> str:
    code, _, err = _cli(capsys, *args)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, err)
    assert names in lines[0], lines[0]
    assert "Traceback" not in err
    return lines[0]


def _md5(p: Path) -> str:
    return hashlib.md5(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> tuple[Path, str]:
    """A store this tool created, holding one small run."""
    path = tmp_path_factory.mktemp("store") / "s.duckdb"
    assert main(["run", "sma-2020-hindsight", *SMALL, "--store", str(path), "--json"]) == 0
    with open_store(path, read_only=True) as st:
        return path, st.runs()[0].run_id


def _rows(path: Path) -> int:
    with open_store(path, read_only=True) as st:
        return sum(st.row_count(r.run_id) for r in st.runs())


# --------------------------------------------------------------------------- a safe store


def test_store_is_marked_and_versioned(store):
    import duckdb

    path, _ = store
    con = duckdb.connect(str(path), read_only=True)
    meta = dict(con.execute("SELECT key, value FROM burdenshare_meta").fetchall())
    con.close()
    assert meta == {"schema_version": str(SCHEMA_VERSION), "format": STORE_FORMAT}


def test_schema_1_store_is_migrated_on_write(tmp_path, store):
    """A store of schema 1 (before the format marker) is read as it is and migrated by a writer."""
    import shutil

    import duckdb

    old = tmp_path / "old.duckdb"
    shutil.copy(store[0], old)
    con = duckdb.connect(str(old))
    con.execute("DELETE FROM burdenshare_meta WHERE key = 'format'")
    con.execute("UPDATE burdenshare_meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with open_store(old, read_only=True) as st:
        assert [r.run_id for r in st.runs()] == [store[1]]
    with open_store(old) as st:
        meta = dict(st.con.execute("SELECT key, value FROM burdenshare_meta").fetchall())
    assert meta == {"schema_version": str(SCHEMA_VERSION), "format": STORE_FORMAT}


def test_foreign_duckdb_and_newer_schema_are_refused(tmp_path, capsys):
    import duckdb

    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()  # an empty DuckDB database this tool did not create
    before = _md5(other)
    _refused(capsys, "runs", "list", "--store", str(other), names="--store")
    _refused(capsys, "run", "sma-2020-hindsight", *SMALL, "--store", str(other), names="not a burdenshare store")
    assert _md5(other) == before
    newer = tmp_path / "newer.duckdb"
    with open_store(newer) as st:
        st.con.execute("UPDATE burdenshare_meta SET value = '99' WHERE key = 'schema_version'")
    _refused(capsys, "runs", "list", "--store", str(newer), names="schema 99")


def test_sqlite_store_loads_no_extension(tmp_path, capsys, monkeypatch):
    """`runs list --store real.sqlite` made DuckDB download its sqlite extension into ~/.duckdb."""
    monkeypatch.setenv("HOME", str(tmp_path))
    db = tmp_path / "real.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = _md5(db)
    _refused(capsys, "runs", "list", "--store", str(db), names="--store")
    _refused(capsys, "run", "sma-2020-hindsight", *SMALL, "--store", str(db), names="--store")
    assert _md5(db) == before and not (tmp_path / ".duckdb").exists()
    from burdenshare.store import DUCKDB_CONFIG

    assert DUCKDB_CONFIG["autoload_known_extensions"] is False and DUCKDB_CONFIG["autoinstall_known_extensions"] is False


@pytest.mark.parametrize("damage", ["truncate", "corrupt"])
def test_truncated_or_corrupt_store_is_one_line_and_never_written(tmp_path, capsys, store, damage):
    import shutil

    path = tmp_path / "d.duckdb"
    shutil.copy(store[0], path)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:100_000])
    else:
        data = bytearray(path.read_bytes())
        data[8192:60000] = b"\xff" * (60000 - 8192)
        path.write_bytes(bytes(data))
    before = _md5(path)
    _refused(capsys, "runs", "list", "--store", str(path), names="--store")
    _refused(capsys, "run", "sma-2020-hindsight", *SMALL, "--store", str(path), names="--store")
    assert _md5(path) == before and not path.with_name("d.duckdb.wal").exists()


def test_fifo_and_empty_file_are_not_stores(tmp_path, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    _refused(capsys, "runs", "list", "--store", str(fifo), names="not a regular file")
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    _refused(capsys, "sweep", "--resume", "abcd", "--store", str(empty), names="--store")  # wrote the schema before
    assert empty.read_bytes() == b""


@pytest.mark.parametrize("args, option", [
    (["run", "sma-2020-hindsight", "--draws", "10000000000"], "--draws"),
    (["run", "sma-2020-hindsight", "--seed", "9223372036854775808"], "--seed"),
    (["run", "sma-2020-hindsight", "--set", "levers.us_ask_usd=1e29"], "levers.us_ask_usd"),
    (["run", "sma-2020-hindsight", "--set", "levers.transparency=true"], "levers.transparency"),
    (["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", "--workers", "0"], "--workers"),
    (["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", "--chunk-size", "9223372036854775808"], "--chunk-size"),
    (["run", "sma-2020-hindsight", "--report", "/proc/x.html"], "--report"),
])
def test_failed_command_creates_no_store(tmp_path, capsys, args, option):
    path = tmp_path / "s7.duckdb"
    _refused(capsys, *args, "--store", str(path), names=option)
    assert list(tmp_path.iterdir()) == []


def test_refused_run_on_an_existing_store_adds_no_rows(capsys, store):
    path, _ = store
    rows, before = _rows(path), _md5(path)
    _refused(capsys, "run", "sma-2020-hindsight", *SMALL, "--set", "events.2.parameters.workers=-4000", "--store", str(path),
             names="events.2.parameters.workers")
    assert _rows(path) == rows and _md5(path) == before


# --------------------------------------------------------------------------- no lost data


def test_export_refuses_the_store_links_devices_and_existing_files(tmp_path, capsys, store):
    path, rid = store
    before = _md5(path)
    _refused(capsys, "runs", "export", rid, "--format", "csv", "--out", str(path), "--store", str(path),
             names="the results store itself")
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "target.csv")
    _refused(capsys, "runs", "export", rid, "--out", str(link), "--store", str(path), names="symbolic link")
    _refused(capsys, "runs", "export", rid, "--format", "csv", "--out", "/dev/full", "--store", str(path),
             names="not a regular file")
    mine = tmp_path / "mine.csv"
    mine.write_text("keep me\n")
    _refused(capsys, "runs", "export", rid, "--format", "csv", "--out", str(mine), "--store", str(path),
             names="--force")
    assert mine.read_text() == "keep me\n" and not (tmp_path / "target.csv").exists()
    code, out, _ = _cli(capsys, "runs", "export", rid[:4], "--format", "csv", "--out", str(mine), "--store",
                        str(path), "--force")
    assert code == 0 and mine.read_text().count("\n") == 65  # header + 64 draws, via a 4-digit prefix
    assert _md5(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "mine.csv"]  # no temporary file left


@pytest.mark.parametrize("out, why", [
    ("a" * 300 + ".csv", "MAX_NAME_BYTES"),
    ("missing/x.csv", "does not exist"),
    ("/proc/x.csv", "cannot create files"),
])
def test_export_paths_checked_first(tmp_path, capsys, store, out, why):
    path, rid = store
    target = out if out.startswith("/") else str(tmp_path / out)
    _refused(capsys, "runs", "export", rid, "--out", target, "--store", str(path), names=why)


def test_report_replaces_only_its_own_reports(tmp_path, capsys, store):
    """Re-running a command with the same --report works (the file carries the report marker);
    any other existing file needs --force."""
    from burdenshare.outputs import REPORT_MARKER, is_own_report

    path, rid = store
    html = tmp_path / "r.html"
    assert _cli(capsys, "report", rid, "--out", str(html), "--store", str(path), "--no-png")[0] == 0
    assert is_own_report(html) and REPORT_MARKER in html.read_text()[:4096]
    assert _cli(capsys, "report", rid, "--out", str(html), "--store", str(path), "--no-png")[0] == 0  # again
    other = tmp_path / "notes.html"
    other.write_text("<html>my notes</html>")
    _refused(capsys, "report", rid, "--out", str(other), "--store", str(path), "--no-png", names="--force")
    store_copy = tmp_path / "s.html"
    _refused(capsys, "run", "sma-2020-hindsight", *SMALL, "--store", str(tmp_path / "n.duckdb"), "--report", str(other),
             names="not a report this tool wrote")
    assert other.read_text() == "<html>my notes</html>" and not (tmp_path / "n.duckdb").exists()
    assert not store_copy.exists()


@pytest.mark.parametrize("payload, option", [
    ("[1, 2]", "--sweep"), ('{"rows": [{"point": 1}]}', "--sweep"), ('{"rows": 3}', "--sweep"),
    ('{"outputs": {"a": 3}}', "--sobol"), ("[]", "--sobol"), ("{", "--sobol"),
])
def test_report_json_inputs_of_the_wrong_shape(tmp_path, capsys, store, payload, option):
    path, rid = store
    f = tmp_path / "in.json"
    f.write_text(payload)
    _refused(capsys, "report", rid, "--out", str(tmp_path / "r.html"), "--store", str(path), "--no-png", option,
             str(f), names=option)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    _refused(capsys, "report", rid, "--out", str(tmp_path / "r.html"), "--store", str(path), option, str(fifo),
             names="not a regular file")
    assert not (tmp_path / "r.html").exists()


# --------------------------------------------------------------------------- bounded resources


def test_caps_are_documented():
    text = (Path(__file__).parents[1] / "docs" / "limits.md").read_text()
    for name, value in limits.CAPS.items():
        assert f"`{name}`" in text and f"{value:,}" in text, name


@pytest.mark.parametrize("args, names", [
    (["explain", "sma-2020-hindsight", "--years", "9223372036854775808"], "--years"),
    (["explain", "sma-2020-hindsight", "--years", "100000000"], "--years"),
    (["sensitivity", "sma-2020-hindsight", "--n", "1048576"], "MAX_SOBOL_N"),
    (["run", "sma-2020-hindsight", "--draws", "64", "--bank-size", "257"], "--bank-size"),
    (["run", "sma-2020-hindsight", "--set", "agreement_space.amount_step_krw=1e6"], "MAX_AMOUNT_POINTS"),
    (["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=" + ",".join(str(i / 10_000) for i in range(10_000))],
     "MAX_AXIS_VALUES"),
    (["sweep", "sma-2020-hindsight", *(x for k in range(4) for x in ("--grid", f"{('levers.transparency', 'protocol.n_steps', 'levers.us_ask_usd', 'opinion.anchor_ask_usd')[k]}=" + ",".join(str(i + 3) for i in range(100))))],
     "MAX_SWEEP_POINTS"),
    (["sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", "--backend", "dask", "--workers", "100000"],
     "--workers"),
])
def test_caps_refuse_before_work(tmp_path, capsys, args, names):
    _refused(capsys, *args, "--store", str(tmp_path / "s.duckdb"), names=names) if args[0] in ("run", "sweep") \
        else _refused(capsys, *args, names=names)
    assert not (tmp_path / "s.duckdb").exists()


def test_scenario_files_read_with_limits(tmp_path, capsys):
    deep = tmp_path / "deep.toml"
    deep.write_text("schema_version = 1\n[" + ".".join(["a"] * 100_000) + "]\nx = 1\n")
    _refused(capsys, "scenarios", "validate", str(deep), names="MAX_SCENARIO_DEPTH")
    nested = tmp_path / "nested.toml"
    nested.write_text("schema_version = 1\nx = " + "[" * 100_000 + "]" * 100_000 + "\n")
    _refused(capsys, "scenarios", "validate", str(nested), names="nested")
    _refused(capsys, "scenarios", "validate", "/dev/zero", names="not a regular file")
    fifo = tmp_path / "s.toml"
    os.mkfifo(fifo)
    _refused(capsys, "run", "--store", str(tmp_path / "x.duckdb"), str(fifo), names="not a regular file")
    big = tmp_path / "big.toml"
    with open(big, "w") as fh:
        fh.write("schema_version = 1\n[events.parameters]\n")
        for i in range(2_000_000 // 8):
            fh.write(f"k{i} = 1\n")
        fh.write("x" * (limits.MAX_SCENARIO_BYTES))
    _refused(capsys, "scenarios", "validate", str(big), names="MAX_SCENARIO_BYTES")
    assert not (tmp_path / "x.duckdb").exists()


def test_many_keys_refused(tmp_path, capsys):
    f = tmp_path / "keys.toml"
    f.write_text("schema_version = 1\n[t]\n" + "".join(f"k{i} = 1\n" for i in range(limits.MAX_SCENARIO_KEYS + 1)))
    _refused(capsys, "scenarios", "validate", str(f), names="MAX_SCENARIO_KEYS")


# --------------------------------------------------------------------------- strict values


@pytest.mark.parametrize("override, field", [
    ("levers.transparency=true", "levers.transparency"),
    ("levers.transparency='0.5'", "levers.transparency"),
    ("levers.us_ask_usd='1e9'", "levers.us_ask_usd"),
    ("events.2.parameters.workers=-4000", "events.2.parameters.workers"),
    ("events.2.parameters.workers=true", "events.2.parameters.workers"),
    ("events.2.parameters.notice_date=2020-01-01T00:00:00", "events.2.parameters.notice_date"),
    ("events.2.parameters.foo=1", "events.2.parameters.foo"),
    ("opinion.polls=['nope']", "opinion.polls.0"),
    ("opinion.polls=[" + ",".join(["'CCGA-2019-12'"] * 600) + "]", "opinion.polls.1"),
    ("opinion.anchor_ask_usd=1e308", "opinion.anchor_ask_usd"),
    ("opinion.anchor_ask_usd=1e9", "opinion.anchor_ask_usd"),
])
def test_validate_refuses_what_run_cannot_run(capsys, override, field):
    line = _refused(capsys, "scenarios", "validate", "sma-2020-hindsight", "--set", override, names=field)
    assert "(from --set" in line and len(line) < 400 and "groups.all" not in line and "refuse_bound" not in line


def test_errors_name_the_option_an_override_came_from(capsys):
    _refused(capsys, "compare", "sma-2020-hindsight", "--base", "levers.transparency=7", "--set", "levers.transparency=0.5",
             names="(from --base levers.transparency=7)")
    _refused(capsys, "compare", "sma-2020-hindsight", "--variant", "a:levers.transparency=7",
             names="(from --variant a:levers.transparency=7)")
    line = _refused(capsys, "sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,x", names="--grid levers.transparency=x")
    assert "--set" not in line


# --------------------------------------------------------------------------- CLI for people


@pytest.mark.parametrize("args, names", [
    (["run"], "SCENARIO"), (["run", "sma-2020-hindsight", "--draws", "x"], "--draws"), (["run", "sma-2020-hindsight", "--nope"], "--nope"),
    (["nope"], "nope"), (["runs", "export", "abcd"], "--out"), (["sweep", "sma-2020-hindsight", "--progress"], "--progress"),
    (["explain", "sma-2020-hindsight", "--ask", "x"], "--ask"),
])
def test_usage_errors_are_one_line(capsys, args, names):
    line = _refused(capsys, *args, names=names)
    assert "╭" not in line and "Usage" not in line


def test_runs_list_shows_full_ids_and_prefixes_resolve(capsys, store, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    path, rid = store
    code, out, _ = _cli(capsys, "runs", "list", "--store", str(path))
    assert code == 0 and rid in out
    code, out, _ = _cli(capsys, "runs", "show", rid[:4], "--store", str(path), "--json")
    assert code == 0 and json.loads(out)["run_id"] == rid
    _refused(capsys, "runs", "show", rid[:3], "--store", str(path), names="4 hex digits")


def test_sweep_table_has_one_column_per_axis(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = _cli(capsys, "sweep", "sma-2020-hindsight", "--grid", "levers.transparency=0,1", "--grid",
                        "levers.furlough_from=2020-04-01,'none'", *SMALL, "--progress", "none", "--store",
                        str(tmp_path / "s.duckdb"))
    assert code == 0
    header = next(line for line in out.splitlines() if "transparency" in line and "furlough_from" in line)
    assert "levers.transp…" not in out and "P(ratified)" in out
    rows = [line for line in out.splitlines() if "2020-04-01" in line or "none" in line]
    assert len(rows) == 4, (header, out)


def test_missing_extra_is_a_one_line_hint(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "SALib", None)
    monkeypatch.setitem(sys.modules, "SALib.sample", None)
    monkeypatch.setitem(sys.modules, "SALib.analyze", None)
    for name in [m for m in sys.modules if m.startswith("SALib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    line = _refused(capsys, "sensitivity", "sma-2020-hindsight", "--n", "8", "--draws", "16", names="pip install")
    assert "burdenshare[sensitivity]" in line


def test_sobol_warns_when_the_sample_is_too_small(capsys):
    code, out, err = _cli(capsys, "sensitivity", "sma-2020-hindsight", "--n", "4", "--draws", "16", "--params",
                          "strategies.us.reservation_value_krw", "--json")
    assert code == 0
    data = json.loads(out)
    assert "warning: --n 4 is too small" in err
    widest = max(abs(c) for o in data["outputs"].values() for k in ("S1_conf", "ST_conf") for c in o[k] if c is not None)
    assert widest > 0.1


def test_every_command_help_has_an_example(capsys):
    import typer

    from burdenshare.cli import app

    group = typer.main.get_command(app)
    todo = [([], group)]
    seen = 0
    while todo:
        path, cmd = todo.pop()
        subs = getattr(cmd, "commands", None)
        if subs:
            todo += [([*path, n], c) for n, c in subs.items()]
            continue
        code, out, _ = _cli(capsys, *path, "--help")
        assert code == 0 and "Example: burdenshare " + " ".join(path) in " ".join(out.split()), path
        seen += 1
    assert seen >= 15


def test_more_caps_and_long_paths(tmp_path, capsys):
    _refused(capsys, "scenarios", "validate", "sma-2020-hindsight", "--set", "agreement_space.amount_step_krw='none'", "--set",
             "agreement_space.amount_n=1000000", names="agreement_space")
    long = str(tmp_path / ("a" * 300))
    _refused(capsys, "runs", "list", "--store", long + ".duckdb", names="MAX_NAME_BYTES")
    _refused(capsys, "run", "sma-2020-hindsight", *SMALL, "--store", str(tmp_path / "s.duckdb"), "--report", long + ".html",
             names="MAX_NAME_BYTES")
    assert list(tmp_path.iterdir()) == []


def test_five_thousand_duplicated_polls_in_a_file(tmp_path, capsys):
    from burdenshare.scenario.io import _bundled_dir

    text = _bundled_dir().joinpath("sma-2020-hindsight.toml").read_text("utf-8")
    start = text.index("\npolls = [") + 1
    end = text.index("\n", start)
    f = tmp_path / "polls.toml"
    f.write_text(text[:start] + "polls = [" + ", ".join(['"CCGA-2019-12"'] * 5000) + "]" + text[end:])
    _refused(capsys, "run", str(f), *SMALL, "--store", str(tmp_path / "s.duckdb"), names="opinion.polls.1")
    assert not (tmp_path / "s.duckdb").exists()


def test_report_of_a_small_run_with_transparency(tmp_path, capsys):
    """Reports crashed on small draw counts (matplotlib 'yerr') and with transparency > 0 (after the
    run was recorded): both now write the report and its PNGs."""
    html = tmp_path / "r.html"
    code, _, err = _cli(capsys, "run", "sma-2020-hindsight", *SMALL, "--set", "levers.transparency=0.5", "--store",
                        str(tmp_path / "s.duckdb"), "--report", str(html))
    assert code == 0, err
    assert html.is_file() and len(list((tmp_path / "r_figures").glob("*.png"))) >= 5


def test_fuzz_findings(capsys):
    """Found by tests/test_fuzz_cli.py: an ask of 1e308 overflowed in the statement, and a --set
    under a table an earlier --set replaced by a list raised ValueError."""
    _refused(capsys, "explain", "sma-2020-hindsight", "--ask", "1e308", names="--ask")
    _refused(capsys, "explain", "sma-2020-hindsight", "--ask", "1e17", "--currency", "KRW", names="--ask")
    _refused(capsys, "scenarios", "validate", "sma-2020-hindsight", "--set", "levers=[]", "--set", "levers.transparency=true",
             names="--set levers.transparency=true")
    _refused(capsys, "scenarios", "validate", "sma-2020-hindsight", "--set", "levers.transparency=\x85", names="\\x85")


def test_dask_scratch_left_by_a_killed_sweep_is_removed(tmp_path, monkeypatch):
    """Dask left scratch folders after a kill: each local cluster works in
    <tmp>/burdenshare-dask-<pid>-*, removed on close, and folders of dead processes go at the next start."""
    import shutil
    import tempfile

    from burdenshare.engine.backends import _dask_scratch

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = next(p for p in range(4_000_000, 4_100_000) if not Path(f"/proc/{p}").exists())
    stale = tmp_path / f"burdenshare-dask-{dead}-abc"
    (stale / "worker-1").mkdir(parents=True)
    alive = tmp_path / f"burdenshare-dask-{os.getpid()}-def"
    alive.mkdir()
    new = _dask_scratch()
    assert not stale.exists() and alive.exists() and new.is_dir() and new.parent == tmp_path
    shutil.rmtree(new)
