"""Resource caps: every size a user can ask for, bounded before any work starts (docs/limits.md).

A request beyond a cap is refused at once with one line naming the option or field and the cap
(:func:`check_cap`), so no command runs out of memory, runs for hours or hangs on a bad input.
The caps are generous for the analyses the tool is for (the bundled scenario uses a 551-point
amount grid, a Level-II bank of 4 and a Sobol N of 64) and well below what exhausts a laptop:
each was chosen from the issue-13 measurements (a 4 x 100 sweep grid took 6 GiB within 32 s; an
amount grid of 10^6 points or a bank of 256 ran for minutes; ``sensitivity --n 1048576`` used
5 GB).

Names and values are the documentation: docs/limits.md lists them and a test keeps the two equal.
"""

from __future__ import annotations

from burdenshare.errors import ScenarioError

__all__ = [
    "MAX_AMOUNT_POINTS",
    "MAX_AXIS_VALUES",
    "MAX_BANK_SIZE",
    "MAX_DRAWS",
    "MAX_SCENARIO_BYTES",
    "MAX_SCENARIO_DEPTH",
    "MAX_SCENARIO_KEYS",
    "MAX_SENSITIVITY_DRAWS",
    "MAX_SOBOL_N",
    "MAX_SWEEP_POINTS",
    "MAX_WORKERS",
    "MAX_YEARS",
    "MAX_PATH_BYTES",
    "MAX_NAME_BYTES",
    "CAPS",
    "check_cap",
]

#: Monte-Carlo draws of one run or one sweep point (``--draws``); a run of this size streams its
#: rows into the store chunk by chunk (peak memory: benchmarks/README.md).
MAX_DRAWS: int = 10_000_000
#: Level-II parameter sets with exact consent tables (``--bank-size``; about 1 s each).
MAX_BANK_SIZE: int = 256
#: Points of a scenario's amount grid (``agreement_space.amount_n`` or the grid ``amount_step_krw``
#: spans); the bundled scenario has 551.
MAX_AMOUNT_POINTS: int = 4_096
#: Values of one ``sweep --grid`` axis.
MAX_AXIS_VALUES: int = 100
#: Grid points of one sweep (the product of its axes' value counts).
MAX_SWEEP_POINTS: int = 256
#: Years of an ``explain --years`` breakdown.
MAX_YEARS: int = 10
#: Base sample size N of a Sobol analysis (``sensitivity --n``; N*(D+2) model runs).
MAX_SOBOL_N: int = 4_096
#: Vote-level draws per Sobol sample point (``sensitivity --draws``).
MAX_SENSITIVITY_DRAWS: int = 100_000
#: Workers of a local Dask cluster (``sweep --workers``).
MAX_WORKERS: int = 64
#: Size of a scenario file, read with this limit (a larger file, FIFO or device is refused).
MAX_SCENARIO_BYTES: int = 4 * 1024 * 1024
#: Keys (table entries and array items, all levels) in one scenario.
MAX_SCENARIO_KEYS: int = 100_000
#: Nesting depth of tables and arrays in one scenario.
MAX_SCENARIO_DEPTH: int = 32
#: Bytes of an output or store path, and of one name in it (the usual POSIX limits).
MAX_PATH_BYTES: int = 4_096
MAX_NAME_BYTES: int = 255

#: Every cap by name (docs/limits.md lists exactly these).
CAPS: dict[str, int] = {
    "MAX_DRAWS": MAX_DRAWS,
    "MAX_BANK_SIZE": MAX_BANK_SIZE,
    "MAX_AMOUNT_POINTS": MAX_AMOUNT_POINTS,
    "MAX_AXIS_VALUES": MAX_AXIS_VALUES,
    "MAX_SWEEP_POINTS": MAX_SWEEP_POINTS,
    "MAX_YEARS": MAX_YEARS,
    "MAX_SOBOL_N": MAX_SOBOL_N,
    "MAX_SENSITIVITY_DRAWS": MAX_SENSITIVITY_DRAWS,
    "MAX_WORKERS": MAX_WORKERS,
    "MAX_SCENARIO_BYTES": MAX_SCENARIO_BYTES,
    "MAX_SCENARIO_KEYS": MAX_SCENARIO_KEYS,
    "MAX_SCENARIO_DEPTH": MAX_SCENARIO_DEPTH,
    "MAX_PATH_BYTES": MAX_PATH_BYTES,
    "MAX_NAME_BYTES": MAX_NAME_BYTES,
}


def check_cap(value: int, cap: str, field: str, what: str, *, lo: int = 1) -> int:
    """``value`` if ``lo <= value <= CAPS[cap]``, else a one-line :class:`ScenarioError` naming the cap.

    Parameters
    ----------
    value
        The requested size.
    cap
        The cap's name, a key of :data:`CAPS` (``"MAX_SOBOL_N"``).
    field
        The option or field the user gave it with (``--n``, ``agreement_space.amount_n``).
    what
        What is counted, for the message (``"grid points"``).
    lo
        The smallest allowed size.

    Raises
    ------
    ScenarioError
        Outside ``lo..CAPS[cap]``.

    Examples
    --------
    >>> check_cap(64, "MAX_SOBOL_N", "--n", "base samples")
    64
    """
    top = CAPS[cap]
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= top:
        raise ScenarioError(f"got {value!r} {what}; allowed: {lo}..{top:,} (cap {cap}, docs/limits.md)", field=field)
    return int(value)
