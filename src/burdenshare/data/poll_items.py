"""How the model reads the bundled polls: facts about particular poll questions, kept as data.

The WTP fit (:mod:`burdenshare.opinion.fit`) is generic interval-censored maximum likelihood;
what is specific to the 2019-2020 polls lives here: which poll is the whole-public (stage-1) item
and the amounts its answers are anchored on, how each partisan question's answers read as
accept / not accept, and the subgroup labels of the polls.  A new round's polls are added here and
in ``polls.csv``; the fit's code does not change.  Sources: the data README (polls.csv rows,
discrepancy 1) and THEORY.md §12.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "BLOC_BASE", "DEFAULT_PARTISAN_POLLS", "GROUP_LABELS", "PARTISAN_ITEMS", "PollItem", "STAGE1", "Stage1Item",
    "SUBGROUP_KEYS",
]

ALL = "all"


@dataclass(frozen=True, slots=True)
class Stage1Item:
    """The whole-public question: its poll ids, wording keys, answer prefixes and anchors.

    ``ask_key`` names the ``context.csv`` row of the US ask the question cites; ``anchor_year``
    the year whose annual KRW/USD average converts it and whose SMA contribution bounds "refuse
    to pay" (the year of the poll's fieldwork).
    """

    poll_id: str
    alt_poll_id: str
    question: str
    refuse: str
    negotiate: str
    accept: str
    followup_question: str
    below_band: str
    mid_band: str
    band_low_krw: float
    band_high_krw: float
    ask_key: str
    anchor_year: int


STAGE1 = Stage1Item(
    poll_id="CCGA-2019-12", alt_poll_id="CCGA-2019-12-alt", question="respond to the US demand",
    refuse="Refuse to pay", negotiate="Negotiate a lower amount", accept="Accept/meet the US demand",
    followup_question="acceptable annual cost", below_band="Below 2 trillion won", mid_band="2-3 trillion won",
    band_low_krw=2e12, band_high_krw=3e12, ask_key="us_initial_ask_2020", anchor_year=2019,
)


@dataclass(frozen=True, slots=True)
class PollItem:
    """How to read one binary partisan question."""

    question: str  # substring of question_wording_as_reported
    yes: str  # prefix of the accepting option
    no: str | None  # prefix of the refusing option; None = complement of yes (100 - yes)
    anchor: str  # text describing the nominal amount
    sample_n_default: bool  # whether the poll lacks a recorded n
    nominal: str | None = None  # the anchor key of the nominal amount (fit report), None = not recorded


PARTISAN_ITEMS: Mapping[str, PollItem] = MappingProxyType({
    "RM-2019-01": PollItem("accommodate US demands", "Favor", "Oppose", "10th-SMA US demand (not recorded)", True),
    "RM-2019-08": PollItem("contribution next year", "Raise", None, "current contribution (2019)", True,
                           "refuse_bound_krw"),
    "RM-2019-11": PollItem("large increase", "Need to accept", "Should not accept", "US ask (~$5 bn) in 2019 won",
                           False, "ask_krw"),
})
DEFAULT_PARTISAN_POLLS: tuple[str, ...] = tuple(PARTISAN_ITEMS)

#: Poll subgroup labels → group keys used by :class:`~burdenshare.opinion.wtp.WTPModel`.
SUBGROUP_KEYS: Mapping[str, str] = MappingProxyType({
    "all": ALL,
    "Democratic Party supporters": "dp",
    "Liberty Korea Party supporters": "lkp",
    "Bareunmirae supporters": "bareunmirae",
    "Justice Party supporters": "justice",
    "progressives": "ideology_progressive",
    "moderates": "ideology_moderate",
    "conservatives": "ideology_conservative",
})

#: Group keys → plain labels.
GROUP_LABELS: Mapping[str, str] = MappingProxyType({
    ALL: "whole public",
    "dp": "Democratic Party (governing) supporters",
    "justice": "Justice Party supporters",
    "bareunmirae": "Bareunmirae Party supporters",
    "lkp": "Liberty Korea Party (main conservative) supporters",
    "ideology_progressive": "self-described progressives",
    "ideology_moderate": "self-described moderates",
    "ideology_conservative": "self-described conservatives",
})

#: Default partisan base of each National Assembly bloc (``burdenshare.data.BLOCS``): an
#: assumption for the legislature; the far right and independents have no poll subgroup.
BLOC_BASE: Mapping[str, str] = MappingProxyType({
    "liberal": "dp",
    "conservative": "lkp",
    "centrist": "bareunmirae",
    "progressive": "justice",
    "far_right": "ideology_conservative",
    "independent": ALL,
})
