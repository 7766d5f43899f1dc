r"""Batches of time-based SAO negotiations over one agreement space, played by the one loop.

Each negotiation :math:`i` has its own parameters -- exponents :math:`e_{i,p}`, reservation
values :math:`r_{i,p}`, kinds (``TB``/``ASP``) of both parties :math:`p \in \{0, 1\}`, first
mover, deadline :math:`n_i` and a pre-drawn breakdown round -- and is played by
:func:`burdenshare.bargaining.rounds.play_rounds`, the alternating-offers loop the two-level engine
plays, in its multi-issue decision mode (:mod:`burdenshare.bargaining.multi_issue`: outcomes as
positions in each party's presorted utilities, NegMAS's thresholds and nearest rule, :math:`t^e`
bracketed and ``math.pow`` called only where a decision depends on its exact value).  Results
equal :func:`burdenshare.bargaining.protocol.run_sao` with
:func:`~burdenshare.bargaining.strategies.time_based` strategies exactly (bit-identical floats)
and the recorded NegMAS runs (tests).

Per negotiation, each party's thresholds are computed afresh (nothing is memoised across
negotiations); only the presorted utility tables of the space are shared (space set-up, as NegMAS
presorts once per negotiator), with, in spaces of more than :data:`INDEX_MIN_OUTCOMES` outcomes,
a bucket index of the presorted utilities for the offer search.

:func:`run_batch` fills result arrays chunk by chunk; :func:`iter_batch` streams chunks (for
:math:`10^7` negotiations with bounded memory).  The chunk is one ``@njit(cache=True)`` function
(:func:`~burdenshare.bargaining.multi_issue.play_batch_chunk`), single-threaded, and never touches
an RNG, the clock or files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from burdenshare.bargaining.hooks import NO_BREAKDOWN, cumulative_costs, realized_utilities
from burdenshare.bargaining.space import Domain
from burdenshare.bargaining.multi_issue import (  # noqa: F401 - _fill_pow, _search: the search helpers, tested here
    _fill_pow,
    _search,
    check_band,
    decider_state,
    play_batch_chunk,
    responder_grid,
)
from burdenshare.bargaining.strategies import ASP_EPS, KINDS, TB_EPS
from burdenshare.errors import SpecError

__all__ = ["BatchSpec", "BatchResult", "run_batch", "iter_batch", "DEFAULT_CHUNK_SIZE"]

DEFAULT_CHUNK_SIZE: int = 1 << 16
KIND_TB: int = 0
KIND_ASP: int = 1


# ----------------------------------------------------------------------------- specification


def _as_pair(x: ArrayLike, n: int, dtype: type, name: str) -> NDArray[Any]:
    a = np.asarray(x)
    if a.dtype.kind in "US":  # kinds given as strings
        codes = np.full(a.shape, -1, dtype=np.int8)
        for code, label in enumerate(KINDS):
            codes[a == label] = code
        if np.any(codes < 0):
            bad = a[codes < 0].ravel()[0]
            raise SpecError(
                f"unknown strategy kind {bad!r}; allowed: {', '.join(KINDS)}", field=name
            )
        a = codes
    if n == 0 and a.size == 0:
        return np.empty((0, 2), dtype=dtype)
    try:
        a = np.broadcast_to(a.astype(dtype, copy=False), (n, 2))
    except ValueError:
        raise SpecError(f"{name} must broadcast to shape ({n}, 2), got {a.shape}", field=name) from None
    return np.ascontiguousarray(a)


def _as_vec(x: ArrayLike, n: int, dtype: type, name: str) -> NDArray[Any]:
    a = np.asarray(x)
    if n == 0 and a.size == 0:
        return np.empty(0, dtype=dtype)
    try:
        a = np.broadcast_to(a.astype(dtype, copy=False), (n,))
    except (ValueError, TypeError):
        raise SpecError(f"{name} must broadcast to shape ({n},), got {a.shape}", field=name) from None
    return np.ascontiguousarray(a)


def _first_bad(mask: NDArray[np.bool_]) -> tuple[int, ...]:
    return tuple(int(v) for v in np.argwhere(mask)[0])


@dataclass(frozen=True, slots=True, eq=False)
class BatchSpec:
    """Per-negotiation parameters of a batch (party order of the domain).

    Parameters
    ----------
    exponents
        ``(n, 2)`` float64: concession exponent of each party (finite, ``> 0``).
    reservation_values
        ``(n, 2)`` float64: reservation value of each party (finite).
    first
        ``(n,)`` int8: index of the party that opens.
    n_steps
        ``(n,)`` int32: deadline in rounds (``>= 1``).
    kinds
        ``(n, 2)`` int8: 0 = ``TB``, 1 = ``ASP``.
    breakdown_round
        ``(n,)`` int32: round at whose start talks break down, ``-1`` for never.

    Use :meth:`build` to broadcast scalars and names; the constructor validates.
    """

    exponents: NDArray[np.float64]
    reservation_values: NDArray[np.float64]
    first: NDArray[np.int8]
    n_steps: NDArray[np.int32]
    kinds: NDArray[np.int8]
    breakdown_round: NDArray[np.int32]

    def __post_init__(self) -> None:
        n = len(self.first)
        checks = [
            ("exponents", self.exponents, (n, 2), np.float64),
            ("reservation_values", self.reservation_values, (n, 2), np.float64),
            ("first", self.first, (n,), np.int8),
            ("n_steps", self.n_steps, (n,), np.int32),
            ("kinds", self.kinds, (n, 2), np.int8),
            ("breakdown_round", self.breakdown_round, (n,), np.int32),
        ]
        for name, a, shape, dtype in checks:
            if not isinstance(a, np.ndarray) or a.shape != shape or a.dtype != dtype:
                raise SpecError(f"{name} must be a {dtype.__name__} array of shape {shape}", field=name)
        e = self.exponents
        bad = ~(np.isfinite(e) & (e > 0.0))
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(
                f"exponent must be finite and > 0, got {e[i]!r}", field=f"exponents[{i[0]}, {i[1]}]"
            )
        bad = ~np.isfinite(self.reservation_values)
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(
                f"reservation value must be finite, got {self.reservation_values[i]!r}",
                field=f"reservation_values[{i[0]}, {i[1]}]",
            )
        bad = self.n_steps < 1
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(
                f"n_steps must be >= 1, got {self.n_steps[i]}", field=f"n_steps[{i[0]}]"
            )
        bad = (self.first != 0) & (self.first != 1)
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(f"first must be 0 or 1, got {self.first[i]}", field=f"first[{i[0]}]")
        bad = (self.kinds != KIND_TB) & (self.kinds != KIND_ASP)
        if bad.any():
            i = _first_bad(bad)
            raise SpecError(
                f"unknown kind code {self.kinds[i]}; allowed: 0 (TB), 1 (ASP)",
                field=f"kinds[{i[0]}, {i[1]}]",
            )

    @classmethod
    def build(
        cls,
        n: int,
        *,
        exponents: ArrayLike,
        reservation_values: ArrayLike = 0.0,
        first: ArrayLike = 0,
        n_steps: ArrayLike = 100,
        kinds: ArrayLike = "TB",
        breakdown_round: ArrayLike | None = None,
    ) -> BatchSpec:
        """Broadcast scalars / per-party pairs to ``n`` negotiations and validate.

        ``kinds`` may be given as ``"TB"``/``"ASP"`` labels; ``breakdown_round=None`` means never.
        Non-finite exponents or reservation values, ``n_steps < 1`` and unknown kinds raise
        :class:`~burdenshare.errors.SpecError` naming the field.
        """
        if n < 0:
            raise SpecError(f"n must be >= 0, got {n}", field="n")
        ns = np.asarray(n_steps)
        if ns.dtype.kind == "f" and not np.all(np.isfinite(ns)):
            raise SpecError("n_steps must be integers >= 1", field="n_steps")
        if ns.dtype.kind not in "iub" and not np.all(ns == np.floor(ns)):
            raise SpecError("n_steps must be integers >= 1", field="n_steps")
        if np.any(ns < 1):
            raise SpecError(f"n_steps must be >= 1, got {ns.min()}", field="n_steps")
        return cls(
            exponents=_as_pair(exponents, n, np.float64, "exponents"),
            reservation_values=_as_pair(reservation_values, n, np.float64, "reservation_values"),
            first=_as_vec(first, n, np.int8, "first"),
            n_steps=_as_vec(ns, n, np.int32, "n_steps"),
            kinds=_as_pair(kinds, n, np.int8, "kinds"),
            breakdown_round=_as_vec(
                NO_BREAKDOWN if breakdown_round is None else breakdown_round,
                n,
                np.int32,
                "breakdown_round",
            ),
        )

    def __len__(self) -> int:
        return len(self.first)

    def slice(self, start: int, stop: int) -> BatchSpec:
        """Negotiations ``start:stop`` (views, no copy)."""
        s = slice(start, stop)
        return BatchSpec(
            self.exponents[s],
            self.reservation_values[s],
            self.first[s],
            self.n_steps[s],
            self.kinds[s],
            self.breakdown_round[s],
        )


@dataclass(frozen=True, slots=True, eq=False)
class BatchResult:
    """Results of a batch, one row per negotiation (party order of the domain).

    Parameters
    ----------
    agreement
        ``(n,)`` int32: agreed outcome index, ``-1`` if none.
    round
        ``(n,)`` int32: 0-based agreement round, ``-1`` if none.
    accepted_by, proposed_by
        ``(n,)`` int8: party index of the acceptor / proposer, ``-1`` if none.
    timedout, broken
        ``(n,)`` bool.
    final_step
        ``(n,)`` int32: rounds played (NegMAS ``state.step``).
    utilities
        ``(n, 2)`` float64: realised utilities (agreement utility or reservation value, minus
        round costs).
    first
        ``(n,)`` int8: the first mover (to read traces).
    offers
        ``(n, 2 * max n_steps)`` int32 offer trace (``-1`` padded), if recorded.
    n_offers
        ``(n,)`` int32: number of offers made, if recorded.
    """

    agreement: NDArray[np.int32]
    round: NDArray[np.int32]
    accepted_by: NDArray[np.int8]
    proposed_by: NDArray[np.int8]
    timedout: NDArray[np.bool_]
    broken: NDArray[np.bool_]
    final_step: NDArray[np.int32]
    utilities: NDArray[np.float64]
    first: NDArray[np.int8]
    offers: NDArray[np.int32] | None = None
    n_offers: NDArray[np.int32] | None = None

    def __len__(self) -> int:
        return len(self.agreement)

    def trace(self, i: int) -> list[tuple[int, int, int]]:
        """Offers of negotiation ``i`` as ``(round, party index, outcome index)``."""
        if self.offers is None or self.n_offers is None:
            raise SpecError("the batch was run without record_trace=True", field="record_trace")
        f = int(self.first[i])
        offers = self.offers[i, : int(self.n_offers[i])].tolist()
        return [(j >> 1, f ^ (j & 1), o) for j, o in enumerate(offers)]


# ----------------------------------------------------------------------------- drivers


INDEX_MIN_OUTCOMES = 512  # smaller spaces bisect (a separately compiled chunk)


def _bucket_index(su: NDArray[np.float64]) -> tuple[NDArray[np.int32], float, float]:
    """Per-space search index: ``idx[b]`` = lower bound of ``b0 + b / scale`` in ``su``."""
    n = len(su)
    nb = 1 << max(4, int(2 * n - 1).bit_length())
    b0, span = float(su[0]), float(su[-1] - su[0])
    scale = (nb - 1) / span if span > 0 else 0.0
    if not math.isfinite(scale):
        scale = 0.0
    edges = b0 + np.arange(nb) / scale if scale > 0 else np.full(nb, b0)
    return np.searchsorted(su, edges, side="left").astype(np.int32), b0, scale


def _tables(domain: Domain) -> tuple[Any, ...]:  # arrays, and None for the bucket index of small spaces
    sorted_table = np.ascontiguousarray(domain.sorted_table, dtype=np.float64)
    bidx, bpar = None, np.zeros((2, 2))
    if sorted_table.shape[1] > INDEX_MIN_OUTCOMES:
        idx = [_bucket_index(sorted_table[p]) for p in (0, 1)]
        bidx = np.ascontiguousarray(np.stack([idx[0][0], idx[1][0]]))
        bpar = np.array([[idx[p][1], idx[p][2]] for p in (0, 1)], dtype=np.float64)
    return (
        np.ascontiguousarray(domain.table, dtype=np.float64),
        np.ascontiguousarray(domain.order, dtype=np.int64),
        sorted_table,
        responder_grid(domain.order),
        bidx,
        bpar,
    )


def _run_chunk(
    tables: tuple[Any, ...],
    spec: BatchSpec,
    record_trace: bool,
    cum: NDArray[np.float64] | None,
    fast: bool = True,
) -> BatchResult:
    n = len(spec)
    agreement = np.empty(n, np.int32)
    rnd = np.empty(n, np.int32)
    acc = np.empty(n, np.int8)
    prop = np.empty(n, np.int8)
    timedout = np.empty(n, np.bool_)
    broken = np.empty(n, np.bool_)
    final = np.empty(n, np.int32)
    util = np.empty((n, 2), np.float64)
    if record_trace:
        width = 2 * int(spec.n_steps.max()) if n else 0
        offers = np.full((n, width), -1, np.int32)
        n_offers = np.zeros(n, np.int32)
    else:
        offers = np.empty((1, 1), np.int32)
        n_offers = np.empty(1, np.int32)
    if n:
        table, order, sorted_table, xr, bidx, bpar = tables
        eps = np.where(spec.kinds == 0, TB_EPS, ASP_EPS)
        check_band(sorted_table, spec.reservation_values, eps)
        st = decider_state(sorted_table, xr, bidx, bpar, int(spec.n_steps.max()))
        play_batch_chunk(
            st, table, order,
            spec.exponents,
            spec.reservation_values,
            spec.first,
            spec.n_steps,
            spec.kinds,
            spec.breakdown_round,
            TB_EPS,
            ASP_EPS,
            fast,
            agreement,
            rnd,
            acc,
            prop,
            timedout,
            broken,
            final,
            util,
            record_trace,
            offers,
            n_offers,
        )
    if cum is not None:
        util = realized_utilities(util, final, cum)
    return BatchResult(
        agreement,
        rnd,
        acc,
        prop,
        timedout,
        broken,
        final,
        util,
        spec.first.copy(),
        offers if record_trace else None,
        n_offers if record_trace else None,
    )


def _costs(round_costs: ArrayLike | None, spec_max_steps: int) -> NDArray[np.float64] | None:
    if round_costs is None:
        return None
    c = np.asarray(round_costs, dtype=np.float64)
    steps = c.shape[-1] if c.ndim else 0
    if steps < spec_max_steps:
        raise SpecError(
            f"round_costs cover {steps} rounds, the batch needs {spec_max_steps}",
            field="round_costs",
        )
    return cumulative_costs(c, steps)


def iter_batch(
    domain: Domain,
    specs: BatchSpec | Iterable[BatchSpec],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    record_trace: bool = False,
    round_costs: ArrayLike | None = None,
    pow_bracketing: bool = True,
) -> Iterator[BatchResult]:
    """Stream results chunk by chunk (bounded memory).

    Parameters
    ----------
    domain
        The agreement space and utilities (shared by all negotiations).
    specs
        One :class:`BatchSpec` (cut into chunks of ``chunk_size``) or an iterable of specs,
        e.g. a generator that draws each chunk's parameters; each is itself cut into chunks.
    chunk_size
        Negotiations per kernel call; results do not depend on it.
    record_trace
        Also return the offer traces (``(chunk, 2 * max n_steps)`` int32 per chunk).
    round_costs
        Shape ``(2, m)`` per-round costs with ``m >=`` every ``n_steps``
        (:mod:`~burdenshare.bargaining.hooks`).
    pow_bracketing
        Bracket ``t**e`` cheaply and call ``math.pow`` only when a decision depends on the
        exact value (:mod:`~burdenshare.bargaining._powbound`); ``False`` calls ``math.pow``
        for every threshold.  Results are identical either way.

    Yields
    ------
    BatchResult
        One per chunk, in order.
    """
    if int(chunk_size) < 1:
        raise SpecError(f"chunk_size must be >= 1, got {chunk_size}", field="chunk_size")
    tables = _tables(domain)
    seq = [specs] if isinstance(specs, BatchSpec) else specs
    for spec in seq:
        if len(spec) == 0:
            continue
        cum = _costs(round_costs, int(spec.n_steps.max()))
        for s in range(0, len(spec), chunk_size):
            yield _run_chunk(tables, spec.slice(s, s + chunk_size), record_trace, cum, pow_bracketing)


def run_batch(
    domain: Domain,
    spec: BatchSpec,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    record_trace: bool = False,
    round_costs: ArrayLike | None = None,
    pow_bracketing: bool = True,
) -> BatchResult:
    """Run every negotiation of ``spec`` and return all results (see :func:`iter_batch`).

    Parameters
    ----------
    domain
        The agreement space and utilities.
    spec
        Per-negotiation parameters.
    chunk_size, record_trace, round_costs, pow_bracketing
        As in :func:`iter_batch`.

    Returns
    -------
    BatchResult
        Results in the order of ``spec``; identical for every ``chunk_size``.

    Examples
    --------
    >>> from burdenshare.bargaining import one_issue_domain, BatchSpec, run_batch
    >>> spec = BatchSpec.build(2, exponents=[[0.25, 0.25], [4.0, 4.0]], n_steps=100)
    >>> r = run_batch(one_issue_domain(), spec)
    >>> r.agreement.tolist(), r.round.tolist()
    ([49, 50], [6, 84])
    """
    parts = list(
        iter_batch(
            domain,
            spec,
            chunk_size=chunk_size,
            record_trace=record_trace,
            round_costs=round_costs,
            pow_bracketing=pow_bracketing,
        )
    )
    if not parts:
        return _run_chunk(_tables(domain), spec, record_trace, None)
    width = max((p.offers.shape[1] for p in parts if p.offers is not None), default=0) if record_trace else 0

    def cat(name: str) -> NDArray[Any]:
        return np.concatenate([getattr(p, name) for p in parts])

    offers = None
    if record_trace:
        offers = np.full((len(spec), width), -1, np.int32)
        at = 0
        for p in parts:
            assert p.offers is not None
            offers[at : at + len(p), : p.offers.shape[1]] = p.offers
            at += len(p)
    return BatchResult(
        cat("agreement"),
        cat("round"),
        cat("accepted_by"),
        cat("proposed_by"),
        cat("timedout"),
        cat("broken"),
        cat("final_step"),
        cat("utilities"),
        cat("first"),
        offers,
        cat("n_offers") if record_trace else None,
    )
