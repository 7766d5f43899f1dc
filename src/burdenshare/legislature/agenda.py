r"""Agenda control against the record: every agreement put to the Assembly passed.

The host executive submits a signed text only when its consent probability at the date is at
least ``parties.host_executive.submit_threshold`` (agenda control; Tarar 2001), so the texts the
Assembly votes on are a selected sample.  The record (:func:`.record.submission_record`: the
agreements with a consent date in ``sma_history.csv`` before ``as_of``) has ``k`` submissions and
no rejection.  :func:`record_check` scores a model's rate of rejection *per submitted text*,
:math:`r`, against it:

* the probability of the record under the model, :math:`(1 - r)^k`;
* the rate the record alone supports: the Jeffreys posterior
  :math:`\mathrm{Beta}(1/2, k + 1/2)` of the rejection rate, its mean :math:`1/(2k + 2)` and its
  upper 90 % bound.

A model is *consistent* with the record when :math:`r` lies below that upper bound (equivalently
the record is not improbable under it).  With three submissions the record says little: the upper
90 % bound is 0.34.

:func:`initialled_increases` lists the first-year increases of the texts Seoul's executives
signed before ``as_of`` (``sma_history.csv``), against which the host executive's ceiling
(docs/legislature.md §6) is compared.

References
----------
Tarar, A. (2001). International Bargaining with Two-Sided Domestic Constraints. *Journal of
Conflict Resolution* 45(3), 320-340.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from burdenshare.data import load
from burdenshare.legislature.record import submission_record
from burdenshare.legislature.seats import as_date

__all__ = ["RecordCheck", "initialled_increases", "record_check"]


@dataclass(frozen=True, slots=True)
class RecordCheck:
    """A rejection rate per submitted text scored against the record of submissions."""

    rate: float
    submissions: int
    rejections: int
    p_record: float
    posterior_mean: float
    upper_90: float

    @property
    def consistent(self) -> bool:
        """Whether ``rate`` lies below the record's upper 90 % bound."""
        return self.rate <= self.upper_90


def record_check(rate: float, as_of: dt.date | str) -> RecordCheck:
    """Score a rejection rate per submitted text against the submissions recorded before ``as_of``.

    Parameters
    ----------
    rate
        The model's probability that the Assembly rejects a text the executive submits.
    as_of
        Only submissions before this date count.

    Returns
    -------
    RecordCheck

    Raises
    ------
    ValueError
        If ``rate`` is not a probability.

    Examples
    --------
    >>> c = record_check(0.10, "2020-03-11")
    >>> c.submissions, round(c.p_record, 3), round(c.posterior_mean, 3), round(c.upper_90, 3), c.consistent
    (3, 0.729, 0.125, 0.339, True)
    """
    if not (0.0 <= rate <= 1.0 and math.isfinite(rate)):
        raise ValueError("rate must be a probability")
    from scipy import stats

    record = submission_record(as_of)
    k = len(record)
    rejected = sum(1 for s in record if not s.passed)
    a, b = 0.5 + rejected, 0.5 + k - rejected
    return RecordCheck(
        rate=float(rate),
        submissions=k,
        rejections=rejected,
        p_record=float((1.0 - rate) ** (k - rejected) * rate**rejected),
        posterior_mean=a / (a + b),
        upper_90=float(stats.beta.ppf(0.9, a, b)),
    )


def initialled_increases(as_of: dt.date | str) -> tuple[tuple[int, dt.date, float], ...]:
    """(SMA, signing date, first-year increase %) of the texts signed before ``as_of``.

    Examples
    --------
    >>> [(n, pct) for n, _, pct in initialled_increases("2020-03-11")][-3:]
    [(8, 2.5), (9, 5.8), (10, 8.2)]
    """
    day = as_date(as_of)
    out = []
    for row in load("sma_history").rows:
        try:
            signed = dt.date.fromisoformat(str(row["signing_date"]).strip())
            pct = float(row["pct_change_first_year_vs_prior_year"])
        except (TypeError, ValueError):
            continue
        if signed < day and math.isfinite(pct):
            out.append((int(row["sma_number"]), signed, pct))
    return tuple(sorted(out, key=lambda t: t[1]))
