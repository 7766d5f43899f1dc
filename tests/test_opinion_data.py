"""burdenshare.opinion._data reads through burdenshare.data and stays strict about numbers."""

from __future__ import annotations

import pytest

from burdenshare import data
from burdenshare.errors import DataError
from burdenshare.opinion import _data


def test_lookups_are_burdenshare_data():
    assert _data.raw_rows("polls") == tuple(data.load("polls").raw_rows)
    assert _data.sma_contribution_krw(2019) == data.sma_contribution_krw(2019) == 1_038_900_000_000.0
    assert _data.krw_per_usd(2019) == data.exchange_rate_krw_per_usd(2019) == 1166.11
    assert _data.context_number("us_initial_ask_2020") == data.fact("us_initial_ask_2020").value
    rows = _data.poll_rows("CCGA-2019-12")
    assert rows and all(r["poll_id"] == "CCGA-2019-12" for r in rows)


@pytest.mark.parametrize("text", ["~75", ">78", "", "NOT FOUND", "abc", "1e3", "1,000", "5 (computed)"])
def test_only_plain_numbers(text):
    with pytest.raises(DataError):
        _data.number(text, where="test")


def test_strict_errors():
    assert _data.number(" 2.5 ", where="x") == 2.5
    with pytest.raises(DataError):
        _data.sma_contribution_krw(2002)  # "~610": approximate
    with pytest.raises(DataError):
        _data.krw_per_usd(2014)  # only macro_series.csv records it
    with pytest.raises(DataError):
        _data.poll_rows("NO-SUCH-POLL")
    with pytest.raises(DataError):
        _data.context_number("no_such_key")
    assert _data.leading_int("1,000 adults (19+)") == 1000.0 and _data.leading_int("n/a") is None
