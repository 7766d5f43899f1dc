r"""The exact margin kernel, eight amounts at a time (private; see :mod:`.table`).

:func:`margin_tail_lanes` computes what :func:`~._kernels.margin_tail_fast` computes, bit for
bit, for a majority of those present (``u = v = 1``): for each amount, P(yes - not_yes > thr)
with each bloc mixed over its latent nodes (whip-yes, whip-no, the opinion-shock nodes) and the
blocs convolved (:mod:`.consent`).  Only the order of the work changes.  ``margin_tail_fast``
takes one amount at a time, and each opinion-shock node's pmf is a chain of O(n) dependent
steps (J. C. P. Miller's recurrence for the n-th power of the member's trinomial; Knuth,
*TAOCP* vol. 2, §4.7) run one amount after another.  Here the amounts are taken ``LANES`` at
a time, one *lane* each: every step of the recurrence, every term of the node mixture, of the
bloc convolution and of the final tail sum is done for the ``LANES`` amounts together, as one
vector operation (:mod:`._simd`) on arrays laid out (cell, lane), where ``margin_tail_fast``
did one scalar operation per amount.  The recurrence runs two nodes' chains from both ends at
once in vector registers; the mixture, the survival function and the convolution each sum a
cell in a register (the convolution two cells at a time) instead of adding into memory.

Each lane performs exactly the floating-point operations of ``margin_tail_fast`` for its
amount, in the same order:

* the recurrence: the same products and sums (``_nodes_simple_majority``), the same start
  ``c**n`` as mantissa and power-of-two exponent (``_pow_exp``), the same rescaling by
  ``2**-500`` of a lane's earlier cells when a value passes ``2**500`` and the same final
  ``ldexp``; a node with a probability below ``_TINY`` goes through ``bloc_margin_pmf`` as there;
* nodes whose yes probability is the same at every amount (the whip nodes) from one
  ``bloc_margin_pmf`` call per bloc and node, as there;
* the mixture ``bloc += w * pmf`` node by node in node order; the convolution
  ``new[i + j] += acc[i] * bloc[j]``, whose cell ``i + j`` receives its terms in ascending ``i``
  (summed here cell by cell in that order, from 0); the largest bloc through its survival
  function summed from the top; the tail ``s += acc[i] * surv[j0]`` in ``i`` order.

``margin_tail_fast`` skips a node whose weight is 0 and a cell whose value is 0; a lane here adds
``0 * x`` (x finite, so +0) instead, which leaves every sum unchanged.  The tests check bit
equality on the bundled scenarios' tables and on random houses that reach every branch (tiny
probabilities, exponents, rescaling).  Other majorities (``u, v`` not 1) go to
``margin_tail_fast``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from burdenshare.legislature._kernels import _BIG, _SMALL, _TINY, _pow_exp, bloc_margin_pmf, margin_tail_fast
from burdenshare.legislature._simd import LANES, vadd, vany_gt, vdiv, vload, vmul, vpowi, vsplat, vstore, vsub



@njit(cache=True)
def _ldexp_cells(col, i0, i1, t, e):  # pragma: no cover - jitted
    """``col[i, t] = ldexp(col[i, t], e)`` for ``i0 <= i < i1``.  Where ``2**e`` is a normal
    double this is one multiplication by it: IEEE 754 rounds ``x * 2**e`` once, as ``ldexp`` does
    (the tests compare both, subnormal results included)."""
    if -1022 <= e <= 1023:
        m = 2.0 ** e
        for i in range(i0, i1):
            col[i, t] = col[i, t] * m
    else:
        for i in range(i0, i1):
            col[i, t] = math.ldexp(col[i, t], e)


@njit(cache=True)
def _rescale(col, i0, i1, c, e, k_at, e0):  # pragma: no cover - jitted
    """Lanes c..c+7 whose cell ``k_at`` passed ``_BIG``: cells i0..i1-1 times ``_SMALL``, exponent + 500
    (``_nodes_simple_majority``'s rescaling; a lane done by ``bloc_margin_pmf`` is left alone)."""
    for t in range(c, c + LANES):
        if col[k_at, t] > _BIG and e0[t] != 1 << 30:
            for i in range(i0, i1):
                col[i, t] *= _SMALL
            e[t] += 500


@njit(cache=True)
def _chains(n, q_abs, col, c0, c1, c_no, c_yes, inv0, inv1, e0, e1, special):  # pragma: no cover - jitted
    """Miller's recurrence from both ends for the lanes c0..c0+7 and c1..c1+7 of ``col`` (2n + 1, W):
    ``_nodes_simple_majority``'s steps, lane by lane, with the four chains held in vector registers.
    ``col[0]`` and ``col[2n]`` hold the starts; with ``special`` a lane may pass ``_BIG`` and is rescaled."""
    nn = 2 * n
    w = col.shape[1]
    n1 = float(n + 1)
    n2 = float(2 * n + 2)
    cy0 = vload(c_yes, c0)
    cy1 = vload(c_yes, c1)
    cn0 = vload(c_no, c0)
    cn1 = vload(c_no, c1)
    i00 = vload(inv0, c0)
    i01 = vload(inv0, c1)
    i10 = vload(inv1, c0)
    i11 = vload(inv1, c1)
    # low end: l*1 = cell k - 1, l*2 = cell k - 2; high end: h*1 = cell nn - k + 1, h*2 = nn - k + 2
    la1 = vload(col, c0)
    lb1 = vload(col, c1)
    ha1 = vload(col, nn * w + c0)
    hb1 = vload(col, nn * w + c1)
    la2 = la1
    lb2 = lb1
    ha2 = ha1
    hb2 = hb1
    for k in range(1, n + 1):
        fk = float(k)
        ik = vsplat(1.0 / fk)
        ak = vsplat(q_abs * (n1 - fk))
        bk = vsplat(n2 - fk)
        # x = a_k * r1 (+ c_yes * b_k * r2 from k = 2); x *= inv0 * ik
        xa = vmul(ak, la1)
        xb = vmul(ak, lb1)
        if k >= 2:
            xa = vadd(xa, vmul(vmul(cy0, bk), la2))
            xb = vadd(xb, vmul(vmul(cy1, bk), lb2))
        xa = vmul(xa, vmul(i00, ik))
        xb = vmul(xb, vmul(i01, ik))
        vstore(col, k * w + c0, xa)
        vstore(col, k * w + c1, xb)
        if special:
            if vany_gt(xa, _BIG) or vany_gt(xb, _BIG):
                _rescale(col, 0, k + 1, c0, e0, k, e0)
                if c1 != c0:
                    _rescale(col, 0, k + 1, c1, e0, k, e0)
                xa = vload(col, k * w + c0)
                xb = vload(col, k * w + c1)
                la1 = vload(col, (k - 1) * w + c0)
                lb1 = vload(col, (k - 1) * w + c1)
        la2 = la1
        lb2 = lb1
        la1 = xa
        lb1 = xb
        if k < n:
            h = nn - k
            ya = vmul(ak, ha1)
            yb = vmul(ak, hb1)
            if k >= 2:
                ya = vadd(ya, vmul(vmul(cn0, bk), ha2))
                yb = vadd(yb, vmul(vmul(cn1, bk), hb2))
            ya = vmul(ya, vmul(i10, ik))
            yb = vmul(yb, vmul(i11, ik))
            vstore(col, h * w + c0, ya)
            vstore(col, h * w + c1, yb)
            if special:
                if vany_gt(ya, _BIG) or vany_gt(yb, _BIG):
                    _rescale(col, h, nn + 1, c0, e1, h, e0)
                    if c1 != c0:
                        _rescale(col, h, nn + 1, c1, e1, h, e0)
                    ya = vload(col, h * w + c0)
                    yb = vload(col, h * w + c1)
                    ha1 = vload(col, (h + 1) * w + c0)
                    hb1 = vload(col, (h + 1) * w + c1)
            ha2 = ha1
            hb2 = hb1
            ha1 = ya
            hb1 = yb


@njit(cache=True)
def _shock_pmfs_lanes(n, pi, p, n_lanes, col, tmp, work, inv0, inv1, c_no, c_yes, e0, e1):  # pragma: no cover - jitted
    """``col[:2n+1, t]`` = the margin pmf (u = v = 1) of n members at yes probability ``p[t]``,
    for the lanes ``t < n_lanes``.

    Lane t is bit for bit what ``_nodes_simple_majority`` (or, with a probability below
    ``_TINY``, ``bloc_margin_pmf``) gives for that node: the same operations on the same values.
    """
    nn = 2 * n
    n1 = float(n + 1)
    n2 = float(2 * n + 2)
    q_abs = 1.0 - pi
    special = False
    slow = False
    done = 1 << 30
    # q_no, q_yes, their n-th powers and inverses, eight lanes at a time (the scalar operations
    # of _nodes_simple_majority; c ** n by Numba's binary powering, as vpowi)
    one = vsplat(1.0)
    piv = vsplat(pi)
    for c in range(0, n_lanes, LANES):
        pv = vload(p, c)
        qn = vmul(piv, vsub(one, pv))
        qy = vmul(piv, pv)
        vstore(c_no, c, qn)
        vstore(c_yes, c, qy)
        vstore(inv0, c, vdiv(one, qn))
        vstore(inv1, c, vdiv(one, qy))
        if n <= 65536:
            vstore(col, c, vpowi(qn, n))
            vstore(col, nn * col.shape[1] + c, vpowi(qy, n))
    for t in range(n_lanes):
        q_no = c_no[t]
        q_yes = c_yes[t]
        if q_no < _TINY or q_yes < _TINY or q_abs < _TINY:
            slow = True
            e0[t] = done  # computed below by bloc_margin_pmf
            e1[t] = 0
            c_no[t] = 0.5  # a finite stand-in for the lane's steps
            c_yes[t] = 0.5
            inv0[t] = 2.0
            inv1[t] = 2.0
            col[0, t] = 0.5
            col[nn, t] = 0.5
            continue
        e0[t] = 0
        e1[t] = 0
        if n > 65536 or not col[0, t] > 1e-280:  # _pow_exp's mantissa and exponent
            m, e = _pow_exp(q_no, n)
            col[0, t] = m
            e0[t] = e
        if n > 65536 or not col[nn, t] > 1e-280:
            m, e = _pow_exp(q_yes, n)
            col[nn, t] = m
            e1[t] = e
        if e0[t] != 0 or e1[t] != 0:
            special = True
    n_slot = n_lanes // LANES
    for s0 in range(0, n_slot, 2):
        s1 = s0 + 1 if s0 + 1 < n_slot else s0
        sp = False
        if special:
            for t in range(s0 * LANES, (s1 + 1) * LANES):
                if (e0[t] != 0 and e0[t] != done) or e1[t] != 0:
                    sp = True
        _chains(n, q_abs, col, s0 * LANES, s1 * LANES, c_no, c_yes, inv0, inv1, e0, e1, sp)
    if special or slow:
        for t in range(n_lanes):
            if e0[t] == done:
                pt = p[t]
                bloc_margin_pmf(n, pi * (1.0 - pt), q_abs, pi * pt, 1, 1, tmp, work)
                for i in range(nn + 1):
                    col[i, t] = tmp[i]
                continue
            if e0[t] != 0:
                _ldexp_cells(col, 0, n + 1, t, e0[t])
            if e1[t] != 0:
                _ldexp_cells(col, n + 1, nn + 1, t, e1[t])


@njit(cache=True)
def _lanes_tail(seats, pi_b, p_yes, weights, thr, const, cache, big, out, acc, new, bloc, surv, col, pl, wl, slot,
                tmp, work, inv0, inv1, c_no, c_yes, e0, e1):  # pragma: no cover - jitted
    """``out[a]`` = P(Y - N > thr) for every amount a (u = v = 1), ``LANES`` amounts at a time.

    ``const[b, k]``: node k of bloc b has the same yes probability at every amount, its pmf in
    ``cache[b, k]``.  Work arrays: ``acc``, ``new`` (width * LANES), ``bloc`` (bw * LANES),
    ``surv`` ((bw + 1) * LANES), ``col`` (bw, K * LANES), per-lane ``pl``, ``inv0``.. (K * LANES),
    ``wl`` (K, LANES), ``slot`` (K,).  Each lane's operations are ``margin_tail_fast``'s for its
    amount (module docstring).
    """
    n_a, n_b, n_k = p_yes.shape
    nlw = col.shape[1]
    zero = vsplat(0.0)
    res = np.zeros(LANES)
    for a0 in range(0, n_a, LANES):
        nl = min(LANES, n_a - a0)
        vstore(acc, 0, vsplat(1.0))
        lo = 0
        length = 1
        for b in range(n_b):
            n = seats[b]
            if n == 0:
                continue
            blen = 2 * n + 1
            pi = pi_b[b]
            # the nodes with a weight at some amount of the group: each non-constant one takes a
            # slot of LANES lanes in ``col``; the slots' recurrences run two at a time
            n_slot = 0
            for k in range(n_k):
                any_w = False
                for t in range(LANES):
                    a = a0 + t if t < nl else a0 + nl - 1
                    wl[k, t] = weights[a, b, k] if t < nl else 0.0
                    if wl[k, t] != 0.0:
                        any_w = True
                if not any_w:
                    slot[k] = -2
                elif const[b, k]:
                    slot[k] = -1
                else:
                    slot[k] = n_slot
                    for t in range(LANES):
                        a = a0 + t if t < nl else a0 + nl - 1
                        pl[n_slot * LANES + t] = p_yes[a, b, k]
                    n_slot += 1
            if n_slot > 0:
                _shock_pmfs_lanes(n, pi, pl, n_slot * LANES, col, tmp, work, inv0, inv1, c_no, c_yes, e0, e1)
            # the mixture: each cell summed node by node in node order (bloc = 0 + w * pmf + ..)
            for i in range(blen):
                x = zero
                for k in range(n_k):
                    sk = slot[k]
                    if sk == -2:
                        continue
                    if sk == -1:
                        x = vadd(x, vmul(vload(wl, k * LANES), vsplat(cache[b, k, i])))
                    else:
                        x = vadd(x, vmul(vload(wl, k * LANES), vload(col, i * nlw + sk * LANES)))
                vstore(bloc, i * LANES, x)
            if b == big:
                # survival S[j] = P(M_big index >= j), summed from the top (S[blen] = 0)
                x = zero
                vstore(surv, blen * LANES, x)
                for j in range(blen - 1, -1, -1):
                    x = vadd(x, vload(bloc, j * LANES))
                    vstore(surv, j * LANES, x)
                continue
            # the convolution new = acc * bloc: each cell c summed over i ascending (the order of
            # margin_tail_fast's "new[i + j] += acc[i] * bloc[j]", i outer), two cells at a time
            n_c = length + blen - 1
            for c in range(0, n_c, 2):
                lo_a = c - blen + 1 if c >= blen - 1 else 0
                hi_a = c if c < length else length - 1
                if c + 1 >= n_c:
                    x = zero
                    for i in range(lo_a, hi_a + 1):
                        x = vadd(x, vmul(vload(acc, i * LANES), vload(bloc, (c - i) * LANES)))
                    vstore(new, c * LANES, x)
                    continue
                lo_b = c + 1 - blen + 1 if c + 1 >= blen - 1 else 0
                hi_b = c + 1 if c + 1 < length else length - 1
                x = zero
                y = zero
                if lo_a < lo_b:  # cell c's first term (i = lo_a) is not cell c + 1's
                    x = vadd(x, vmul(vload(acc, lo_a * LANES), vload(bloc, (c - lo_a) * LANES)))
                for i in range(lo_b, hi_a + 1):
                    g = vload(acc, i * LANES)
                    x = vadd(x, vmul(g, vload(bloc, (c - i) * LANES)))
                    y = vadd(y, vmul(g, vload(bloc, (c + 1 - i) * LANES)))
                if hi_b > hi_a:  # cell c + 1's last term
                    y = vadd(y, vmul(vload(acc, hi_b * LANES), vload(bloc, (c + 1 - hi_b) * LANES)))
                vstore(new, c * LANES, x)
                vstore(new, (c + 1) * LANES, y)
            length = n_c
            lo -= n
            acc, new = new, acc
        nb = seats[big]
        blen = 2 * nb + 1
        x = zero
        for i in range(length):
            j0 = thr - lo - i + nb + 1
            if j0 <= 0:
                j0 = 0
            elif j0 >= blen:
                continue
            x = vadd(x, vmul(vload(acc, i * LANES), vload(surv, j0 * LANES)))
        vstore(res, 0, x)
        for t in range(nl):
            out[a0 + t] = res[t]


@njit(cache=True, nogil=True)  # releases the GIL: a bank's members in threads (engine.member_threads)
def margin_tail_lanes_table(seats, p_present, p_yes, weights, u, v, thr):  # pragma: no cover - jitted
    """``out[l, d] = margin_tail_fast(seats, p_present[l], p_yes[d], weights[d], u, v, thr)`` bit
    for bit, (L, D, A), ``LANES`` amounts at a time for ``u = v = 1`` (module docstring).

    seats (B,), p_present (L, B) attendance levels, p_yes / weights (D, A, B, K) per duration.
    A node whose yes probability is the same at every amount of a duration (the whip nodes) is
    computed once per attendance level, bloc and probability, as ``margin_tail_fast`` computes it.
    """
    n_l = p_present.shape[0]
    n_d, n_a, n_b, n_k = p_yes.shape
    out = np.zeros((n_l, n_d, n_a))
    if u != 1 or v != 1 or n_a == 0:
        for i in range(n_l):
            for d in range(n_d):
                out[i, d] = margin_tail_fast(seats, p_present[i], p_yes[d], weights[d], u, v, thr)
        return out
    total = 0
    nmax = 0
    big = -1
    for b in range(n_b):
        total += seats[b]
        if seats[b] > nmax:
            nmax = seats[b]
            big = b
    if big < 0:
        for i in range(n_l):
            for d in range(n_d):
                for a in range(n_a):
                    out[i, d, a] = 1.0 if 0 > thr else 0.0
        return out
    bw = 2 * nmax + 1
    width = 2 * total + 1
    nlw = n_k * LANES
    const = np.zeros((n_b, n_k), dtype=np.bool_)
    cache = np.zeros((n_b, n_k, bw))
    have = np.zeros((n_b, n_k), dtype=np.bool_)  # cache[b, k] holds the pmf at p_at[b, k] (this level)
    p_at = np.zeros((n_b, n_k))
    work = np.zeros(bw)
    tmp = np.zeros(bw)
    acc = np.zeros(width * LANES)
    new = np.zeros(width * LANES)
    bloc = np.zeros(bw * LANES)
    surv = np.zeros((bw + 1) * LANES)
    col = np.zeros((bw, nlw))
    pl = np.zeros(nlw)
    wl = np.zeros((n_k, LANES))
    slot = np.zeros(n_k, dtype=np.int64)
    inv0 = np.zeros(nlw)
    inv1 = np.zeros(nlw)
    c_no = np.zeros(nlw)
    c_yes = np.zeros(nlw)
    e0 = np.zeros(nlw, dtype=np.int64)
    e1 = np.zeros(nlw, dtype=np.int64)
    for i in range(n_l):
        pi_b = p_present[i]
        have[:, :] = False
        for d in range(n_d):
            py = p_yes[d]
            # nodes constant over the amounts: their pmf once (as margin_tail_fast)
            for b in range(n_b):
                n = seats[b]
                const[b] = False
                if n == 0:
                    continue
                pi = pi_b[b]
                for k in range(n_k):
                    p0 = py[0, b, k]
                    same = True
                    for a in range(1, n_a):
                        if py[a, b, k] != p0:
                            same = False
                            break
                    if same:
                        const[b, k] = True
                        if not (have[b, k] and p_at[b, k] == p0):
                            bloc_margin_pmf(n, pi * (1.0 - p0), 1.0 - pi, pi * p0, 1, 1, cache[b, k], work)
                            have[b, k] = True
                            p_at[b, k] = p0
            _lanes_tail(seats, pi_b, py, weights[d], thr, const, cache, big, out[i, d], acc, new, bloc, surv, col,
                        pl, wl, slot, tmp, work, inv0, inv1, c_no, c_yes, e0, e1)
    return out
