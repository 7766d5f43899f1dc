"""Scenario format: bundled scenarios, round-trip, overrides, and error reporting (field + line)."""

from __future__ import annotations

import math
import tomllib
from datetime import date
from pathlib import Path

import pytest

from burdenshare import data
from burdenshare.errors import ScenarioError
from burdenshare.scenario import (
    SCHEMA_VERSION,
    Scenario,
    dump_scenario,
    list_scenarios,
    load_scenario,
    loads_scenario,
    scenario_hash,
    validate_dict,
    validate_file,
)
from burdenshare.scenario.io import key_lines, parse_override
from burdenshare.scenario.schema import DATE_MAX, DATE_MIN

BUNDLED = [name for name, _ in list_scenarios()]
SMA_TEXT = (Path(__file__).resolve().parents[1] / "src/burdenshare/scenarios/sma-2020-hindsight.toml").read_text(
    encoding="utf-8"
)


def sma(*overrides: str) -> Scenario:
    return load_scenario("sma-2020-hindsight", overrides)


def error_of(fn, *args, **kwargs) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        fn(*args, **kwargs)
    return info.value


def replace_line(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


# --------------------------------------------------------------------------- bundled


def test_sma_2020_is_bundled_with_a_title():
    names = dict(list_scenarios())
    assert "sma-2020-hindsight" in names
    assert "11th SMA" in names["sma-2020-hindsight"]


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_scenario_validates_and_round_trips(name, tmp_path):
    scenario = load_scenario(name)
    assert scenario.schema_version == SCHEMA_VERSION
    assert scenario.name == name
    text = dump_scenario(scenario)
    again = loads_scenario(text)
    assert again == scenario
    assert scenario_hash(again) == scenario_hash(scenario)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    assert validate_file(path) == scenario
    assert dump_scenario(load_scenario(str(path))) == text


def test_scenario_is_frozen():
    scenario = sma()
    with pytest.raises(Exception):
        scenario.levers.transparency = 0.5  # type: ignore[misc]


def test_hash_is_sha256_hex_and_changes_with_content():
    a, b = sma(), sma("levers.transparency=0.8")
    assert len(scenario_hash(a)) == 64 and int(scenario_hash(a), 16) >= 0
    assert scenario_hash(a) == scenario_hash(sma())
    assert scenario_hash(a) != scenario_hash(b)


def test_sma_2020_key_facts():
    s = sma()
    cm = s.cost_model
    assert cm.current_agreement_krw == pytest.approx(1_038.9e9)
    assert s.levers.us_ask_usd == pytest.approx(5e9)
    assert s.levers.as_of == date(2020, 3, 11)
    assert s.levers.furlough_from == date(2020, 4, 1)
    assert s.levers.election_date == date(2020, 4, 15)
    assert s.protocol.deadline == date(2019, 12, 31)
    assert s.protocol.overtime.drawdown_floor_troops == 28_500
    assert math.fsum(c.share_of_ask for c in cm.categories) == pytest.approx(1.0, abs=1e-9)
    covered = {c.id: c.share_of_ask for c in cm.categories if c.status == "covered"}
    # 2018 covered amounts 371.0 / 444.2 / 145.0 bn won, scaled to (5 - 3) / 5 of the ask
    assert covered["labor"] == pytest.approx(0.4 * 371.0 / 960.2, abs=1e-12)
    assert covered["construction"] == pytest.approx(0.4 * 444.2 / 960.2, abs=1e-12)
    assert covered["logistics"] == pytest.approx(0.4 * 145.0 / 960.2, abs=1e-12)
    assert all(c.assumption for c in cm.categories if c.status == "sought")
    assert s.strategies["rok"].opening_offer_krw == pytest.approx(1_038.9e9 * 1.10)
    events = {e.id: e for e in s.events}
    assert events["new-assembly-2020"].date == date(2020, 5, 30)
    assert events["us-election-2020"].date == date(2020, 11, 3)
    assert events["us-inauguration-2021"].date == date(2021, 1, 20)
    assert events["furlough-2020"].parameters["workers"] == 4000
    assert events["furlough-2020"].parameters["workforce"] == 9000
    assert s.legislature.quorum == 151 and s.legislature.total_seats == 300


def test_sma_2020_numbers_match_the_bundled_data():
    s = sma()
    assert s.cost_model.current_agreement_krw == pytest.approx(data.sma_contribution_krw(2019))
    assert s.levers.us_ask_usd == pytest.approx(data.fact("us_initial_ask_2020").value * 1e6)
    # period 0 applies the 2020-03-27 snapshot from 2020-02-24 (a labelled assumption)
    for period, snapshot_date in zip(s.legislature.periods, ["2020-03-27", "2020-05-30"], strict=True):
        snapshot = data.seats_by_bloc(snapshot_date)
        expected = {k: v for k, v in snapshot.seats.items() if v}
        if snapshot.unattributed:
            expected["unattributed"] = snapshot.unattributed
        assert {k: v for k, v in (period.seats or {}).items() if v} == expected
    # years the scenario assumes a rate for are exactly years outside the data
    assert not set(s.cost_model.exchange_rates_krw_per_usd) & set(data.exchange_rate_years())
    # the conservative-seat distribution spans the data's reported range
    low_high = data.seats_by_bloc("2020-03-27")
    dist = next(u for u in s.uncertainty if u.param == "legislature.periods.0.seats.conservative")
    assert (dist.low, dist.high) == (low_high.seats_low["conservative"], low_high.seats_high["conservative"])


def test_date_range_covers_the_data():
    assert DATE_MIN == date(1991, 1, 1)
    assert min(data.seat_snapshot_dates()) >= DATE_MIN
    assert max(data.seat_snapshot_dates()) <= DATE_MAX
    assert max(data.exchange_rate_years()) <= DATE_MAX.year


def test_every_number_in_sma_2020_is_traced_or_labelled():
    """Each value line with a digit carries `src:`, `computed:` or `assumption`, except inside
    [[uncertainty]] blocks, whose `source` says where the distribution comes from."""
    untraced = []
    for number, line in enumerate(SMA_TEXT.splitlines(), start=1):
        stripped = line.strip()
        if stripped == "[provenance.values]":
            break  # the machine-readable map (tests/test_provenance.py checks it)
        if not stripped or stripped.startswith("#") or "=" not in stripped:
            continue
        key, value = stripped.split("=", 1)
        value = value.split("#", 1)[0]
        if not any(ch.isdigit() for ch in value) or key.strip() in {
            "schema_version",
            "id",
            "label",
            "source",
            "name",
            "title",
        }:
            continue
        if value.strip().startswith('"'):
            continue
        comment = line.split("#", 1)[1] if "#" in line else ""
        if any(tag in comment for tag in ("src:", "computed:", "assumption", "first year")):
            continue
        untraced.append((number, stripped))
    # lines inside [[uncertainty]] blocks are traced by their `source` line (checked below)
    uncertainty_lines = set()
    current = None
    for number, line in enumerate(SMA_TEXT.splitlines(), start=1):
        if line.startswith("[["):
            current = line.strip()
        elif line.startswith("["):
            current = None
        if current == "[[uncertainty]]":
            uncertainty_lines.add(number)
    leftover = [(n, s) for n, s in untraced if n not in uncertainty_lines]
    assert leftover == []
    for dist in sma().uncertainty:
        assert dist.source.startswith(("assumption", "src:")), dist.param


# --------------------------------------------------------------------------- overrides


def test_override_list_date_float_string_and_nested():
    s = sma(
        "levers.allowed_durations=[1,3,5]",
        "levers.furlough_from=2020-06-01",
        "levers.transparency=0.8",
        'strategies.us.kind="hardliner"',
        "cost_model.escalator.kind=fixed",
        "cost_model.escalator.rate_pct=7",
        "legislature.periods.0.seats.conservative=110",
    )
    assert s.levers.allowed_durations == [1, 3, 5]
    assert s.levers.furlough_from == date(2020, 6, 1)
    assert s.levers.transparency == 0.8
    assert s.strategies["us"].kind == "hardliner"
    assert s.cost_model.escalator.kind == "fixed" and s.cost_model.escalator.rate_pct == 7.0
    assert s.legislature.periods[0].seats["conservative"] == 110


def test_override_bare_word_is_a_string():
    assert sma("levers.furlough_from=none").levers.furlough_from == "none"
    assert sma('levers.furlough_from="none"').levers.furlough_from == "none"
    assert parse_override("a.b=none") == (["a", "b"], "none")
    assert parse_override("a.b=[1, 2]") == (["a", "b"], [1, 2])
    assert parse_override("a.b = 2020-01-02") == (["a", "b"], date(2020, 1, 2))
    assert parse_override("a.b=x = 1") == (["a", "b"], "x = 1")


def test_override_sets_an_optional_field_absent_from_the_file():
    s = sma("strategies.us.opening_offer_krw=5e12")
    assert s.strategies["us"].opening_offer_krw == 5e12


def test_overrides_change_the_hash_but_round_trip():
    s = sma("levers.transparency=0.5", "levers.allowed_durations=[3]")
    assert loads_scenario(dump_scenario(s)) == s


@pytest.mark.parametrize(
    "override, field_part",
    [
        ("levers.nope=1", "--set levers.nope=1"),
        ("nope=1", "--set nope=1"),
        ("levers", "--set levers"),
        ("=1", "--set =1"),
        ("levers..transparency=1", "--set levers..transparency=1"),
        ("levers.transparency=", "--set levers.transparency="),
        ("legislature.periods.9.from=2020-01-01", "--set legislature.periods.9.from=2020-01-01"),
        ("levers.transparency.x=1", "--set levers.transparency.x=1"),
    ],
)
def test_malformed_or_unknown_override_names_the_override(override, field_part):
    err = error_of(sma, override)
    assert err.field == field_part
    assert err.one_line().startswith(field_part)


def test_invalid_override_value_names_field_and_override():
    err = error_of(sma, "levers.transparency=1.5")
    assert err.field == "levers.transparency"
    assert "--set levers.transparency=1.5" in err.message
    assert err.line is None
    assert err.source == "sma-2020-hindsight"


# --------------------------------------------------------------------------- validation errors


@pytest.mark.parametrize(
    "override, field, words",
    [
        ("levers.us_ask_usd=-5", "levers.us_ask_usd", "greater than 0"),
        ("levers.transparency=-0.1", "levers.transparency", "greater than or equal to 0"),
        ("levers.allowed_durations=[0, 1]", "levers.allowed_durations.0", "greater than or equal to 1"),
        ("levers.allowed_durations=[]", "levers.allowed_durations", "at least 1"),
        ("levers.allowed_durations=[1, 9]", "levers.allowed_durations.1", "1..5"),
        ("levers.allowed_durations=[1, 1]", "levers.allowed_durations", "unique"),
        ("levers.election_date=2101-01-01", "levers.election_date", "outside the data range"),
        ("levers.furlough_from=2021-06-01", "levers.furlough_from", "after protocol.horizon"),
        ("levers.furlough_from=soon", "levers.furlough_from", "date"),
        ("protocol.horizon=2020-01-01", "protocol.horizon", "before levers.as_of"),
        ("protocol.n_steps=500", "protocol.n_steps", "rounds"),
        ("agreement_space.amount_min_krw=7e12", "agreement_space.amount_min_krw", "min <= max"),
        ("agreement_space.amount_step_krw=1", "agreement_space.amount_step_krw", "at most"),
        ("agreement_space.amount_n=10", "agreement_space.amount_step_krw", "exactly one"),
        ('agreement_space.categories=["labor", "bogus"]', "agreement_space.categories.1", "unknown category"),
        ("cost_model.categories.0.share_of_ask=0.3", "cost_model.categories", "sums to"),
        (
            "cost_model.categories.0.share_of_ask=1.3",
            "cost_model.categories.0.share_of_ask",
            "less than or equal to 1",
        ),
        ("cost_model.current_agreement_krw=-1", "cost_model.current_agreement_krw", "greater than 0"),
        ('cost_model.escalator.kind="magic"', "cost_model.escalator.kind", "'none'"),
        ("cost_model.escalator.rate_pct=3", "cost_model.escalator.kind", "'none' takes no rate_pct"),
        ("opinion.reading=sideways", "opinion.reading", "'main' or 'alt'"),
        ("opinion.groups.0.population_share=0.9", "opinion.groups", "sums to"),
        ("legislature.quorum=400", "legislature.quorum", "exceeds total_seats"),
        ("legislature.periods.1.from=2020-01-01", "legislature.periods.1.from", "not after"),
        ("legislature.periods.0.from=2020-04-01", "legislature.periods.0.from", "cover as_of"),
        ("legislature.periods.0.seats.martians=3", "legislature.periods.0.seats.martians", "unknown bloc"),
        ("legislature.periods.0.seats.liberal=200", "legislature.periods.0.seats", "at most total_seats"),
        ("strategies.us.kind=conceder", "strategies.us.exponent", "conceder needs exponent < 1"),
        ("strategies.us.discount_factor=0", "strategies.us.discount_factor", "greater than 0"),
        (
            "strategies.us.obstinate_probability=2",
            "strategies.us.obstinate_probability",
            "less than or equal to 1",
        ),
        (
            'strategies.japan={kind="linear", reservation_value_krw=1.0, discount_factor=0.9}',
            "strategies.japan",
            "unknown negotiator",
        ),
        ('uncertainty.0.param="strategies.us.bogus"', "uncertainty.0.param", "not a field"),
        ('uncertainty.0.param="levers.furlough_from"', "uncertainty.0.param", "needs a number"),
        ("uncertainty.0.high=1e9", "uncertainty.0.low", "not below high"),
        ("uncertainty.4.high=1.5", "uncertainty.4", "leaves the range"),
        ('uncertainty.0.param="strategies.rok.reservation_value_krw"', "uncertainty.1.param", "already has"),
        ("events.2.date=2020-04-01", "events.2.date", "levers.furlough_from"),
        ("events.0.date=1980-01-01", "events.0.date", "outside the data range"),
        ("levers.election_date=2020-06-01", "events.4.date", "after levers.election_date"),
        ("events.6.date=2020-10-01", "events.6.date", "after the us_election"),
        ("protocol.first_proposer=japan", "protocol.first_proposer", "unknown government"),
        ("parties.host_executive.base_bloc=martians", "parties.host_executive.base_bloc", "unknown bloc"),
        ("parties.governments.0.role=host", "parties.governments", "exactly one 'proposer'"),
        (
            "protocol.overtime.drawdown_floor_troops=30000",
            "protocol.overtime.drawdown_floor_troops",
            "above troop_level",
        ),
        ("schema_version=2", "schema_version", "supported: 1"),
    ],
)
def test_validation_errors_name_the_field(override, field, words):
    err = error_of(sma, override)
    assert err.field == field, err.one_line()
    if words:
        assert words in err.message, err.one_line()
    assert err.source == "sma-2020-hindsight"
    assert "\n" not in err.one_line()


def test_deadline_before_as_of_is_allowed_overtime():
    s = sma()
    assert s.protocol.deadline < s.levers.as_of  # talks are in overtime on as_of


def test_election_after_the_horizon_is_allowed_but_furlough_is_not():
    s = sma("levers.election_date=2022-01-01", "events.4.date=2022-06-01")
    assert s.levers.election_date > s.protocol.horizon
    assert "after protocol.horizon" in error_of(sma, "levers.furlough_from=2022-01-01").message


def test_round_dates_form():
    s = sma("protocol.rounds={dates = [2020-03-18, 2020-04-20, 2020-06-01]}", "protocol.n_steps=3")
    assert s.protocol.rounds.schedule(s.protocol.horizon) == [
        date(2020, 3, 18),
        date(2020, 4, 20),
        date(2020, 6, 1),
    ]
    err = error_of(sma, "protocol.rounds={dates = [2020-03-18, 2020-03-01]}", "protocol.n_steps=1")
    assert err.field == "protocol.rounds.dates.1"
    err = error_of(sma, "protocol.rounds={dates = [2020-03-18], start = 2020-03-18, interval_days = 3}")
    assert err.field == "protocol.rounds" and "not both" in err.message
    err = error_of(sma, "protocol.rounds={dates = [2020-03-18, 2029-01-01]}", "protocol.n_steps=1")
    assert err.field == "protocol.rounds.dates.1"


# --------------------------------------------------------------------------- file errors and lines


def test_unknown_bundled_name_lists_bundled_names():
    err = error_of(load_scenario, "sma-2099")
    assert "sma-2020-hindsight" in err.message and "bundled" in err.message


def test_missing_file(tmp_path):
    err = error_of(load_scenario, tmp_path / "nope.toml")
    assert "no such" in err.message and err.source.endswith("nope.toml")


def test_directory_and_non_utf8(tmp_path):
    assert "directory" in error_of(load_scenario, str(tmp_path) + "/").message
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'name = "\xff"\n')
    assert "UTF-8" in error_of(load_scenario, bad).message


