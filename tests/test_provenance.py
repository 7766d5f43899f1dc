"""Provenance as data: the [provenance.values] map of a scenario, its checks, overrides and `scenarios show`."""

from __future__ import annotations

import ast
import json
import math
import operator
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from burdenshare.cli import main
from burdenshare.errors import ScenarioError
from burdenshare.scenario import (
    ComputedValue,
    DataValue,
    dump_scenario,
    load_scenario,
    loads_scenario,
    provenance,
)
from burdenshare.scenario.schema import resolve_path
from burdenshare.scenario.sources import DATA_FILES, cited_value, data_rows

SMA_PATH = Path(__file__).resolve().parents[1] / "src/burdenshare/scenarios/sma-2020-hindsight.toml"
SMA_TEXT = SMA_PATH.read_text(encoding="utf-8")

#: Keys that hold names, ids, labels, free text, or references between sections (not facts).
NOT_FACTS = {
    "schema_version", "name", "title", "description", "label", "source", "id",
    "current_agreement_source", "exchange_rate_source", "currency", "role", "government",
    "bloc", "event", "assumption", "hindsight",
}


def fact_leaves(node: Any, path: tuple[str, ...] = ()) -> list[str]:
    """Dotted paths of the values written in the file: scalars and lists of scalars; lists of
    tables by index; the top-level provenance and uncertainty sections and NOT_FACTS left out,
    and an event's kind (its classification, like its id)."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if not path and key in ("provenance", "uncertainty"):
                continue
            if key in NOT_FACTS or (len(path) == 2 and path[0] == "events" and key == "kind"):
                continue
            out += fact_leaves(value, (*path, str(key)))
    elif isinstance(node, list) and node and all(isinstance(v, dict) for v in node):
        for i, value in enumerate(node):
            out += fact_leaves(value, (*path, str(i)))
    else:
        out.append(".".join(path))
    return out


_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Pow: operator.pow,
}
_FUNCS = {"ceil": math.ceil, "floor": math.floor, "round": round, "ln": math.log}


def arithmetic(formula: str) -> float | None:
    """The value of a formula made only of numbers, + - * / // **, ceil, floor, round and ln;
    None if it is anything else (prose)."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        return None

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS:
            return _FUNCS[node.func.id](*(ev(a) for a in node.args))
        raise ValueError(ast.dump(node))

    try:
        return ev(tree)
    except ValueError:
        return None


def same_number(expected: float, value: float) -> bool:
    """Equal to 12 significant digits, or equal after rounding to the decimals the value shows."""
    if math.isclose(expected, value, rel_tol=1e-12):
        return True
    text = repr(float(value))
    decimals = 0 if "e" in text else len(text.split(".")[1].rstrip("0"))
    return round(expected, decimals) == value


# --------------------------------------------------------------------------- sma-2020-hindsight's map


def test_every_fact_of_sma_2020_has_a_provenance_entry():
    scenario = load_scenario("sma-2020-hindsight")
    leaves = fact_leaves(tomllib.loads(SMA_TEXT))
    assert len(leaves) > 120
    missing = [path for path in leaves if provenance(scenario, path) is None]
    assert missing == []
    # every entry names a value, a table of values or a list, never a whole section or record
    for key in scenario.provenance.values:
        assert not isinstance(resolve_path(scenario, key), BaseModel), key
    kinds = {e.kind for e in scenario.provenance.values.values()}
    assert kinds == {"data", "computed", "assumption", "document"}


def test_every_commented_value_line_has_an_entry():
    """Each `key = value  # src:/computed:/assumption` line above the map has an entry at its
    path (the comments stay for people; the map is what the program reads)."""
    scenario = load_scenario("sma-2020-hindsight")
    from burdenshare.scenario.io import key_lines

    lines = {number: path for path, number in key_lines(SMA_TEXT).items()}
    commented = []
    for number, line in enumerate(SMA_TEXT.splitlines(), start=1):
        if line.strip() == "[provenance.values]":
            break
        if "=" in line.split("#", 1)[0] and "#" in line and any(
            tag in line.split("#", 1)[1] for tag in ("src:", "computed:", "assumption")
        ):
            path = lines[number]
            if path[0] != "uncertainty":
                commented.append(".".join(path))
    assert len(commented) > 100
    assert [p for p in commented if provenance(scenario, p) is None] == []


