"""The bottom line (burdenshare.analysis.briefing): its numbers are the summary's, its dates the
scenario's round dates, its drivers paired differences on common draws equal to `compare`'s, and its
explanations of surprising answers (the ask at transparency 0 and 1) follow from the model."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from burdenshare.analysis.briefing import GLOSSARY, TORNADO_BANK, bank_prefix, bottom_line, tornado
from burdenshare.analysis.compare import Variant, compare
from burdenshare.cli import main
from burdenshare.costs import krw_per_usd
from burdenshare.engine import simulate
from burdenshare.opinion.transparency import justified_amount_krw
from burdenshare.scenario import load_scenario

DRAWS, TD = 2048, 1024


@pytest.fixture(scope="module")
def result():
    return simulate(load_scenario("sma-2020-hindsight"), draws=DRAWS, seed=0)


@pytest.fixture(scope="module")
def brief(result):
    return bottom_line(result, tornado_draws=TD)


def test_numbers_are_the_summarys(result, brief):
    s = result.summary()
    j = brief.to_json()
    assert j["p_ratified"] == s["p_ratified"]
    assert j["p_no_deal_by_horizon"] == 1.0 - s["p_ratified"]
    assert j["amount_krw"] == s["amount_first_year_krw"]["p50"]
    assert j["increase_pct"] == s["increase_pct"]["p50"]
    assert j["amount_usd"] == pytest.approx(j["amount_krw"] / krw_per_usd(2020, {}), rel=1e-12)
    assert j["horizon"] == "2021-03-31"
    # the window: calendar dates of the 10th and 90th percentile ratified signing rounds
    dates = [d.isoformat() for d in result.plan.round_dates]
    k = np.sort(result.outcomes["signed_round"][result.outcomes["ratified"] == 1])
    assert j["window"] == [dates[k[int(0.1 * (k.size - 1))]], dates[k[int(np.ceil(0.9 * (k.size - 1)))]]]
    assert j["window"][0] >= "2021-01-20"  # agreement comes after the change of administration (docs/simulation.md §5)
    # the text says the numbers
    assert f"P(ratified) {s['p_ratified']:.3f}" in j["text"]
    assert f"KRW {s['amount_first_year_krw']['p50'] / 1e9:,.0f} bn" in j["text"]
    assert j["window"][0] in j["text"] and j["most_likely"] in j["text"]
    # the likeliest of three exclusive outcomes
    p_none = 1.0 - s["p_agreement"]
    assert j["most_likely"].startswith("no signed text") == (p_none > max(s["p_ratified"], s["p_agreement"] - s["p_ratified"]))


def test_first_draws_of_a_run_are_a_shorter_run(result):
    """The tornado's baseline is the first n draws of the run: the same draws as an n-draw run."""
    short = simulate(load_scenario("sma-2020-hindsight"), draws=TD, seed=0)
    for k, v in short.outcomes.items():
        assert np.array_equal(v, result.outcomes[k][:TD], equal_nan=True), k


def test_a_banks_prefix_is_the_smaller_bank(result):
    """The tornado's bank (the run's first TORNADO_BANK members) is the bank `prepare` builds at that size."""
    from burdenshare.engine import RunConfig, prepare

    from burdenshare.engine.record_vote import specified_table

    small = prepare(load_scenario("sma-2020-hindsight"), RunConfig(draws=TD, seed=0, bank_size=TORNADO_BANK)).bank
    cut = bank_prefix(result.bank, TORNADO_BANK)
    assert result.bank.table.shape[0] > TORNADO_BANK
    for name in ("values", "winset", "base_log_median"):
        assert np.array_equal(getattr(cut, name), getattr(small, name)), name
    # the tables as specified (each bank then conditions its floor vote on the record itself:
    # engine.record_vote; the win-set at 1/2 does not depend on that)
    assert np.array_equal(specified_table(cut), specified_table(small))