def test_toml_syntax_error_reports_line(tmp_path):
    text = replace_line(SMA_TEXT, "transparency = 0.0 ", "transparency = = 0.0 ")
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    err = error_of(load_scenario, path)
    assert err.line == line_of(text, "transparency = = 0.0")
    assert "invalid TOML" in err.message and "column" in err.message
    assert err.one_line().startswith(f"{path}:{err.line}: ")


def test_toml_error_at_end_of_document():
    err = error_of(loads_scenario, "schema_version = 1\nname = ", source="x.toml")
    assert err.line == 2 and err.source == "x.toml"


def test_unknown_key_names_field_line_and_allowed_keys():
    text = replace_line(SMA_TEXT, "transparency = 0.0 ", "transparancy = 0.0 ")
    err = error_of(loads_scenario, text, source="t.toml")
    # the first error pydantic reports is the missing field or the unknown key; both name levers
    assert err.field in ("levers.transparency", "levers.transparancy")
    text2 = replace_line(SMA_TEXT, "[levers]\n", "[levers]\ncolour = 3\n")
    err2 = error_of(loads_scenario, text2, source="t.toml")
    assert err2.field == "levers.colour"
    assert err2.line == line_of(text2, "colour = 3")
    assert "unknown key" in err2.message and "transparency" in err2.message


