"""The cost model: payment schedules, escalators, FX and present value; the transparency statement.

* :mod:`~burdenshare.costs.schedule` - cost categories, escalators, multi-year payment schedules,
  present value, exchange rates;
* :mod:`~burdenshare.costs.statement` - :func:`explain`, the itemized transparency statement of an
  ask by category and year, in won and dollars, with sources (DESIGN.md §3 "cost model").
"""

from burdenshare.costs.schedule import (
    COST_CATEGORIES,
    CategoryStatus,
    CostCategory,
    Escalator,
    EscalatorKind,
    Schedule,
    cost_category,
    itemise_first_year_krw,
    krw_per_usd,
    payment_schedule,
    present_value,
    round_half_up,
    split_largest_remainder,
    to_krw,
    to_usd,
)
from burdenshare.costs.statement import (
    Figure,
    Statement,
    StatementItem,
    explain,
)

__all__ = [
    "COST_CATEGORIES",
    "CategoryStatus",
    "CostCategory",
    "Escalator",
    "EscalatorKind",
    "Figure",
    "Schedule",
    "Statement",
    "StatementItem",
    "cost_category",
    "explain",
    "itemise_first_year_krw",
    "krw_per_usd",
    "payment_schedule",
    "present_value",
    "round_half_up",
    "split_largest_remainder",
    "to_krw",
    "to_usd",
]