def test_data_entries_resolve_to_rows_whose_values_match():
    scenario = load_scenario("sma-2020-hindsight")
    direct = 0
    for path, entry in scenario.provenance.values.items():
        if not isinstance(entry, DataValue):
            continue
        assert entry.source.split(":")[0] in DATA_FILES
        assert data_rows(entry.source), path
        if entry.column is None:
            continue
        value, cited = resolve_path(scenario, path), cited_value(entry)
        if isinstance(value, date):
            assert cited == value, path
        else:
            assert cited == pytest.approx(value, rel=1e-12), path
        direct += 1
    assert direct == 13


def test_data_entries_cite_what_the_helpers_read():
    """Independent of the map's own resolver: the same facts through burdenshare.data."""
    from burdenshare import data

    s = load_scenario("sma-2020-hindsight")
    e = s.provenance.values
    assert e["cost_model.current_agreement_krw"].source == "sma_annual_contributions.csv:2019"
    assert s.cost_model.current_agreement_krw == pytest.approx(data.sma_contribution_krw(2019))
    assert e["levers.us_ask_usd"].source == "context.csv:us_initial_ask_2020"
    assert s.levers.us_ask_usd == pytest.approx(data.fact("us_initial_ask_2020").value * 1e6)
    seats = data.seats_by_bloc("2020-05-30")  # the snapshot in force from the term start
    assert e["legislature.periods.1.seats"].source.endswith("event_date=2020-04-15")
    assert {k: v for k, v in (s.legislature.periods[1].seats or {}).items() if v} == {
        k: v for k, v in seats.seats.items() if v
    }


def test_computed_entries_check_their_arithmetic_and_inputs():
    scenario = load_scenario("sma-2020-hindsight")
    checked = 0
    for path, entry in scenario.provenance.values.items():
        if not isinstance(entry, ComputedValue):
            continue
        for item in entry.from_:
            if ":" in item:
                assert data_rows(item), (path, item)
            else:
                assert scenario.path_problem(item) is None, (path, item)
        expected = arithmetic(entry.formula)
        if expected is None:
            continue
        value = resolve_path(scenario, path)
        assert same_number(expected, value), (path, entry.formula, expected, value)
        checked += 1
    # all but two (the category list and the calibrated propensity) are plain arithmetic
    assert checked == 12


def test_computed_arithmetic_check_can_fail():
    assert arithmetic("0.4 * 371.0 / 960.2") == pytest.approx(0.154551135180)
    assert not same_number(arithmetic("(192 / 298 + 194 / 300) / 2"), 0.6456)
    assert same_number(arithmetic("(192 / 298 + 194 / 300) / 2"), 0.6455)
    assert arithmetic("burdenshare.legislature.calibrate()") is None


def test_public_lookup_uses_the_nearest_entry():
    s = load_scenario("sma-2020-hindsight")
    assert provenance(s, "legislature.periods.1.seats.liberal") is s.provenance.values["legislature.periods.1.seats"]
    assert provenance(s, "cost_model.exchange_rates_krw_per_usd.2023").kind == "assumption"
    assert provenance(s, "levers.transparency").kind == "assumption"
    assert provenance(s, "title") is None
    assert provenance(s, "no.such.path") is None


# --------------------------------------------------------------------------- validation

BASE_LINE = '"levers.us_ask_usd" = { kind = "data", source = "context.csv:us_initial_ask_2020", column = "value", note = "~$5 bn; alt $4.7 bn us_initial_ask_2020_alt; later $1.3 bn us_later_ask_2020" }'


def with_entry(line: str) -> str:
    assert SMA_TEXT.count(BASE_LINE) == 1
    return SMA_TEXT.replace(BASE_LINE, BASE_LINE + "\n" + line)