def test_drivers_are_compares_paired_differences(brief):
    """Each step equals `burdenshare compare` on the same draws, including the steps that reuse the
    consent bank (the ask at transparency 0; a sliced bank for fewer durations)."""
    steps = {st["override"]: st for d in brief.tornado for st in d.steps}
    assert set(steps) == {"levers.transparency=1.0", "levers.us_ask_usd=2500000000.0", "levers.furlough_from='none'",
                          "levers.allowed_durations=[1]"}
    # the tornado runs on the bank's first TORNADO_BANK members: compare with that bank size
    c = compare("sma-2020-hindsight", [Variant(k, (k,)) for k in steps], draws=TD, seed=0, bank_size=TORNADO_BANK).to_json()
    for v in c["variants"]:
        want = v["differences"]["p_ratified"]
        got = steps[v["name"]]
        assert got["p_ratified"] == want["mean"] and got["lo"] == want["lo"] and got["hi"] == want["hi"], v["name"]
        assert v["common_draws"] and got["common_draws"]
    # transparency moves P(ratified) most and up; the drivers are the non-zero levers, largest first
    assert [d.lever for d in brief.drivers][0] == "levers.transparency" and brief.drivers[0].effect > 0.05
    effects = [abs(d.effect) for d in brief.drivers]
    assert effects == sorted(effects, reverse=True) and 0 < len(effects) <= 3
    assert "levers.us_ask_usd" not in [d.lever for d in brief.drivers]


def test_the_ask_at_transparency_0_changes_nothing_and_says_why(brief):
    ask = next(d for d in brief.tornado if d.lever == "levers.us_ask_usd")
    assert ask.effect == 0.0 and all(st["identical"] for st in ask.steps)
    assert "levers.transparency = 0" in ask.note and "concession deadline" in ask.note
    assert "strategies.us.concession_deadline 2020-04-01" in ask.note
    assert "Only the first 1 round(s)" in ask.note  # 2020-03-18 is the one round before 2020-04-01
    assert ask.note in brief.notes


def test_a_larger_ask_raises_p_ratified_under_transparency_and_says_why():
    r = simulate(load_scenario("sma-2020-hindsight", ["levers.transparency=1"]), draws=TD, seed=0)
    ask = next(d for d in tornado(r, draws=TD) if d.lever == "levers.us_ask_usd")
    half = ask.steps[0]
    assert half["override"] == "levers.us_ask_usd=2500000000.0" and half["p_ratified"] < -0.01 and half["hi"] < 0
    s5 = justified_amount_krw(load_scenario("sma-2020-hindsight", ["levers.transparency=1"]))
    assert f"KRW {s5 / 1e9:,.0f} bn at this ask" in ask.note and "docs/opinion.md" in ask.note
    assert f"{s5 / 1e9:,.0f}" == "3,246"  # docs/opinion.md §6: s = KRW 3,245.55 bn for the $5 bn ask