def test_value_error_line_points_at_the_key():
    text = replace_line(SMA_TEXT, "transparency = 0.0 ", "transparency = 7.0 ")
    err = error_of(loads_scenario, text, source="t.toml")
    assert (err.field, err.line) == ("levers.transparency", line_of(text, "transparency = 7.0"))
    assert err.one_line() == f"t.toml:{err.line}: levers.transparency: {err.message}"


def test_line_of_a_field_in_an_array_of_tables():
    text = replace_line(SMA_TEXT, "from = 2020-05-30", "from = 2020-01-30")
    err = error_of(loads_scenario, text, source="t.toml")
    assert err.field == "legislature.periods.1.from"
    assert err.line == line_of(text, "from = 2020-01-30")


def test_line_of_a_cross_section_error():
    text = replace_line(
        SMA_TEXT,
        'share_of_ask = 0.2   # assumption: one third of the new-item share 0.6\nsource = "cost_categories.csv: Rotational',
        'share_of_ask = 0.3   # assumption: one third of the new-item share 0.6\nsource = "cost_categories.csv: Rotational',
    )
    err = error_of(loads_scenario, text, source="t.toml")
    assert err.field == "cost_model.categories"
    first_header = text.splitlines().index("[[cost_model.categories]]") + 1
    assert err.line == first_header