def entry_line_number(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith(needle))


@pytest.mark.parametrize(
    "line, field, words",
    [
        ('"x.y" = { kind = "assumption", reason = "r" }', 'provenance.values."x.y"',
         "names no field of this scenario; allowed under the top level: name, title"),
        ('"levers.nope" = { kind = "assumption", reason = "r" }', 'provenance.values."levers.nope"',
         "allowed under levers: as_of, us_ask_usd"),
        ('"legislature.blocs.9.camp" = { kind = "assumption", reason = "r" }', 'provenance.values."legislature.blocs.9.camp"',
         "allowed under legislature.blocs: an index 0..6"),
        ('"uncertainty.0.low" = { kind = "assumption", reason = "r" }', 'provenance.values."uncertainty.0.low"',
         "a distribution's provenance is its own source"),
        ('"cost_model.escalator.rate_pct" = { kind = "data", source = "nope.csv:x" }', 'provenance.values."cost_model.escalator.rate_pct".source',
         "unknown data file 'nope.csv'; allowed: sma_history.csv"),
        ('"cost_model.escalator.rate_pct" = { kind = "data", source = "context.csv:no_such_key" }',
         'provenance.values."cost_model.escalator.rate_pct".source', "no row of context.csv has key = 'no_such_key'"),
        ('"cost_model.escalator.rate_pct" = { kind = "data", source = "polls.csv:RM-2019-01|RM-1999-99" }',
         'provenance.values."cost_model.escalator.rate_pct".source', "poll_id = 'RM-1999-99'"),
        ('"cost_model.escalator.rate_pct" = { kind = "data", source = "context.csv:key=x&colour=red" }',
         'provenance.values."cost_model.escalator.rate_pct".source', "context.csv has no column 'colour'"),
        ('"cost_model.escalator.rate_pct" = { kind = "data", source = "context.csv:us_initial_ask_2020", column = "nope" }',
         'provenance.values."cost_model.escalator.rate_pct".source', "has no column 'nope'"),
        ('"cost_model.escalator.rate_pct" = { kind = "data", source = "national_assembly.csv:2020-04-15", column = "seats_total" }',
         'provenance.values."cost_model.escalator.rate_pct".source', "names 8 rows; a column needs exactly one"),
        ('"cost_model.escalator.rate_pct" = { kind = "data", source = "README.md:S99999" }',
         'provenance.values."cost_model.escalator.rate_pct".source', "no source ID or phrase 'S99999'"),
        ('"cost_model.escalator.rate_pct" = { kind = "data", source = "context.csv:us_initial_ask_2020", ids = ["S1", "S9999"] }',
         'provenance.values."cost_model.escalator.rate_pct".ids.1', "'S9999' is neither in the data README's registry nor cited by context.csv"),
        ('"cost_model.escalator.rate_pct" = { kind = "computed", formula = "1 + 1", from = ["context.csv:zzz"] }',
         'provenance.values."cost_model.escalator.rate_pct".from.0', "no row of context.csv has key = 'zzz'"),
        ('"cost_model.escalator.rate_pct" = { kind = "computed", formula = "1 + 1", from = ["levers.nope"] }',
         'provenance.values."cost_model.escalator.rate_pct".from.0', "'levers.nope' names no field"),
        ('"cost_model.escalator.rate_pct" = { kind = "guess", reason = "r" }', 'provenance.values."cost_model.escalator.rate_pct"',
         "does not match any of the expected tags"),
        ('"cost_model.escalator.rate_pct" = { kind = "assumption" }', 'provenance.values."cost_model.escalator.rate_pct".reason',
         "missing required field"),
        ('"cost_model.escalator.rate_pct" = { kind = "assumption", reason = "r", source = "x" }',
         'provenance.values."cost_model.escalator.rate_pct".source', "unknown key; allowed: kind, reason"),
    ],
)
def test_bad_entries_are_refused_with_one_line(line, field, words):
    text = with_entry(line)
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, source="bad.toml")
    err = info.value
    assert err.field == field
    assert words in err.message, err.message
    assert "\n" not in err.one_line()
    assert err.line == entry_line_number(text, line.split(" = ", 1)[0])


