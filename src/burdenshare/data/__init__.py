"""Bundled reference data (US-ROK SMA 1991-2020 and context) with provenance.

The eight CSVs and the data README (provenance, conflicts, conventions, source registry) ship in
``burdenshare/data/files/``. :func:`load` returns a frozen :class:`Table`; the helpers return
recorded figures in base units (won, dollars, persons) and raise
:class:`~burdenshare.errors.DataError` for requests outside the data. Where sources conflict, the
helpers expose every reading (see :func:`exchange_rate_entries`, :class:`SeatSnapshot` ranges,
:func:`poll_readings`); nothing is filled in.

What is read is the active :class:`Dataset` (:func:`using`, :func:`open_dataset`): a data
directory (the bundled one by default) seen as of a date, under the data contract of
``docs/data-contract.md`` (:mod:`burdenshare.data.contract`).
"""

from burdenshare.data.assembly import (
    BLOCS,
    TOTAL_SEATS,
    ConsentVote,
    PartySeats,
    PartyVoteTag,
    SeatSnapshot,
    bloc_of,
    consent_votes,
    seat_snapshot_dates,
    seats_by_bloc,
)
from burdenshare.data.dataset import Dataset, active, info_date, open_dataset, per_dataset, using
from burdenshare.data.facts import (
    Fact,
    MacroValue,
    RateEntry,
    cpi_inflation_pct,
    defense_budget_citation,
    defense_budget_growth_pct,
    defense_budget_krw,
    exchange_rate_entries,
    exchange_rate_krw_per_usd,
    exchange_rate_years,
    fact,
    germany_stationing_payments_eur,
    japan_hns_jpy,
    jpy_per_usd,
    macro,
    macro_entry,
    macro_keys,
    nominal_gdp_krw,
    population_persons,
    sma_contribution_krw,
)
from burdenshare.data.polls import (
    COST_SHARING_QUESTION,
    PollShares,
    poll_by_party,
    poll_ids,
    poll_questions,
    poll_readings,
    poll_shares,
    poll_subgroups,
)
from burdenshare.data.table import (
    NUMERIC_COLUMNS,
    TABLE_NAMES,
    Marked,
    Provenance,
    Source,
    Table,
    fingerprint,
    load,
    source_registry,
)

__all__ = [
    "BLOCS",
    "COST_SHARING_QUESTION",
    "NUMERIC_COLUMNS",
    "TABLE_NAMES",
    "TOTAL_SEATS",
    "ConsentVote",
    "Dataset",
    "Fact",
    "MacroValue",
    "Marked",
    "PartySeats",
    "PartyVoteTag",
    "PollShares",
    "Provenance",
    "RateEntry",
    "SeatSnapshot",
    "Source",
    "Table",
    "active",
    "bloc_of",
    "consent_votes",
    "cpi_inflation_pct",
    "defense_budget_citation",
    "defense_budget_growth_pct",
    "defense_budget_krw",
    "exchange_rate_entries",
    "exchange_rate_krw_per_usd",
    "exchange_rate_years",
    "fact",
    "fingerprint",
    "info_date",
    "germany_stationing_payments_eur",
    "japan_hns_jpy",
    "jpy_per_usd",
    "load",
    "macro",
    "macro_entry",
    "macro_keys",
    "nominal_gdp_krw",
    "open_dataset",
    "per_dataset",
    "poll_by_party",
    "poll_ids",
    "poll_questions",
    "poll_readings",
    "poll_shares",
    "poll_subgroups",
    "population_persons",
    "seat_snapshot_dates",
    "seats_by_bloc",
    "sma_contribution_krw",
    "source_registry",
    "using",
]
