"""The scenario builder (issue 10): refusals, determinism, no dependence on later rows, and the CLI path."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pytest

from _data_copy import copy_data
from burdenshare.builder import BuildError, build_scenario, parse_info_date, read_record
from burdenshare.builder.rules import rok_election_date, us_election_dates
from burdenshare.cli import main

D = dt.date.fromisoformat


def test_build_twice_is_byte_identical() -> None:
    assert build_scenario(10, D("2018-03-07"))[1] == build_scenario(10, D("2018-03-07"))[1]


def test_later_rows_do_not_change_the_build(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    before = build_scenario(10, D("2018-03-07"), data)[1]
    assert before == build_scenario(10, D("2018-03-07"))[1]
    with (data / "context.csv").open("a", encoding="utf-8") as f:
        f.write('us_initial_ask_2019,9999,USD million per year,2018-06-01,https://example.org,low,later row,S1\n')
        f.write('krw_usd_avg_2018,1500,KRW per USD (annual avg),2018,https://example.org,low,later row,S1\n')
    with (data / "polls.csv").open("a", encoding="utf-8") as f:
        f.write("CCGA-2018-12,X,,,2018-12-20,,,,q,,Accept,50,all,low,,S1,https://example.org\n")
    with (data / "national_assembly.csv").open("a", encoding="utf-8") as f:
        f.write("sma_vote,20th,2018-06-01,later vote,x,,,,,200.0,150.0,30.0,20.0,low,,S1,https://example.org\n")
    assert build_scenario(10, D("2018-03-07"), data)[1] == before
    # and the rows do count once they are known
    later = read_record(D("2018-06-02"), data)
    assert [r["value"] for r in later.rows("context") if r["key"] == "us_initial_ask_2019"] == ["1000", "9999"]
    assert not [r for r in read_record(D("2018-05-31"), data).rows("context") if r["value"] == "9999"]
    sc, _ = build_scenario(10, D("2018-06-02"), data)
    assert sc.levers.us_ask_usd == 9_999_000_000.0


def test_rows_known_at_the_date_are_used() -> None:
    sc, _ = build_scenario(10, D("2018-03-09"))
    assert sc.levers.us_ask_usd == 1_000_000_000.0           # context.csv:us_initial_ask_2019, dated 2018-03-09
    assert sc.cost_model.current_agreement_krw == 960.2e9     # sma_annual_contributions.csv:2018
    assert sc.opinion.polls == []                             # no poll released by then: the wide prior
    assert sc.parties.host_executive.base_bloc == "liberal"   # Moon Jae-in from 2017-05-10
    sc9, _ = build_scenario(9, D("2013-07-31"))
    assert sc9.cost_model.current_agreement_krw == 869.5e9
    assert sc9.parties.host_executive.base_bloc == "conservative"
    assert sc9.legislature.periods[0].seats == {"conservative": 157, "liberal": 127, "progressive": 13, "independent": 3}
    assert sc9.protocol.deadline == D("2013-12-31")
    sc11, _ = build_scenario(11, D("2020-03-11"))
    assert sc11.opinion.polls[0] == "CCGA-2019-12"
    assert sc11.levers.election_date == D("2020-04-15")
    assert [e.date for e in sc11.events if e.kind == "us_election"] == [D("2020-11-03")]


def test_every_value_has_provenance() -> None:
    sc, text = build_scenario(11, D("2020-03-11"))
    assert "[provenance.values]" in text
    for key in ("levers.us_ask_usd", "cost_model.current_agreement_krw", "legislature.periods.0.seats",
                "protocol.deadline", "strategies.us.reservation_value_krw", "opinion.polls"):
        assert key in sc.provenance.values


@pytest.mark.parametrize(("n", "day", "needle"), [
    (10, "2014-01-01", "before SMA 9 was signed"),
    (10, "2019-04-01", "SMA 10 was already signed"),
    (1, "2000-01-01", "allowed: an SMA number >= 2"),
    (13, "2030-01-01", "no row for SMA 12"),
    (8, "2008-01-01", "SMA 7 has no signing_date"),
    # SMA 7's signing date is not found, but SMA 8 was signed on 2009-01-15: the talks on SMA 7
    # were over by then (it was built for 2013-2022 from the Assembly and polls of those years)
    (7, "2013-06-01", "SMA 8, which followed SMA 7, was already signed on 2009-01-15"),
    (7, "2022-01-01", "the talks on SMA 7 were over"),
    (11, "9999-12-31", "allowed: 1991-01-01..2100-12-31"),  # was an OverflowError traceback
    (11, "1900-01-01", "allowed: 1991-01-01..2100-12-31"),
])
def test_refusals(n: int, day: str, needle: str) -> None:
    with pytest.raises(BuildError, match=needle):
        build_scenario(n, D(day))


def test_cli_build_refuses_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.toml"
    assert main(["scenarios", "build", "--round", "10", "--as-of", "2014-01-01", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--as-of" in err and not out.exists()
    assert main(["scenarios", "build", "--round", "10", "--as-of", "2018-03-07", "--out", str(out)]) == 0
    first = out.read_bytes()
    assert main(["scenarios", "validate", str(out)]) == 0
    assert main(["scenarios", "build", "--round", "10", "--as-of", "2018-03-08", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_bytes() == first
    assert main(["scenarios", "build", "--round", "10", "--as-of", "2018-03-08", "--out", str(out), "--force"]) == 0
    assert out.read_bytes() != first


def test_missing_data_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(tmp_path)
    (data / "polls.csv").unlink()
    assert main(["scenarios", "build", "--round", "10", "--as-of", "2018-03-07", "--data", str(data)]) == 2
    assert "polls.csv" in capsys.readouterr().err


def test_calendar_rules() -> None:
    # Public Official Election Act Art. 34 reproduces the recorded election days
    assert rok_election_date(D("2012-05-30")) == D("2016-04-13")
    assert rok_election_date(D("2016-05-30")) == D("2020-04-15")
    assert rok_election_date(D("2008-05-30")) == D("2012-04-11")
    assert us_election_dates(D("2016-01-01"), D("2024-12-31")) == [
        (D("2016-11-08"), D("2017-01-20")), (D("2020-11-03"), D("2021-01-20")), (D("2024-11-05"), D("2025-01-20"))]
    assert parse_info_date("2015 (published 2018-05-24)") == D("2015-12-31")


def test_bundled_round_11_is_the_builders_output() -> None:
    bundled = resources.files("burdenshare.scenarios").joinpath("sma-2020.toml").read_text(encoding="utf-8")
    assert bundled == build_scenario(11, D("2020-03-11"), name="sma-2020")[1]


def _unc(scenario, param):  # type: ignore[no-untyped-def]
    return next(d for d in scenario.uncertainty if d.param == param)


def test_priors_read_the_deciles_of_the_recorded_increases() -> None:
    # SMAs 2-9 known on 2018-03-07: first-year increases (%), oracle quantiles by numpy (type 7)
    import numpy as np

    incs = [18.2, 10.0, 6.0, 25.7, -8.9, 6.6, 2.5, 5.8]
    q10, q50, q90 = (float(np.percentile(incs, p)) / 100 for p in (10, 50, 90))
    s = build_scenario(10, D("2018-03-07"))[0]
    c = s.cost_model.current_agreement_krw
    us, rok = _unc(s, "strategies.us.reservation_value_krw"), _unc(s, "strategies.rok.reservation_value_krw")
    # on the level-equivalent scale: times the CPI-linked status quo's factor at the focal 3-year term
    from burdenshare.agreement import level_factors

    f = float(level_factors(s, [3])[0])
    assert 1.01 < f < 1.04
    assert (us.low, us.high) == (round(f * c * (1 + q10), -9), round(f * c * (1 + q50), -9))
    assert (rok.low, rok.high) == (round(f * c * (1 + q50), -9), round(f * c * (1 + q90), -9))
    # no US ask known on 2018-03-07 (reported 2018-03-09): the ask is the upper decile at the latest rate
    assert s.levers.us_ask_usd == round(c * (1 + q90) / s.cost_model.exchange_rates_krw_per_usd[2019] / 1e6) * 1e6


def test_concession_deadline_and_obstinacy_from_the_record() -> None:
    # expiry-to-signing lags known on 2018-03-07: SMA 3 -37, 5 +94, 6 +160, 8 +15, 9 +33 days: median 33
    s = build_scenario(10, D("2018-03-07"))[0]
    assert s.strategies["us"].concession_deadline == s.strategies["rok"].concession_deadline == D("2019-02-02")
    ob = _unc(s, "strategies.us.obstinate_probability")
    assert (ob.a, ob.b) == (0.5, 9.5)  # SMAs 1-9 all ended in an agreement: Beta(1/2, 9 + 1/2)
    assert s.strategies["us"].obstinate_probability == 0.05
    # past the expiry plus the median lag (SMA 10 adds +67: median 50 days, 2020-02-19): no deadline
    s11 = build_scenario(11, D("2020-03-11"))[0]
    assert s11.strategies["us"].concession_deadline is None
    # the US election of 2020-11-03 is inside the horizon: the successor's floor is drawn from the
    # US negotiator's prior
    after = _unc(s11, "parties.principal.reservation_value_after_change_krw")
    us = _unc(s11, "strategies.us.reservation_value_krw")
    assert (after.dist, after.low, after.high) == ("uniform", us.low, us.high)


def test_seats_after_an_election_are_drawn_with_the_recorded_swing() -> None:
    # 2012 -> 2016 seat changes by bloc (of 300): liberal -4, conservative -35, centrist +38,
    # progressive -7, independents +8; RMS share change sqrt(2798 / 5) / 300
    s = build_scenario(11, D("2020-03-11"))[0]
    swing = (2798 / 5) ** 0.5 / 300
    pre, post = s.legislature.periods[0].seats, s.legislature.periods[1].seats
    assert pre == post
    for bloc, n in pre.items():
        d = _unc(s, f"legislature.periods.1.seats.{bloc}")
        assert (d.dist, d.mean, d.sd, d.low, d.high) == ("truncnorm", n, round(swing * s.legislature.total_seats, 1),
                                                         0.0, s.legislature.total_seats)


def test_macro_paths_known_at_the_date() -> None:
    from burdenshare.builder.paths import macro_path

    rec = read_record(D("2018-03-07"))
    cpi = macro_path(rec, "rok_cpi_inflation_pct", "rate", range(2019, 2024))
    known = [2.9, 4.0, 2.2, 1.3, 1.3, 0.7, 1.0, 1.9]  # 2010-2017; 2018 is known only from its end
    assert sorted(cpi.known) == list(range(2010, 2018)) and list(cpi.known.values()) == known
    assert cpi.projected[2019] == (round(sum(known) / 8, 3), round(__import__("statistics").stdev(known), 3))
    budget = macro_path(rec, "rok_defense_budget", "level", range(2019, 2024))
    assert max(budget.known) == 2017 and min(budget.projected) == 2019
    s = build_scenario(10, D("2018-03-07"))[0]
    assert any(a.startswith("path rok_cpi_inflation_pct") for a in s.provenance.assumptions)


def test_escalator_family_reads_the_recorded_rules() -> None:
    from burdenshare.builder.schedule import allowed_terms, escalator_family

    rules = {r["sma_number"]: r["annual_increase_rule"] for r in read_record(D("2020-03-11")).rows("sma_history")}
    got = {n: escalator_family(rules[n]).as_dict() for n in ("3", "4", "5", "6", "7", "8", "9", "10")}
    assert got == {
        "3": {"kind": "fixed", "rate_pct": 10.0},  # fixed +10 % a year
        "4": {"kind": "none"},  # nominal GNP: no kind of cost_model.escalator
        "5": {"kind": "cpi", "rate_pct": 8.8, "lag_years": 2},  # +8.8 % plus CPI of two years earlier
        "6": {"kind": "none"},  # flat
        "7": {"kind": "cpi"},
        "8": {"kind": "cpi", "cap_pct": 4.0, "lag_years": 2},
        "9": {"kind": "cpi", "cap_pct": 4.0, "lag_years": 2},
        "10": {"kind": "none"},  # single-year
    }
    assert allowed_terms([3, 2, 3, 3, 3, 2, 2, 5, 5, 1, 12]) == [1, 2, 3, 5]


def test_built_schedule_is_the_status_quo_family_with_projected_index() -> None:
    import statistics

    from burdenshare.agreement import level_factors

    scenario, _ = build_scenario(10, D("2018-03-07"))
    esc = scenario.cost_model.escalator
    # SMA 9's rule: CPI inflation of two years earlier, capped at 4 %
    assert (esc.kind, esc.cap_pct, esc.lag_years) == ("cpi", 4.0, 2)
    assert scenario.agreement_space.escalators == ["cpi"]
    # CPI 2010-2017 is known on 2018-03-07 (each year from its end); 2018-2021 are projected at their mean
    known = [r for r in read_record(D("2018-03-07")).rows("macro_series") if r["key"] == "rok_cpi_inflation_pct"]
    assert sorted(int(r["year"]) for r in known) == list(range(2010, 2018))
    mean = round(statistics.fmean(float(r["value"]) for r in known), 3)
    assert scenario.cost_model.index_growth_pct == {"cpi": {2018: mean, 2019: mean, 2020: mean, 2021: mean}}
    assert "cost_model.index_growth_pct" in scenario.provenance.values
    # the run values the schedule: a 5-year term grows at the projected CPI (below the cap) from year 2
    terms = sorted(scenario.levers.allowed_durations)
    f = level_factors(scenario, terms)
    assert terms == [2, 3, 5] and all(1.0 < a < b for a, b in zip(f, f[1:]))
    r = scenario.cost_model.discount_rate
    for m, fm in zip(terms, f):
        growth = [(1 + mean / 100) ** i for i in range(m)]
        disc = [(1 + r) ** -i for i in range(m)]
        assert fm == pytest.approx(sum(g * d for g, d in zip(growth, disc)) / sum(disc))
    # the priors are level equivalents: the record's first-year increases times the factor at the focal (middle) term
    from burdenshare.builder.rules import record_deciles

    hist = [r for r in read_record(D("2018-03-07")).rows("sma_history") if r["pct_change_first_year_vs_prior_year"]]
    lo, med, _ = record_deciles([float(r["pct_change_first_year_vs_prior_year"]) for r in hist])
    cur = scenario.cost_model.current_agreement_krw
    us = _unc(scenario, "strategies.us.reservation_value_krw")
    assert (us.low, us.high) == (round(cur * (1 + lo) * f[1], -9), round(cur * (1 + med) * f[1], -9))
    # round 11: SMA 10 was a single-year agreement, so the status quo has no escalator
    assert build_scenario(11, D("2020-03-11"))[0].cost_model.escalator.kind == "none"


def test_defense_budget_family_projects_the_mean_log_growth() -> None:
    import doctest
    import math
    import statistics

    from burdenshare.builder import schedule
    from burdenshare.builder.schedule import Family, index_growth_assumptions

    rec = read_record(D("2020-03-11"))
    levels = {int(r["year"]): float(r["value"]) for r in rec.rows("macro_series") if r["key"] == "rok_defense_budget"}
    levels.update({int(r["key"][-4:]): float(r["value"]) for r in rec.rows("context")
                   if r["key"].startswith("rok_defense_budget_") and int(r["key"][-4:]) not in levels})
    ys = sorted(levels)
    logs = [100 * math.log(levels[b] / levels[a]) for a, b in zip(ys, ys[1:]) if b == a + 1]
    growth, sd, _ = index_growth_assumptions(rec, Family("defense_budget"), 2021, 4)
    # the escalator reads the growth of 2022-2024 (lag 0), none known in 2020: each at the mean log growth
    assert sorted(growth) == [2022, 2023, 2024]
    assert growth[2022] == round(100 * math.expm1(statistics.fmean(logs) / 100), 3)
    assert sd[2022] == round(statistics.stdev(logs), 3)
    assert doctest.testmod(schedule).failed == 0
