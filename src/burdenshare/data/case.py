"""Named facts of the bundled case (the 2019-2020 talks) that analyses and defaults read by key.

Kept with the data so that the model's code names no round: a data directory for another round
gives its own keys here (or the scenario sets the values explicitly).
"""

from __future__ import annotations

__all__ = ["FURLOUGH_WORKERS_KEY", "RECORD_ASKS", "WORKFORCE_KEY"]

#: ``context.csv`` keys of the default size of a furlough event and of the workforce it hits
#: (used when a scenario's furlough event gives no ``workers`` / ``workforce``).
FURLOUGH_WORKERS_KEY = "furloughed_workers_april_2020"
WORKFORCE_KEY = "usfk_korean_national_employees"

#: The US asks of the record (``burdenshare.data.fact`` keys, USD million per year) and their labels.
RECORD_ASKS: tuple[tuple[str, str], ...] = (
    ("us_initial_ask_2020", "initial ask (~$5 bn, Nov 2019-Mar 2020)"),
    ("us_initial_ask_2020_alt", "initial ask, alternative figure ($4.7 bn, JoongAng Dec 2019)"),
    ("us_ask_march_2020_reported", "reported ask in March 2020 (~$4 bn, Yonhap)"),
    ("us_later_ask_2020", "later ask ($1.3 bn, May/June 2020)"),
)