def test_run_json_and_terminal_open_with_the_bottom_line(tmp_path, capsys):
    store = str(tmp_path / "s.duckdb")
    assert main(["run", "sma-2020-hindsight", "--draws", "1024", "--store", store, "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    b = s["bottom_line"]
    assert set(b) >= {"text", "most_likely", "window", "amount_krw", "amount_usd", "increase_pct", "p_ratified",
                      "p_no_deal_by_horizon", "horizon", "drivers"}
    assert b["p_ratified"] == s["p_ratified"] and b["amount_krw"] == s["amount_first_year_krw"]["p50"]
    assert b["increase_pct"] == s["increase_pct"]["p50"]
    assert all(set(d) >= {"lever", "effect"} for d in b["drivers"])
    for day in b["window"]:
        dt.date.fromisoformat(day)
    # p_agreement_by runs to the horizon on the scenario's timeline, keeping the key dates
    by = s["p_agreement_by"]
    assert list(by)[:4] == ["2020-04-01", "2020-04-15", "2020-11-03", "2021-01-20"]
    assert list(by)[-1] == "2021-03-31" and by["2021-03-31"] == s["p_agreement"]
    assert main(["run", "sma-2020-hindsight", "--draws", "1024", "--store", store]) == 0
    out = capsys.readouterr().out
    assert out.lstrip().startswith("Most likely:")
    assert "USD" in out and "(2021-" in out  # USD beside won; rounds with their dates


def test_glossary_defines_what_the_summary_shows():
    for name in ("P(rejected by the President)", "expected lapses over H y", "P(ratified)",
                 "P(no ratified deal by the horizon)"):
        assert len(GLOSSARY[name]) > 30


def test_run_help_defines_every_metric(capsys):
    from burdenshare.analysis.glossary import GLOSSARY

    assert main(["run", "--help"]) == 0
    flat = " ".join(capsys.readouterr().out.replace("│", " ").split())
    for name, text in GLOSSARY.items():
        assert f"{name}: {' '.join(text.split())[:40]}" in flat, name


def test_advise_shows_the_change_from_today_and_the_escalators_rate(capsys):
    from burdenshare.analysis.advise import advise

    adv = advise(load_scenario("sma-2020-hindsight"), "host", 0.5)
    assert main(["advise", "sma-2020-hindsight", "--side", "host", "--min-consent", "0.5"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    inc = 100 * (adv.amount_krw / 1038.9e9 - 1)
    g = adv.growth_pct[adv.escalator]
    assert f"{inc:+.1f} % on today's KRW 1,038.9 bn" in out
    assert f"escalator {adv.escalator} ({g:+.1f} %/yr)" in out
    sched = adv.schedule_krw  # the agreement as signed, year by year (burdenshare.agreement)
    assert len(sched) == adv.duration_years and min(int(y) for y in sched) == 2020
    assert "schedule: " + ", ".join(f"{y} KRW {a / 1e9:,.0f} bn" for y, a in sched.items()) in out


def test_solve_numbers_rounds_as_the_run_does(capsys):
    """One numbering: round 1 is the first round (2020-03-18) in run, report and solve's table."""
    assert main(["solve", "sma-2020-hindsight"]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = next(ln for ln in lines if "2020-03-18" in ln and "│" in ln)
    assert first.split("│")[1].strip() == "1"
    feb = next(ln for ln in lines if "2021-02-11" in ln and "│" in ln)
    assert feb.split("│")[1].strip() == "12"  # the run's "12 (2021-02-11)"


def test_explain_labels_category_amounts_of_another_ask_honestly():
    """`explain --ask 1174.9e9 --currency KRW`: labour is 15.46 % of this ask (KRW 181.6 bn) while its cited
    row reads KRW 371.0 bn for 2018; the statement says the row is the basis of the share, with the formula."""
    from burdenshare.costs.statement import explain

    st = explain(load_scenario("sma-2020-hindsight"), ask=1174.9e9, currency="KRW")
    labour = next(i for i in st.items if i.category == "labor")
    assert round(labour.amount_krw / 1e9, 1) == 181.6 and "KRW 371.0 bn" in labour.source
    (note,) = [n for n in st.notes if n.startswith("the category shares")]
    assert "KRW 181.6 bn" in note and "0.4 * 371.0 / 960.2" in note and "KRW 371.0 bn" in note
    assert not [n for n in explain(load_scenario("sma-2020-hindsight")).notes if n.startswith("the category shares")]


def test_compare_says_why_the_ask_changes_nothing_at_transparency_0(capsys):
    """`compare --set levers.us_ask_usd=1.3e9` (and `run` with it) equals the baseline draw for draw; the
    output says why instead of leaving the reader with identical numbers."""
    assert main(["compare", "sma-2020-hindsight", "--set", "levers.us_ask_usd=1.3e9", "--draws", "1024"]) == 0
    err = capsys.readouterr().err
    assert "note: variant set: The US ask changes nothing here: at levers.transparency = 0" in err
    c = compare("sma-2020-hindsight", [Variant("t1", ("levers.us_ask_usd=1.3e9",))], base_overrides=["levers.transparency=1"],
                draws=1024, seed=0).to_json()
    assert c["variants"][0]["note"] == "" and c["variants"][0]["differences"]["p_ratified"]["mean"] != 0.0