def test_unknown_key_in_a_distribution_lists_that_distribution_keys():
    err = error_of(sma, "uncertainty.0.mean=3")
    assert err.field == "uncertainty.0.mean"
    assert "low, high" in err.message and "sd" not in err.message


def test_overrides_may_be_none_or_one_string():
    assert load_scenario("sma-2020-hindsight", None) == sma()
    assert load_scenario("sma-2020-hindsight", "levers.transparency=0.5").levers.transparency == 0.5


def test_missing_section_and_schema_version():
    raw = tomllib.loads(SMA_TEXT)
    del raw["levers"]
    err = error_of(validate_dict, raw)
    assert err.field == "levers" and "missing" in err.message
    raw = tomllib.loads(SMA_TEXT)
    del raw["schema_version"]
    err = error_of(validate_dict, raw)
    assert err.field == "schema_version" and "supported: 1" in err.message
    err = error_of(
        loads_scenario, SMA_TEXT.replace("schema_version = 1", "schema_version = 3"), source="v.toml"
    )
    assert err.field == "schema_version" and err.line == line_of(SMA_TEXT, "schema_version = 1")


def test_key_lines_tracks_arrays_of_tables():
    text = 'a = 1\n[x]\nb = 2\n[[y.z]]\nc = 3\n[[y.z]]\nc = 4\n"q".r = 5\n[w]\nd.e = { f = 1 }\n'
    lines = key_lines(text)
    assert lines[("a",)] == 1
    assert lines[("x", "b")] == 3
    assert lines[("y", "z", "0", "c")] == 5
    assert lines[("y", "z", "1", "c")] == 7
    assert lines[("y", "z", "1", "q", "r")] == 8
    assert lines[("w", "d", "e")] == 10


