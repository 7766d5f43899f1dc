"""The scenario builder: a scenario for the talks on any SMA round, from the record known on a date.

:func:`build_scenario` reads the rows of a data directory (default: the bundled data) whose
information date is on or before ``as_of`` (:mod:`burdenshare.builder.record`) and writes a
scenario by the rules of :mod:`burdenshare.builder.rules` (docs/builder.md).  The output depends
only on those rows: the same rows give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

from burdenshare.builder.record import Record, parse_info_date, read_record
from burdenshare.builder.rules import BuildError, check_round, scenario_dict
from burdenshare.scenario.schema import DATE_MAX

__all__ = ["BuildError", "Record", "build_scenario", "build_text", "parse_info_date", "read_record"]

#: Far enough ahead to read every row (the refusals look at the whole record).
_END = DATE_MAX


def _using(directory: str | Path | None, as_of: dt.date) -> Any:
    """The data contract's ``using(open_dataset(...))`` where it exists, else a null context."""
    from burdenshare import data

    opener = getattr(data, "open_dataset", None)
    using = getattr(data, "using", None)
    if opener is None or using is None:
        return contextlib.nullcontext()
    return using(opener(directory, as_of=as_of))


def build_scenario(round_: int, as_of: dt.date, data_dir: str | Path | None = None, *,
                   name: str | None = None) -> tuple[Any, str]:
    """Build and validate the scenario for the talks on SMA ``round_`` as of ``as_of``.

    ``name``: the scenario's name (default ``sma-<round>-<as_of>``; the bundled ``sma-2020-hindsight`` is
    round 11 as of 2020-03-11 under that name, nothing else changed).

    Returns
    -------
    (Scenario, str)
        The validated scenario and its TOML text (what ``--out`` writes).

    Raises
    ------
    BuildError
        The data cannot support the round at that date (SMA N-1 missing or not yet signed, SMA N
        already signed, no contribution, seats or rate known).
    """
    from burdenshare.scenario.io import dump_scenario, validate_dict

    if not isinstance(round_, int) or round_ < 2:
        raise BuildError(f"got {round_!r}; allowed: an SMA number >= 2", field="--round")
    from burdenshare.scenario.schema import DATE_MAX, DATE_MIN

    if not DATE_MIN <= as_of <= DATE_MAX:  # the dates a scenario may name (9999-12-31 overflowed the timeline)
        raise BuildError(f"got {as_of.isoformat()}; allowed: {DATE_MIN.isoformat()}..{DATE_MAX.isoformat()}",
                         field="--as-of")
    from burdenshare import data

    opener = getattr(data, "open_dataset", None)
    if opener is not None:
        opener(data_dir)  # the data contract: a missing file, a changed header, a malformed row -> DataError
    full = read_record(_END, data_dir)
    check_round(full, round_, as_of)
    rec = read_record(as_of, data_dir)
    raw = scenario_dict(full, rec, round_, as_of, name or f"sma-{round_}-{as_of.isoformat()}")
    with _using(data_dir, as_of):
        scenario = validate_dict(raw, source=f"builder(round={round_}, as_of={as_of.isoformat()})")
    return scenario, dump_scenario(scenario)


def build_text(round_: int, as_of: dt.date, data_dir: str | Path | None = None, *, name: str | None = None) -> str:
    """The TOML text of :func:`build_scenario`."""
    return build_scenario(round_, as_of, data_dir, name=name)[1]
