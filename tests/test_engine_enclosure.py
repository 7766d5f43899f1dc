"""The engine kernel's enclosed decisions equal ``linear_decision`` at ``math.pow``'s aspiration.

The kernel decides a time-based move from an enclosure of :math:`t^e`
(:func:`burdenshare.bargaining._powbound.pow_enclosure`, relative margin
:func:`~burdenshare.bargaining._powbound.pow_margin`) by one affine evaluation of the threshold
with a rounding margin (``engine.kernel._enclosed_decision``), and calls ``math.pow`` only where
it returns -1.  These tests put the threshold on and around every boundary of
``linear_decision``'s fast path (the ceiling, its ``1e-9`` margin, the ``1e-6`` nearest rule, the
first presorted position, the clamp at the reservation value) with the true power anywhere inside
the enclosure, and check that every decision the enclosure settles is the exact one.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from burdenshare.bargaining._powbound import pow_enclosure, pow_margin
from burdenshare.bargaining.strategies import ASP_EPS, TB_EPS, linear_decision, rational_start
from burdenshare.engine.kernel import _decide_at, _enclosed_decision, _own_rows, _settle, _threshold_line


@numba.njit(cache=False)
def _check(xs, rels, ps, rvs, ns, epss, starts, prefs, nds, out):  # type: ignore[no-untyped-def]
    """out[i] = (settled, equal to the exact decision, naive decision from xs[i] differs)."""
    for i in range(xs.shape[0]):
        line = _threshold_line(rvs[i], ns[i], epss[i])
        o, a, d = _enclosed_decision(xs[i], rels[i], line, rvs[i], ns[i], epss[i], starts[i], prefs[i], nds[i])
        wo, wa, wd = _decide_at(1.0 * (1.0 - ps[i]), rvs[i], ns[i], epss[i], starts[i], prefs[i], nds[i])
        no, na, nd_ = _decide_at(1.0 * (1.0 - xs[i]), rvs[i], ns[i], epss[i], starts[i], prefs[i], nds[i])
        out[i, 0] = 1 if o >= 0 else 0
        out[i, 1] = 1 if (o < 0 or (o == wo and a == wa and d == wd)) else 0
        out[i, 2] = 1 if (no != wo or na != wa or nd_ != wd) else 0


def _cases(rng: np.random.Generator, m: int) -> tuple[np.ndarray, ...]:
    """``m`` decisions whose threshold ``n * lo`` sits on a fast-path boundary, give or take a few
    units in the last place or a fraction of the enclosure's width; the true power ``P`` anywhere in
    ``[x(1 - rel), x(1 + rel)]`` of the enclosure ``x`` (both ends included)."""
    ns = rng.choice([1, 2, 7, 50, 100, 101, 1000, 4096], m)
    rvs = np.where(rng.random(m) < 0.3, 0.0, rng.integers(0, 80, m) / 100.0)
    rvs = np.where(rng.random(m) < 0.3, rng.uniform(0.0, 0.8, m), rvs)
    epss = np.where(rng.random(m) < 0.5, TB_EPS, ASP_EPS)
    es = np.where(rng.random(m) < 0.1, 1.0, np.exp(rng.uniform(-2.5, 2.5, m)))
    rels = np.array([pow_margin(float(e)) for e in es])
    starts = np.array([rational_start(float(r), int(n), int(rng.random() < 0.7)) for r, n in zip(rvs, ns)])
    prefs = rng.integers(0, 3, m)
    nds = rng.choice([1, 1, 3, 5], m)
    xs = np.empty(m)
    ps = np.empty(m)
    for i in range(m):
        n, umin, eps = int(ns[i]), max(float(rvs[i]), 0.0), float(epss[i])
        j = int(rng.integers(max(int(starts[i]), 1), n + 1)) if int(starts[i]) <= n else n
        kind = int(rng.integers(0, 5))
        if kind == 0:  # the ceiling's margin: n lo = j - 1e-9
            xi = j - 1e-9
        elif kind == 1:  # the nearest rule: n lo = j - 1 + 1e-6 n + 1e-9
            xi = j - 1 + 1e-6 * n + 1e-9
        elif kind == 2:  # an integer threshold
            xi = float(j)
        elif kind == 3:  # the clamp: lo at or near umin
            xi = umin * n
        else:  # anywhere
            xi = float(rng.uniform(umin * n, n))
        # the width of the enclosure in threshold units, and a few ulps
        p0 = ((1.0 - eps) - xi / n) / (1.0 - umin) if umin < 1.0 else 0.5
        p0 = min(max(p0, 1e-300), 1.0)
        width = n * (1.0 - umin) * p0 * float(rels[i])
        xi += float(rng.choice([0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0])) * width
        xi += float(rng.integers(-4, 5)) * math.ulp(max(xi, 1.0))
        p = ((1.0 - eps) - xi / n) / (1.0 - umin) if umin < 1.0 else 0.5
        if kind == 3 and rng.random() < 0.5:
            p = float(rng.uniform(p, 1.0)) if p < 1.0 else p  # deeper into the clamp
        p = min(max(p, 0.0), 1.0)
        if es[i] == 1.0:  # exact: the enclosure is the power itself
            xs[i] = p
        else:  # the power anywhere in the enclosure, its ends included
            xs[i] = p / (1.0 + float(rels[i]) * float(rng.choice([1.0, -1.0, 0.999, -0.999, 0.5, 0.0])))
        ps[i] = p
    return xs, rels, ps, rvs, ns.astype(np.int64), epss, starts.astype(np.int64), prefs.astype(np.int64), nds.astype(np.int64)


def test_enclosed_decision_on_every_boundary_is_exact() -> None:
    rng = np.random.default_rng(2026)
    args = _cases(rng, 200_000)
    out = np.zeros((args[0].shape[0], 3), dtype=np.int64)
    _check(*args, out)
    assert out[:, 1].all(), np.flatnonzero(out[:, 1] == 0)[:10]
    settled = out[:, 0] == 1
    # not vacuous: most decisions are settled by the enclosure, and among the rest are decisions
    # that the enclosure's value alone would get wrong (so a bracket that ignored the margin fails)
    assert settled.mean() > 0.3
    assert (out[:, 2] == 1).sum() > 1000


def test_enclosed_decision_without_margin_would_fail() -> None:
    """The same cases with the margin dropped (``rel = 0``: the enclosure taken as exact) give wrong
    decisions: the margin is what makes the enclosed decisions exact."""
    rng = np.random.default_rng(2026)
    xs, rels, *rest = _cases(rng, 50_000)
    out = np.zeros((xs.shape[0], 3), dtype=np.int64)
    _check(xs, np.zeros_like(rels), *rest, out)
    assert (out[:, 1] == 0).sum() > 100


@numba.njit(cache=False)
def _kernel_path(ts, es, rvs, ns, epss, starts, out):  # type: ignore[no-untyped-def]
    for i in range(ts.shape[0]):
        t, e = ts[i], es[i]
        line = _threshold_line(rvs[i], ns[i], epss[i])
        o, a, d = _enclosed_decision(pow_enclosure(t, math.log(t), e), pow_margin(e), line, rvs[i], ns[i], epss[i],
                                     starts[i], 0, 1)
        wo, wa, wd = _decide_at(1.0 * (1.0 - math.pow(t, e)), rvs[i], ns[i], epss[i], starts[i], 0, 1)
        out[i, 0] = 1 if o >= 0 else 0
        out[i, 1] = 1 if (o < 0 or (o == wo and a == wa and d == wd)) else 0


def test_enclosed_decision_from_pow_enclosure_is_exact() -> None:
    """As the kernel calls it: ``pow_enclosure(t, log t, e)`` on round times ``(k + 1) / (N + 1)``
    and on continuous ones, exponents across six orders of magnitude."""
    rng = np.random.default_rng(11)
    m = 300_000
    big = rng.integers(2, 400, m)
    ts = np.where(rng.random(m) < 0.5, (rng.integers(0, big) + 1) / (big + 1), rng.uniform(1e-6, 1.0, m))
    es = np.where(rng.random(m) < 0.1, 1.0, np.exp(rng.uniform(-7, 7, m)))
    ns = rng.choice([1, 10, 100, 1000], m).astype(np.int64)
    rvs = rng.uniform(0.0, 0.9, m)
    epss = np.where(rng.random(m) < 0.5, TB_EPS, ASP_EPS)
    starts = np.array([rational_start(float(r), int(n), 1) for r, n in zip(rvs, ns)], dtype=np.int64)
    out = np.zeros((m, 2), dtype=np.int64)
    _kernel_path(ts, es, rvs, ns, epss, starts, out)
    assert out[:, 1].all()
    assert out[:, 0].mean() > 0.9  # the enclosure settles almost every decision


def _ulp_sweep(rng: np.random.Generator, m: int, half: int) -> tuple[np.ndarray, ...]:
    """Exact powers (``rel = 0``, as for ``e = 1``) stepped one double at a time across the fast
    path's boundaries: the threshold crosses each boundary in steps of a few units in its last
    place, the size of the differences between the affine threshold and ``linear_decision``'s
    (about half of them differ by an ulp or more).  The rounding margin :math:`10^{-14} n` that
    covers them is not observable here: a decision settled one ulp on the wrong side of a margin
    of ``linear_decision``'s fast path is still its exact search's answer (those margins,
    :math:`10^{-9}` and more, dwarf the rounding); the margin keeps the proof exact."""
    rows = []
    for _ in range(m):
        n = int(rng.choice([7, 50, 100, 101, 1000, 4096]))
        rv = float(rng.choice([0.0, rng.uniform(0.0, 0.8), int(rng.integers(0, 80)) / 100]))
        eps = float(rng.choice([TB_EPS, ASP_EPS]))
        start = rational_start(rv, n, int(rng.random() < 0.7))
        umin = max(rv, 0.0)
        lo_j = max(start, 1)
        if lo_j > n:
            continue
        j = int(rng.integers(lo_j, n + 1))
        xi = float(rng.choice([j - 1e-9, j - 1 + 1e-6 * n + 1e-9, float(j)]))
        p = ((1.0 - eps) - xi / n) / (1.0 - umin)
        if not 0.0 < p < 1.0:
            continue
        for _s in range(half):
            p = math.nextafter(p, 0.0)
        for _s in range(2 * half):
            rows.append((p, rv, n, eps, start))
            p = math.nextafter(p, 1.0)
    a = np.array(rows)
    ps = a[:, 0].copy()
    k = len(rows)
    return (ps, np.zeros(k), ps, a[:, 1].copy(), a[:, 2].astype(np.int64), a[:, 3].copy(), a[:, 4].astype(np.int64),
            np.zeros(k, dtype=np.int64), np.ones(k, dtype=np.int64))


def test_enclosed_decision_is_exact_one_double_at_a_time() -> None:
    args = _ulp_sweep(np.random.default_rng(5), 3000, 40)
    out = np.zeros((args[0].shape[0], 3), dtype=np.int64)
    _check(*args, out)
    assert out[:, 1].all(), np.flatnonzero(out[:, 1] == 0)[:10]
    # the sweeps cross the boundaries: the exact offer or acceptance changes inside many of them
    ps, _, _, rvs, ns, epss, starts = args[:7]
    got = np.array([linear_decision(1.0 * (1.0 - p), r, int(n), e, int(s))
                    for p, r, n, e, s in zip(ps, rvs, ns, epss, starts)]).reshape(-1, 80, 2)
    crossing = (got != got[:, :1, :]).any(axis=(1, 2))
    assert crossing.mean() > 0.3


def test_exp_approx_encloses_exp_and_keeps_the_table_values() -> None:
    """``exp_approx`` (the kernel's enclosure of :math:`t^e = e^{e \\ln t}`) is within the margin of
    ``math.exp`` with a margin of 20 or more, returns 0.0 only where ``1 - e^z`` rounds to 1.0, and
    its power of two built from exponent bits equals the table ``2.0 ** -i`` it replaced."""
    from burdenshare.bargaining._powbound import _EXP_T, _LN2, _NE, _POW2, _Y_MIN, POW_REL_TOL, exp_approx

    @numba.njit(cache=False)
    def worst(zs):  # type: ignore[no-untyped-def]
        w = 0.0
        for i in range(zs.shape[0]):
            z = zs[i]
            q = exp_approx(z)
            y = z * (1.0 / _LN2 * _NE)
            if y >= _Y_MIN:  # the table form
                k = int(-y + 0.5)
                r = (y + k) * (_LN2 / _NE)
                er = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0)))
                if q != er * _EXP_T[k & (_NE - 1)] * _POW2[k >> 6]:
                    return math.inf
            p = math.exp(z)
            if q == 0.0:
                if 1.0 - p != 1.0:
                    return math.inf
                continue
            w = max(w, abs(q - p) / p)
        return w

    rng = np.random.default_rng(3)
    zs = np.concatenate([-rng.exponential(3.0, 500_000), rng.uniform(-45.0, 0.0, 500_000), [0.0, -38.0, -1e-300, -1e6]])
    assert worst(zs) < POW_REL_TOL / 20


@numba.njit(cache=False)
def _check_settle(xs, rels, ps, rvs, ns, epss, starts, prefs, nds, out):  # type: ignore[no-untyped-def]
    """out[i] = (_settle settled, its decision equals _enclosed_decision's, equals the exact one,
    _enclosed_decision settled it by the enclosure)."""
    for i in range(xs.shape[0]):
        n, start, pref, tgt = ns[i], starts[i], prefs[i], nds[i]
        line = _threshold_line(rvs[i], n, epss[i])
        ok, jf, s = _settle(xs[i], rels[i], line, n, start, n == 0 or start > n, abs(tgt - pref))
        du = pref + (1 if tgt >= pref else -1) * int(s)
        o, a, d = _enclosed_decision(xs[i], rels[i], line, rvs[i], n, epss[i], start, pref, tgt)
        wo, wa, wd = _decide_at(1.0 * (1.0 - ps[i]), rvs[i], n, epss[i], start, pref, tgt)
        j = int(jf)
        out[i, 0] = 1 if ok else 0
        out[i, 1] = 1 if (not ok or (j == o and j == a and du == d)) else 0
        out[i, 2] = 1 if (not ok or (j == wo and j == wa and du == wd)) else 0
        out[i, 3] = 1 if (o >= 0 and rels[i] > 0.0) else 0


def test_settle_is_enclosed_decision_without_branches() -> None:
    """``_settle`` (the vectorised fill's test, :func:`engine.kernel._own_rows`) settles exactly the
    decisions that ``_enclosed_decision``'s enclosure settles, with the same values, and each is
    the exact decision at the true power, on the boundary cases above."""
    args = _cases(np.random.default_rng(77), 200_000)
    rels = args[1]
    out = np.zeros((args[0].shape[0], 4), dtype=np.int64)
    _check_settle(*args, out)
    assert out[:, 1].all() and out[:, 2].all()
    inexact = rels > 0.0  # (rel = 0: _enclosed_decision decides every case exactly, _settle need not)
    assert (out[inexact, 0] == out[inexact, 3]).all()
    assert 0.3 < out[:, 0].mean() < 1.0  # most, not all: the boundary cases are left to math.pow


@numba.njit(cache=False)
def _fill_both(ts, lts, es, rvs, ns, epss, starts, prefs, tgts, k0s, rows, exact):  # type: ignore[no-untyped-def]
    for i in range(es.shape[0]):
        _own_rows(rows[i, 0], rows[i, 1], rows[i, 2], k0s[i], ts.shape[1] - 1, ts[i], lts[i], es[i], rvs[i], ns[i],
                  epss[i], starts[i], prefs[i], tgts[i])
        for k in range(k0s[i], ts.shape[1]):
            o, a, d = _decide_at(1.0 * (1.0 - math.pow(ts[i, k], es[i])), rvs[i], ns[i], epss[i], starts[i],
                                 prefs[i], tgts[i])
            exact[i, 0, k] = o
            exact[i, 1, k] = a
            exact[i, 2, k] = d


def test_own_rows_equals_the_reference_decisions() -> None:
    """``_own_rows`` (a key that does not recur: every remaining round in one vectorised pass, the
    enclosure's unsettled rounds by ``math.pow``) gives ``_decide_at`` at ``math.pow``'s aspiration
    in every round it fills: continuous and grid exponents (``e = 1`` exact), windows with no
    rational outcome or none at all (``n = 0``), term offers that move, rounds from any start."""
    rng = np.random.default_rng(9)
    m, r = 20_000, 100
    big = rng.integers(r + 1, 400, m)
    ts = np.sort(np.where(rng.random((m, 1)) < 0.5, (np.arange(r)[None, :] + 1) / (r + 1),
                          rng.uniform(1e-4, 1.0, (m, r))), axis=1)
    ts[:, -1] = np.where(rng.random(m) < 0.5, 1.0, ts[:, -1])
    ts = np.where(rng.random((m, 1)) < 0.2, (np.arange(r)[None, :] + 1) / (big[:, None] + 1), ts)
    lts = np.log(ts)
    es = np.where(rng.random(m) < 0.5, rng.uniform(0.2, 5.0, m), rng.choice([0.25, 1.0, 4.0], m))
    ns = rng.choice([0, 1, 7, 100, 101, 1000], m).astype(np.int64)
    rvs = np.where(rng.random(m) < 0.2, 0.0, rng.uniform(0.0, 0.9, m))
    rvs = np.where(rng.random(m) < 0.05, rng.uniform(1.0, 1.2, m), rvs)  # above the best outcome: no rational one
    epss = np.where(rng.random(m) < 0.5, TB_EPS, ASP_EPS)
    starts = np.array([rational_start(float(v), int(n), int(rng.random() < 0.8)) if n > 0 else 0
                       for v, n in zip(rvs, ns)], dtype=np.int64)
    prefs = rng.integers(0, 5, m).astype(np.int64)
    tgts = np.where(rng.random(m) < 0.5, prefs, rng.integers(0, 5, m)).astype(np.int64)
    k0s = np.where(rng.random(m) < 0.7, 0, rng.integers(0, r, m)).astype(np.int64)
    rows = np.full((m, 3, r), -7, dtype=np.int32)  # the rows of a decision table (offer, accepted, duration)
    exact = np.full((m, 3, r), -7, dtype=np.int32)
    _fill_both(ts, lts, es, rvs, ns, epss, starts, prefs, tgts, k0s, rows, exact)
    assert np.array_equal(rows, exact)
    assert (starts > ns).any() and (ns == 0).any() and (tgts != prefs).any()