def test_a_bad_entry_exits_2_on_the_cli_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(with_entry('"x.y" = { kind = "assumption", reason = "r" }'), encoding="utf-8")
    assert main(["scenarios", "show", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = [line for line in captured.err.splitlines() if line]
    assert len(lines) == 1 and 'provenance.values."x.y": ' in lines[0] and "allowed under" in lines[0]


# --------------------------------------------------------------------------- overrides


def test_an_override_replaces_a_data_source():
    s = load_scenario("sma-2020-hindsight", ["levers.us_ask_usd=1.3e9"])
    entry = provenance(s, "levers.us_ask_usd")
    assert entry.kind == "override" and entry.value == "1300000000.0"
    assert entry.was.startswith("data: context.csv:us_initial_ask_2020")
    assert provenance(s, "opinion.anchor_ask_usd").kind == "data"  # untouched values keep theirs
    # same value written differently: same scenario, same hash
    from burdenshare.scenario import scenario_hash

    assert scenario_hash(s) == scenario_hash(load_scenario("sma-2020-hindsight", ["levers.us_ask_usd=1_300_000_000.0"]))


def test_an_override_inside_a_table_with_a_data_entry():
    s = load_scenario("sma-2020-hindsight", ["legislature.periods.1.seats.liberal=180"])
    assert provenance(s, "legislature.periods.1.seats.liberal").kind == "override"
    assert provenance(s, "legislature.periods.1.seats.conservative").kind == "data"


def test_an_override_of_a_table_drops_the_entries_below_it():
    s = load_scenario("sma-2020-hindsight", ["protocol.rounds={dates = [2020-03-18, 2020-04-20]}", "protocol.n_steps=2"])
    assert "protocol.rounds.start" not in s.provenance.values
    assert "protocol.rounds.interval_days" not in s.provenance.values
    assert provenance(s, "protocol.rounds.dates.1").value == "{ dates = [2020-03-18, 2020-04-20] }"
    assert provenance(s, "protocol.n_steps").was.startswith("computed: floor(378 / 30) + 1")


def test_a_second_override_keeps_the_first_source():
    s = load_scenario("sma-2020-hindsight", ["levers.transparency=0.5", "levers.transparency=0.8"])
    entry = provenance(s, "levers.transparency")
    assert entry.value == "0.8" and entry.was.startswith("assumption: no itemized justification")


def test_overrides_of_distributions_are_not_map_entries():
    s = load_scenario("sma-2020-hindsight", ["uncertainty.0.low=1.05e12"])
    assert s.uncertainty[0].low == 1.05e12
    assert not any(k.startswith("uncertainty") for k in s.provenance.values)


def test_overrides_round_trip_through_dump():
    s = load_scenario("sma-2020-hindsight", ["levers.us_ask_usd=1.3e9", "levers.furlough_from=none"])
    text = dump_scenario(s)
    assert '"levers.furlough_from" = { kind = "override", value = "\\"none\\""' in text
    assert loads_scenario(text) == s


# --------------------------------------------------------------------------- scenarios show


def test_show_prints_toml_that_loads_then_the_provenance_table(capsys):
    assert main(["scenarios", "show", "sma-2020-hindsight", "--set", "levers.us_ask_usd=1.3e9"]) == 0
    out = capsys.readouterr().out
    assert loads_scenario(out) == load_scenario("sma-2020-hindsight", ["levers.us_ask_usd=1.3e9"])
    table = out[out.index("# ---- provenance"):].splitlines()
    assert table[1].split()[:5] == ["#", "path", "value", "kind", "source"]
    rows = {line.split()[1]: line.split()[2:4] for line in table[2:]}
    assert rows["levers.us_ask_usd"] == ["1,300,000,000", "override"]
    assert rows["cost_model.current_agreement_krw"] == ["1,038,900,000,000", "data"]
    assert rows["legislature.attendance_rate"] == ["0.6455", "computed"]
    assert len(rows) == len(load_scenario("sma-2020-hindsight").provenance.values)


def test_show_json_has_toml_scenario_and_provenance(capsys):
    assert main(["scenarios", "show", "sma-2020-hindsight", "--json", "--set", "levers.transparency=0.8"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"toml", "scenario", "provenance"}
    s = load_scenario("sma-2020-hindsight", ["levers.transparency=0.8"])
    assert loads_scenario(payload["toml"]) == s
    assert payload["scenario"] == s.model_dump(mode="json", by_alias=True)
    assert payload["scenario"]["levers"]["transparency"] == 0.8
    prov = payload["provenance"]
    assert prov["levers.transparency"] == {"kind": "override", "value": "0.8", "was": prov["levers.transparency"]["was"]}
    assert prov["levers.transparency"]["was"].startswith("assumption:")
    assert prov["cost_model.current_agreement_krw"] == {
        "kind": "data", "source": "sma_annual_contributions.csv:2019", "column": "contribution_krw_billion",
        "ids": ["S1", "S2", "S98"], "note": "",
    }
    assert prov["legislature.abstention_rate"]["from"][0].startswith("national_assembly.csv:")


# --------------------------------------------------------------------------- docs

DOC = (Path(__file__).resolve().parents[1] / "docs/scenario-format.md").read_text(encoding="utf-8")
DOC_SECTION = DOC[DOC.index("## `[provenance.values]`"):DOC.index("## `[parties]`")]

#: The entry each documented error line comes from (replacing the map's levers.us_ask_usd line).
DOC_ERRORS = {
    "levers.nope": '"levers.nope" = { kind = "assumption", reason = "r" }',
    "uncertainty.0.low": '"uncertainty.0.low" = { kind = "assumption", reason = "r" }',
    "nope.csv": '"levers.us_ask_usd" = { kind = "data", source = "nope.csv:x" }',
    "us_ask_2019": '"levers.us_ask_usd" = { kind = "data", source = "context.csv:us_ask_2019" }',
    "names 8 rows": '"levers.us_ask_usd" = { kind = "data", source = "national_assembly.csv:2020-04-15", column = "seats_total" }',
    "S9999": '"levers.us_ask_usd" = { kind = "data", source = "context.csv:us_initial_ask_2020", ids = ["S9999"] }',
}


def test_documented_entries_load():
    block = DOC_SECTION.split("```toml\n", 1)[1].split("```", 1)[0]
    entries = tomllib.loads(block)["provenance"]["values"]
    assert len(entries) == 6
    text = SMA_TEXT
    for line in block.splitlines()[1:]:
        key = line.split(" = ", 1)[0]
        old = next(l for l in SMA_TEXT.splitlines() if l.startswith(key + " = "))
        text = text.replace(old, line)
    s = loads_scenario(text)
    for key, entry in entries.items():
        assert s.provenance.values[key.strip('"')].model_dump(by_alias=True, exclude_defaults=True) == entry


def test_documented_errors_are_the_real_ones():
    lines = [l for l in DOC_SECTION.splitlines() if l.startswith("error: my.toml:700: ")]
    assert len(lines) == len(DOC_ERRORS)
    for marker, bad in DOC_ERRORS.items():
        doc = next(l for l in lines if marker in l)
        text = SMA_TEXT.replace(BASE_LINE, bad) if bad.startswith('"levers.us_ask_usd"') else with_entry(bad)
        with pytest.raises(ScenarioError) as info:
            loads_scenario(text, source="my.toml")
        err = info.value
        assert doc == f"error: my.toml:700: {err.field}: {err.message}"


def test_documented_python_runs_and_doctests_pass():
    import doctest

    import burdenshare.scenario.sources as sources

    block = DOC_SECTION.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    for line in block.splitlines():
        code, _, expected = line.partition("#")
        if code.startswith("from"):
            exec(code, namespace)
        else:
            assert repr(eval(code, namespace)) == expected.strip()
    result = doctest.testmod(sources)
    assert result.attempted >= 3 and result.failed == 0
