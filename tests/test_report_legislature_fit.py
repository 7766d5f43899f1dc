"""The report's legislature section shows the fit the model uses (report.legislature_fit):
the role fit with random attendance (legislature.vote_fit), not the earlier calibrate()."""

from __future__ import annotations

import datetime as dt
import types

import pytest

from burdenshare.engine import simulate
from burdenshare.legislature import calibrate, legislature_model
from burdenshare.legislature.record import recorded_votes
from burdenshare.legislature.vote_fit import fit_recorded_votes, leave_one_out
from burdenshare.report.data import report_data
from burdenshare.report.html import _calibration_table
from burdenshare.report.legislature_fit import legislature_fit
from burdenshare.scenario import load_scenario
from burdenshare.scenario.schema import Scenario


@pytest.fixture(scope="module")
def sma():
    return load_scenario("sma-2020-hindsight")


def test_fit_is_the_role_fit_the_model_uses(sma):
    day = dt.date(2020, 3, 18)
    fit = legislature_fit(sma, day)
    # the role fit of docs/legislature.md §5b (two votes before 2020-03-11), not rho_R = 0.95 / rho_O = 0.507
    assert fit["n_votes"] == 2 and fit["as_of"] == "2020-03-11"
    assert fit["attendance"] == pytest.approx(0.6455, abs=5e-5)
    assert fit["attendance_sd"] == pytest.approx(0.0196, abs=5e-5)
    assert fit["government_yes"] == pytest.approx(0.711, abs=5e-4)
    assert fit["opposition_yes"] == pytest.approx(0.730, abs=5e-4)
    # the run's legislature at the date uses exactly these numbers
    model = legislature_model(sma, day)
    used = fit["model"]
    assert used["ruling_bloc"] == "liberal"
    assert used["government_yes"] == fit["government_yes"]
    assert used["opposition_yes"] == fit["opposition_yes"]
    assert used["attendance_sd"] == model.attendance_sd == fit["attendance_sd"]
    # each recorded vote beside its in-sample and held-out predictions
    votes = recorded_votes("2020-03-11")
    ref = fit_recorded_votes(votes)
    loo = leave_one_out("2020-03-11")
    assert [(v["sma"], v["recorded"]["yes"], v["seated"] - v["recorded"]["absent"]) for v in fit["votes"]] == \
        [(9, 131, 192), (10, 139, 194)]
    for row, v, held in zip(fit["votes"], votes, loo):
        present, present_sd, yes, yes_sd = ref.predict(v)
        assert row["predicted"]["yes"] == pytest.approx(yes) and row["predicted_sd"]["yes"] == pytest.approx(yes_sd)
        assert row["predicted"]["absent"] == pytest.approx(v.seated - present)
        assert row["loo"]["yes"] == pytest.approx(held.predicted_yes)
        assert abs(row["predicted"]["yes"] - row["recorded"]["yes"]) < 2 * yes_sd  # in sample: within 2 sd
    html = _calibration_table(types.SimpleNamespace(votes={"calibration": fit}))
    assert "role fit with random attendance" in html and "government 0.711" in html and "opposition 0.730" in html
    assert "0.950" not in html and "held out" in html


def test_fixed_government_propensity_shows_the_fixed_fit(sma):
    """A scenario that fixes rho_R gets the fit with rho_R fixed, which is calibrate()'s (cross-check)."""
    data = sma.model_dump(mode="python", by_alias=True)
    data["legislature"]["ruling_yes_propensity"] = 0.95
    sc = Scenario.model_validate(data)
    fit = legislature_fit(sc, dt.date(2020, 3, 18))
    assert fit["government_yes"] == 0.95 and fit["model"]["government_yes"] == 0.95
    assert fit["opposition_yes"] == pytest.approx(calibrate(0.95, "2020-03-11").opposition_yes_propensity, abs=1e-6)
    assert fit["model"]["opposition_yes"] == pytest.approx(fit["opposition_yes"], abs=1e-6)


def test_report_data_carries_the_fit(sma):
    """The path the report runs: report_data puts this fit in the votes section."""
    res = simulate(sma, draws=256, seed=0, bank_size=1)
    d = report_data(res._scenario_obj, res.summary(), res.outcomes, res.params, res.plan.round_dates, source="test")
    assert d.votes["calibration"] == legislature_fit(sma, res.plan.round_dates[0])
