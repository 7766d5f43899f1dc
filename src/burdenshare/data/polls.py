"""Poll answers from ``polls.csv`` (long format: poll × question × option × subgroup).

A poll can hold several questions. :func:`poll_shares` selects one by a case-insensitive prefix of
its wording; without one it uses the poll's cost-sharing question (:data:`COST_SHARING_QUESTION`),
or the only question of a single-question poll.

Wordings that differ only by a parenthetical or a final ``?`` are one question (the Chicago
Council Dec 2019 rows word the cost-sharing item with and without "(~$5B; JoongAng Daily: $4.7B)").

Conflicting readings of a poll are separate poll IDs: ``CCGA-2019-12`` (68 / 26 / 4, JoongAng
Daily, Nocutnews, YTN) and ``CCGA-2019-12-alt`` (63 / 25 / 4, Statista). :func:`poll_readings`
returns both. Marked values (``~75``, ``>78``) stay :class:`~burdenshare.data.table.Marked`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from burdenshare.data.table import Cell, load, split_source_ids
from burdenshare.errors import DataError, SpecError

__all__ = [
    "COST_SHARING_QUESTION",
    "PollShares",
    "poll_by_party",
    "poll_ids",
    "poll_questions",
    "poll_readings",
    "poll_shares",
    "poll_subgroups",
]

#: Poll ID → wording prefix of its cost-sharing question (the default of :func:`poll_shares`).
COST_SHARING_QUESTION: Mapping[str, str] = MappingProxyType(
    {
        "RM-2019-01": "Should South Korea accommodate US demands",
        "RM-2019-08": "What should happen to South Korea's USFK cost-sharing contribution",
        "KINU-2019": "South Korea's share of the cost of US troops",
        "RM-2019-11": "Given the possibility of USFK reductions",
        "CCGA-2019-12": "How should Seoul respond to the US demand",
        "CCGA-2019-12-alt": "How should Seoul respond to the US demand",
    }
)


def _question_key(wording: str) -> str:
    text = re.sub(r"\s*\([^()]*\)", "", wording).strip()
    return text.rstrip("?").strip()


@dataclass(frozen=True, slots=True)
class PollShares(Mapping[str, float]):
    """Response option → percent for one poll, question and subgroup (a read-only mapping).

    Attributes
    ----------
    poll_id, question, subgroup
        What was selected (``question`` is the normalized wording).
    shares
        Option → percent (``Marked`` for ``~``/``>`` values; the raw text is on the value).
    confidence, notes, source_ids
        Per option, as in the file.
    """

    poll_id: str
    question: str
    subgroup: str
    shares: Mapping[str, float]
    confidence: Mapping[str, str]
    notes: Mapping[str, str]
    source_ids: tuple[str, ...]

    def __getitem__(self, option: str) -> float:
        return self.shares[option]

    def __iter__(self) -> Iterator[str]:
        return iter(self.shares)

    def __len__(self) -> int:
        return len(self.shares)

    @property
    def total_pct(self) -> float:
        """Sum of the shown shares (may be below 100: options not reported, or nested options)."""
        return float(sum(float(v) for v in self.shares.values()))


def _text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else ""


def poll_ids() -> tuple[str, ...]:
    """Distinct poll IDs in file order."""
    return tuple(dict.fromkeys(_text(r["poll_id"]) for r in load("polls").rows))


def _rows(poll_id: str):  # noqa: ANN202 - rows of one poll
    rows = load("polls").where(poll_id=poll_id)
    if len(rows) == 0:
        raise DataError(f"unknown poll {poll_id!r}; polls: {', '.join(poll_ids())}", field="poll_id")
    return rows


def poll_questions(poll_id: str) -> tuple[str, ...]:
    """The (normalized) question wordings of a poll, in file order."""
    return tuple(dict.fromkeys(_question_key(_text(r["question_wording_as_reported"])) for r in _rows(poll_id).rows))


def poll_subgroups(poll_id: str) -> tuple[str, ...]:
    """The subgroups a poll reports (``all`` first where present)."""
    return tuple(dict.fromkeys(_text(r["subgroup"]) for r in _rows(poll_id).rows))


def _resolve_question(poll_id: str, question: str | None) -> str:
    questions = poll_questions(poll_id)
    prefix = question if question is not None else COST_SHARING_QUESTION.get(poll_id)
    if prefix is None:
        if len(questions) == 1:
            return questions[0]
        raise SpecError(
            f"poll {poll_id!r} has several questions and no cost-sharing item; pass question= one of: "
            + " | ".join(questions),
            field="question",
        )
    hits = [q for q in questions if q.lower().startswith(_question_key(prefix).lower())]
    if len(hits) != 1:
        what = "matches no" if not hits else "matches more than one"
        raise SpecError(
            f"question {prefix!r} {what} question of poll {poll_id!r}: " + " | ".join(questions),
            field="question",
        )
    return hits[0]


def poll_shares(poll_id: str, *, subgroup: str = "all", question: str | None = None) -> PollShares:
    """Response option → percent for one poll question and subgroup.

    Parameters
    ----------
    poll_id
        A poll ID of ``polls.csv`` (e.g. ``"CCGA-2019-12"``, ``"CCGA-2019-12-alt"``).
    subgroup
        ``"all"`` or a subgroup of the poll (``"Liberty Korea Party supporters"``, ``"conservatives"``).
    question
        Prefix of the question wording (case-insensitive); default: the cost-sharing question.

    Raises
    ------
    DataError
        Unknown poll (``field="poll_id"``) or subgroup (``field="subgroup"``).
    SpecError
        A question that matches none or several of the poll's questions (``field="question"``).

    Examples
    --------
    >>> dict(poll_shares("CCGA-2019-12"))
    {'Negotiate a lower amount than the US proposal': 68.0, 'Refuse to pay': 26.0, 'Accept/meet the US demand': 4.0}
    """
    rows = _rows(poll_id)
    key = _resolve_question(poll_id, question)
    selected = [
        r for r in rows.rows if _question_key(_text(r["question_wording_as_reported"])) == key
    ]
    groups = tuple(dict.fromkeys(_text(r["subgroup"]) for r in selected))
    selected = [r for r in selected if _text(r["subgroup"]) == subgroup]
    if not selected:
        raise DataError(
            f"poll {poll_id!r} question {key!r} has no subgroup {subgroup!r}; subgroups: {', '.join(groups)}",
            field="subgroup",
        )
    shares: dict[str, float] = {}
    ids: dict[str, None] = {}
    for r in selected:
        value = r["pct"]
        assert isinstance(value, float) and not math.isnan(value)
        shares[_text(r["response_option"])] = value
        ids.update(dict.fromkeys(split_source_ids(r["source_ids"])))
    return PollShares(
        poll_id=poll_id,
        question=key,
        subgroup=subgroup,
        shares=MappingProxyType(shares),
        confidence=MappingProxyType({_text(r["response_option"]): _text(r["confidence"]) for r in selected}),
        notes=MappingProxyType({_text(r["response_option"]): _text(r["notes"]) for r in selected}),
        source_ids=tuple(ids),
    )


def poll_readings(poll_id: str, *, question: str | None = None) -> Mapping[str, PollShares]:
    """All readings of one poll question: the main ID and its ``<id>-alt…`` alternatives.

    Examples
    --------
    >>> {k: v["Negotiate a lower amount than the US proposal"] for k, v in poll_readings("CCGA-2019-12").items()}
    {'CCGA-2019-12': 68.0, 'CCGA-2019-12-alt': 63.0}
    """
    ids = [poll_id] + [p for p in poll_ids() if p.startswith(poll_id + "-alt")]
    return MappingProxyType({p: poll_shares(p, question=question) for p in ids})


def poll_by_party(poll_id: str, *, question: str | None = None) -> Mapping[str, PollShares]:
    """Answers by party support (subgroups ending in ``supporters``) for one poll question."""
    key = _resolve_question(poll_id, question)
    groups = [
        _text(r["subgroup"])
        for r in _rows(poll_id).rows
        if _question_key(_text(r["question_wording_as_reported"])) == key
    ]
    parties = [g for g in dict.fromkeys(groups) if g.endswith("supporters")]
    return MappingProxyType({g: poll_shares(poll_id, subgroup=g, question=key) for g in parties})