def test_seats_from_data_checks_the_data_range():
    raw = tomllib.loads(SMA_TEXT)
    period = raw["legislature"]["periods"][1]
    del period["seats"]
    period["seats_from_data"] = True
    s = validate_dict(raw)
    assert s.legislature.periods[1].seats_from_data
    raw["uncertainty"] = [u for u in raw["uncertainty"] if not u["param"].startswith("legislature.periods")]
    raw["legislature"]["periods"][0] = {"from": date(2012, 1, 1), "seats_from_data": True}
    raw["levers"]["as_of"] = date(2012, 6, 1)
    err = error_of(validate_dict, raw)
    assert err.field == "legislature.periods.0.from" and "no seat data" in err.message


def test_an_ask_over_the_cap_is_named_with_its_digits() -> None:
    """An ask one dollar over the cap read 'got 1e+12; allowed: at most 1e+12' (4 significant digits)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario("sma-2020", ["levers.us_ask_usd=1000000000001"])
    assert info.value.field == "levers.us_ask_usd"
    assert "got 1000000000001; allowed: at most 1000000000000 USD a year" in info.value.message
    assert load_scenario("sma-2020", ["levers.us_ask_usd=1e12"]).levers.us_ask_usd == 1e12  # the cap itself passes


def test_a_scenario_file_saved_with_a_bom_loads(tmp_path: Path) -> None:
    """A UTF-8 file with a byte-order mark (as some editors save it) was refused: 'invalid TOML:
    Invalid statement (column 1)'; it is the same scenario as without the mark."""
    text = dump_scenario(load_scenario("sma-2020"))
    plain, marked = tmp_path / "plain.toml", tmp_path / "bom.toml"
    plain.write_text(text, encoding="utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert scenario_hash(load_scenario(str(marked))) == scenario_hash(load_scenario(str(plain)))
    (tmp_path / "bad.toml").write_bytes(b"\xef\xbb\xbf\xff")
    with pytest.raises(ScenarioError, match=r"not UTF-8 text \(byte 3\)"):  # counted in the file's bytes
        load_scenario(str(tmp_path / "bad.toml"))
