r"""A legislature as one or more chambers with their rules as data, and its consent probability.

A :class:`Legislature` is a tuple of :class:`Chamber` (each a
:class:`~burdenshare.legislature.model.LegislatureModel`: blocs, seats, quorum, majority and
``majority_of``, i.e. the chamber's own rule) and a consent rule in disjunctive normal form:
``paths``, each a tuple of :class:`Requirement`; the legislature consents iff every requirement of
some path holds.  A requirement names a chamber and either its own rule (``majority=None``) or a
stricter majority of the same kind (an override), e.g.

* the Republic of Korea (Constitution Art. 49: "the attendance of a majority of the total members,
  and the concurrent vote of a majority of the members present"; a tie is a rejection): one
  chamber, one path ``[(assembly, own rule)]`` (quorum ``seated // 2 + 1``, yes > 1/2 of those
  present) - :func:`single_chamber`;
* two chambers that must both consent: ``[(A, own), (B, own)]``;
* two chambers where the first overrides the second's rejection by two thirds of those present
  (the form of Japan's Constitution Art. 59(2)): ``[(A, own), (B, own)]`` or ``[(A, 2/3)]``.  The
  re-passage is taken as the same members casting the same votes, so it is the event that the
  first vote already reached two thirds.

**Exact probability.**  Chambers vote independently given the amount (each mixes its own bloc
latents).  Within a chamber, the events "yes > f × present" (same quorum and ``majority_of``) are
nested in f, so the chamber's outcome is the highest threshold it clears:
:math:`P(\text{level} \ge k)` is :meth:`LegislatureModel.consent` at majority :math:`f_k`.  The
legislature's probability sums, over every combination of chamber levels, the product of the
level probabilities where the rule holds.  Tests check it against brute-force enumeration of
members' outcomes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.errors import SpecError
from burdenshare.legislature.model import LegislatureModel

__all__ = ["Chamber", "Legislature", "Requirement", "single_chamber"]


@dataclass(frozen=True, slots=True)
class Chamber:
    """A chamber: its name and its model (blocs, seats, quorum and majority rule)."""

    name: str
    model: LegislatureModel


@dataclass(frozen=True, slots=True)
class Requirement:
    """A chamber's vote must clear its own rule (``majority=None``) or a stricter ``majority``."""

    chamber: str
    majority: Fraction | None = None


@dataclass(frozen=True, slots=True)
class Legislature:
    """Chambers and the consent rule (paths of requirements; module docstring)."""

    chambers: tuple[Chamber, ...]
    paths: tuple[tuple[Requirement, ...], ...]

    def __post_init__(self) -> None:
        names = [c.name for c in self.chambers]
        if not names or len(set(names)) != len(names):
            raise SpecError("a legislature needs one or more chambers with distinct names", field="chambers")
        if not self.paths or any(not p for p in self.paths):
            raise SpecError("the consent rule needs one or more non-empty paths", field="paths")
        by_name = {c.name: c for c in self.chambers}
        for path in self.paths:
            for r in path:
                if r.chamber not in by_name:
                    raise SpecError(f"unknown chamber {r.chamber!r}; allowed: {', '.join(names)}", field="paths")
                own = by_name[r.chamber].model.majority
                if r.majority is not None and Fraction(r.majority) < own:
                    raise SpecError(f"an override majority must be at least the chamber's own ({own})", field="paths")

    def _levels(self, chamber: Chamber) -> tuple[Fraction, ...]:
        own = chamber.model.majority
        extra = {Fraction(r.majority) for p in self.paths for r in p if r.chamber == chamber.name and r.majority is not None}
        return tuple(sorted({own, *extra}))

    def consent_probability(self, amounts_krw: ArrayLike, duration_years: int = 1) -> NDArray[np.float64]:
        """P(the legislature consents) for each amount (exact given the chambers' models).

        For one chamber whose rule is its own, this is that chamber's
        :meth:`LegislatureModel.consent_probability`, value for value.
        """
        x = np.atleast_1d(np.asarray(amounts_krw, dtype=float))
        level_p: list[NDArray[np.float64]] = []  # per chamber: (A, L + 1) P(level == k), k = 0 fails all
        level_f: list[tuple[Fraction, ...]] = []
        for c in self.chambers:
            fracs = self._levels(c)
            tails = [c.model.replace(majority=f).consent_probability(x, duration_years) for f in fracs]
            tail = np.column_stack([np.ones_like(x), *tails, np.zeros_like(x)])  # P(level >= k)
            tail = np.minimum.accumulate(tail, axis=1)  # nested events: keep the tails monotone
            level_p.append(tail[:, :-1] - tail[:, 1:])
            level_f.append(fracs)
        out = np.zeros_like(x)
        for combo in itertools.product(*[range(len(f) + 1) for f in level_f]):
            cleared = {
                c.name: (level_f[i][combo[i] - 1] if combo[i] > 0 else None) for i, c in enumerate(self.chambers)
            }
            if self._holds(cleared):
                prob = np.ones_like(x)
                for i, k in enumerate(combo):
                    prob = prob * level_p[i][:, k]
                out += prob
        return np.clip(out, 0.0, 1.0)

    def _holds(self, cleared: dict[str, Fraction | None]) -> bool:
        """Whether the rule holds when each chamber cleared the majority given (None: failed)."""
        by_name = {c.name: c for c in self.chambers}
        for path in self.paths:
            ok = True
            for r in path:
                got = cleared[r.chamber]
                need = by_name[r.chamber].model.majority if r.majority is None else Fraction(r.majority)
                if got is None or got < need:
                    ok = False
                    break
            if ok:
                return True
        return False


def single_chamber(model: LegislatureModel, name: str = "chamber") -> Legislature:
    """A one-chamber legislature whose consent is the chamber's own rule (e.g. Art. 49).

    Examples
    --------
    >>> m = LegislatureModel.with_yes_probabilities([300], [0.52], p_present=1.0)
    >>> round(float(single_chamber(m).consent_probability([1.0])[0]), 6)
    0.737595
    """
    return Legislature((Chamber(name, model),), ((Requirement(name),),))
