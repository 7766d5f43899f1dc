"""Numba kernels for the exact consent computation (private; see :mod:`.consent`).

Each member of bloc b is absent (``1 - pi_b``), present and voting yes (``pi_b p``) or present
and not voting yes (``pi_b (1 - p)``), with ``p`` the yes probability at a latent node of its bloc.
The *margin* is ``u * yes - v * not_yes``; with ``u = v = 1`` consent by a majority of those present
is ``margin > 0``.  With ``u = 1, v = 0`` the margin is the yes count, and consent by a majority of
all seated members is ``margin > thr`` with ``thr`` the largest yes count that falls short.  The bloc's margin pmf, mixed over its nodes, is built from

    P(P_b = P) = Bin(P; n_b, pi_b),   P(Y_b = y | P_b = P, node k) = Bin(y; P, p_k),

with the binomial rows built by Pascal's recursion (all terms non-negative, no cancellation).
Blocs are independent once each bloc's own latent is mixed in, so the house margin is the
convolution of the bloc margins.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _bloc_margin(n, bin_p, p_nodes, w_nodes, u, v, out):  # pragma: no cover - jitted
    """Mixture (over nodes) pmf of u*Y - v*N for one bloc; ``out`` has (u+v)*n+1 cells, offset v*n."""
    out[:] = 0.0
    offset = v * n
    row = np.empty(n + 1)
    for k in range(p_nodes.shape[0]):
        w = w_nodes[k]
        if w == 0.0:
            continue
        p = p_nodes[k]
        q = 1.0 - p
        row[0] = 1.0
        out[offset] += w * bin_p[0]
        for big_p in range(1, n + 1):
            row[big_p] = p * row[big_p - 1]
            for y in range(big_p - 1, 0, -1):
                row[y] = q * row[y] + p * row[y - 1]
            row[0] = q * row[0]
            c = w * bin_p[big_p]
            if c == 0.0:
                continue
            for y in range(big_p + 1):
                out[u * y - v * (big_p - y) + offset] += c * row[y]


@njit(cache=True)
def margin_tail_batch(seats, bin_p, p_yes, weights, u, v, thr):  # pragma: no cover - jitted
    """P(u*Y - v*N > thr) for each amount row.

    seats (B,), bin_p (B, nmax+1) presence pmfs, p_yes / weights (A, B, K).
    """
    n_a, n_b, _ = p_yes.shape
    total = 0
    for b in range(n_b):
        total += seats[b]
    width = (u + v) * total + 1
    acc = np.zeros(width)
    new = np.zeros(width)
    out = np.empty(n_a)
    nmax = 0
    for b in range(n_b):
        if seats[b] > nmax:
            nmax = seats[b]
    bloc = np.zeros((u + v) * nmax + 1)
    for a in range(n_a):
        acc[:] = 0.0
        acc[0] = 1.0
        lo = 0  # margin of acc[0]
        length = 1
        for b in range(n_b):
            n = seats[b]
            if n == 0:
                continue
            blen = (u + v) * n + 1
            _bloc_margin(n, bin_p[b], p_yes[a, b], weights[a, b], u, v, bloc[:blen])
            new[: length + blen - 1] = 0.0
            for i in range(length):
                ai = acc[i]
                if ai == 0.0:
                    continue
                for j in range(blen):
                    new[i + j] += ai * bloc[j]
            length = length + blen - 1
            lo -= v * n
            acc[:length] = new[:length]
        s = 0.0
        for i in range(length):
            if lo + i > thr:
                s += acc[i]
        out[a] = s
    return out


@njit(cache=True)
def consent_exact_batch(seats, bin_p, p_yes, weights, u, v, quorum, thr):  # pragma: no cover - jitted
    """P(present >= quorum and u*Y - v*N > thr): exact joint over (min(present, quorum), margin).

    Slow (a 2-D convolution per bloc); used when the quorum can bind.
    """
    n_a, n_b, n_k = p_yes.shape
    total = 0
    for b in range(n_b):
        total += seats[b]
    width = (u + v) * total + 1
    nq = quorum + 1
    out = np.empty(n_a)
    for a in range(n_a):
        acc = np.zeros((nq, width))
        acc[0, 0] = 1.0
        lo = 0
        length = 1
        for b in range(n_b):
            n = seats[b]
            if n == 0:
                continue
            blen = (u + v) * n + 1
            # bloc joint g[P, margin]
            g = np.zeros((n + 1, blen))
            row = np.empty(n + 1)
            off = v * n
            for k in range(n_k):
                w = weights[a, b, k]
                if w == 0.0:
                    continue
                p = p_yes[a, b, k]
                q = 1.0 - p
                row[0] = 1.0
                g[0, off] += w * bin_p[b, 0]
                for big_p in range(1, n + 1):
                    row[big_p] = p * row[big_p - 1]
                    for y in range(big_p - 1, 0, -1):
                        row[y] = q * row[y] + p * row[y - 1]
                    row[0] = q * row[0]
                    c = w * bin_p[b, big_p]
                    if c == 0.0:
                        continue
                    for y in range(big_p + 1):
                        g[big_p, u * y - v * (big_p - y) + off] += c * row[y]
            new = np.zeros((nq, width))
            for pa in range(nq):
                for i in range(length):
                    x = acc[pa, i]
                    if x == 0.0:
                        continue
                    for pb in range(n + 1):
                        pc = pa + pb
                        if pc > quorum:
                            pc = quorum
                        # margins reachable with pb present: -v*pb .. u*pb in steps of u + v
                        for j in range(off - v * pb, off + u * pb + 1, u + v):
                            gv = g[pb, j]
                            if gv != 0.0:
                                new[pc, i + j] += x * gv
            acc = new
            length = length + blen - 1
            lo -= v * n
        s = 0.0
        for i in range(length):
            if lo + i > thr:
                s += acc[quorum, i]
        out[a] = s
    return out


# ---------------------------------------------------------------------------------------------
# O(n) bloc margins: the power of the member's margin polynomial (J. C. P. Miller's recurrence).
#
# A member of bloc b at node k adds -v (present, not yes: q_no = pi (1 - p)), 0 (absent:
# q_abs = 1 - pi) or +u (present, yes: q_yes = pi p) to the margin u*Y - v*N.  Shifted by v,
# its generating polynomial is f(z) = q_no + q_abs z^v + q_yes z^(u+v) and the bloc's margin pmf
# at the node is the coefficient list of g = f^n.  From f g' = n f' g (Miller's recurrence for
# powers of a polynomial; Knuth, TAOCP vol. 2, 4.7):
#
#     c_0 k g_k = sum_{j>=1} c_j ((n + 1) j - k) g_{k-j},
#
# whose terms are all non-negative for k <= (n + 1) * (smallest positive exponent of f), so no
# cancellation: the low end is run from g_0 = c_0^n and the high end from the reversed
# polynomial; together they cover 0..n*deg f in O(n) per node (instead of Pascal's O(n^2)).
# Probabilities below _TINY are set to 0 (a change of at most n * _TINY in total variation per
# bloc), which bounds every step's ratio; values are carried with a power-of-two exponent so
# that c_0^n may underflow while the coefficients near the mode do not.
# ---------------------------------------------------------------------------------------------

_TINY = 1e-18
_BIG = 2.0 ** 500
_SMALL = 2.0 ** -500


@njit(cache=True)
def _pow_exp(c, n):  # pragma: no cover - jitted
    """``c**n`` as (mantissa, power-of-two exponent), so it may lie below the double range."""
    r = c ** n
    if r > 1e-280:
        return r, 0
    m, e = 1.0, 0
    bm, be = math.frexp(c)
    k = n
    while k > 0:
        if k & 1:
            m, e2 = math.frexp(m * bm)
            e += be + e2
        bm, e3 = math.frexp(bm * bm)
        be = 2 * be + e3
        k >>= 1
    return m, e


@njit(cache=True)
def _power_low(n, c, d, kmax, out):  # pragma: no cover - jitted
    """``out[0..kmax]`` = coefficients of z^0..z^kmax of (c[0] + .. + c[d] z^d)^n, c[0] > 0."""
    m, e = _pow_exp(c[0], n)
    out[0] = m
    inv_c0 = 1.0 / c[0]
    n1 = float(n + 1)
    for k in range(1, kmax + 1):
        fk = float(k)
        s = 0.0
        top = d if d < k else k
        for j in range(1, top + 1):
            cj = c[j]
            if cj != 0.0:
                s += cj * (n1 * j - fk) * out[k - j]
        x = s * inv_c0 / fk
        out[k] = x
        if x > _BIG:
            for i in range(k + 1):
                out[i] *= _SMALL
            e += 500
    if e != 0:
        for k in range(kmax + 1):
            out[k] = math.ldexp(out[k], e)


@njit(cache=True)
def bloc_margin_pmf(n, q_no, q_abs, q_yes, u, v, out, work):  # pragma: no cover - jitted
    """pmf of u*Y - v*N for n members with outcome probabilities (q_no, q_abs, q_yes).

    ``out`` has (u+v)*n+1 cells, cell i is margin i - v*n; ``work`` at least as many.
    """
    d_full = u + v
    c = np.zeros(d_full + 1)
    c[0] += q_no if q_no >= _TINY else 0.0
    c[v] += q_abs if q_abs >= _TINY else 0.0
    c[d_full] += q_yes if q_yes >= _TINY else 0.0
    width = d_full * n + 1
    out[:width] = 0.0
    lo = 0
    while c[lo] == 0.0:
        lo += 1
    hi = d_full
    while c[hi] == 0.0:
        hi -= 1
    d = hi - lo
    if d == 0 or n == 0:
        m, e = _pow_exp(c[lo], n)
        out[n * lo] = math.ldexp(m, e)
        return
    cc = c[lo:hi + 1].copy()
    j_min = 1
    while cc[j_min] == 0.0:
        j_min += 1
    k_low = n * j_min  # <= n * d
    _power_low(n, cc, d, k_low, work)
    base = n * lo
    for k in range(k_low + 1):
        out[base + k] = work[k]
    n_high = n * d - k_low  # coefficients k_low + 1 .. n*d, from the top
    if n_high > 0:
        rc = cc[::-1].copy()
        _power_low(n, rc, d, n_high - 1, work)
        for k in range(n_high):
            out[base + n * d - k] = work[k]


@njit(cache=True)
def _nodes_simple_majority(n, pi, ps, idx, n_idx, out, work, mant, expo):  # pragma: no cover - jitted
    """Bloc margin pmfs (u = v = 1) of the nodes ``ps[idx[:n_idx]]`` into ``out[i]``, interleaved.

    The same recurrence as :func:`bloc_margin_pmf` for f = q_no + q_abs z + q_yes z^2, run for
    all nodes at once so that their independent chains overlap (the one-node loop waits on each
    step's division).  A node with a probability below ``_TINY`` goes through
    :func:`bloc_margin_pmf`.
    """
    nn = 2 * n
    n1 = float(n + 1)
    n2 = float(2 * n + 2)
    q_abs = 1.0 - pi
    for t in range(n_idx):
        p = ps[idx[t]]
        q_no = pi * (1.0 - p)
        q_yes = pi * p
        if q_no < _TINY or q_yes < _TINY or q_abs < _TINY:
            bloc_margin_pmf(n, q_no, q_abs, q_yes, 1, 1, out[t], work)
            expo[t, 0] = 1 << 30  # done
            continue
        m, e = _pow_exp(q_no, n)
        out[t, 0] = m
        expo[t, 0] = e
        m, e = _pow_exp(q_yes, n)
        out[t, nn] = m
        expo[t, 1] = e
        mant[t, 0] = 1.0 / q_no
        mant[t, 1] = 1.0 / q_yes
        mant[t, 2] = q_no
        mant[t, 3] = q_yes
    for k in range(1, n + 1):
        fk = float(k)
        ik = 1.0 / fk
        a_k = q_abs * (n1 - fk)
        b_k = n2 - fk
        for t in range(n_idx):
            if expo[t, 0] == 1 << 30:
                continue
            # low end: coefficient k from the bottom
            x = a_k * out[t, k - 1]
            if k >= 2:
                x += mant[t, 3] * b_k * out[t, k - 2]
            x *= mant[t, 0] * ik
            out[t, k] = x
            if x > _BIG:
                for i in range(k + 1):
                    out[t, i] *= _SMALL
                expo[t, 0] += 500
            if k < n:
                y = a_k * out[t, nn - k + 1]
                if k >= 2:
                    y += mant[t, 2] * b_k * out[t, nn - k + 2]
                y *= mant[t, 1] * ik
                out[t, nn - k] = y
                if y > _BIG:
                    for i in range(nn - k, nn + 1):
                        out[t, i] *= _SMALL
                    expo[t, 1] += 500
    for t in range(n_idx):
        if expo[t, 0] == 1 << 30:
            continue
        e0 = expo[t, 0]
        if e0 != 0:
            for k in range(n + 1):
                out[t, k] = math.ldexp(out[t, k], e0)
        e1 = expo[t, 1]
        if e1 != 0:
            for k in range(n + 1, nn + 1):
                out[t, k] = math.ldexp(out[t, k], e1)


@njit(cache=True)
def margin_tail_fast(seats, p_present, p_yes, weights, u, v, thr):  # pragma: no cover - jitted
    """P(u*Y - v*N > thr) for each amount row, bloc pmfs by :func:`bloc_margin_pmf`.

    seats (B,), p_present (B,), p_yes / weights (A, B, K).  A node whose yes probability is
    the same for every amount (the whip nodes) is computed once.  The blocs but the largest are
    convolved; the largest enters through its survival function (one dot product).
    """
    n_a, n_b, n_k = p_yes.shape
    total = 0
    nmax = 0
    big = -1
    for b in range(n_b):
        total += seats[b]
        if seats[b] > nmax:
            nmax = seats[b]
            big = b
    out = np.zeros(n_a)
    if big < 0:
        for a in range(n_a):
            out[a] = 1.0 if 0 > thr else 0.0
        return out
    dw = u + v
    bw = dw * nmax + 1
    # nodes constant over the amounts: computed once
    const = np.zeros((n_b, n_k), dtype=np.bool_)
    cache = np.zeros((n_b, n_k, bw))
    work = np.zeros(bw)
    for b in range(n_b):
        n = seats[b]
        if n == 0:
            continue
        pi = p_present[b]
        for k in range(n_k):
            p0 = p_yes[0, b, k]
            same = True
            for a in range(1, n_a):
                if p_yes[a, b, k] != p0:
                    same = False
                    break
            if same:
                const[b, k] = True
                bloc_margin_pmf(n, pi * (1.0 - p0), 1.0 - pi, pi * p0, u, v, cache[b, k], work)
    width = dw * total + 1
    acc = np.zeros(width)
    new = np.zeros(width)
    bloc = np.zeros(bw)
    node = np.zeros(bw)
    surv = np.zeros(bw + 1)
    simple = u == 1 and v == 1
    nodes = np.zeros((n_k, bw))
    idx = np.zeros(n_k, dtype=np.int64)
    mant = np.zeros((n_k, 4))
    expo = np.zeros((n_k, 2), dtype=np.int64)
    for a in range(n_a):
        acc[0] = 1.0
        lo = 0
        length = 1
        for b in range(n_b):
            n = seats[b]
            if n == 0:
                continue
            blen = dw * n + 1
            pi = p_present[b]
            bloc[:blen] = 0.0
            n_idx = 0
            if simple:
                for k in range(n_k):
                    if weights[a, b, k] != 0.0 and not const[b, k]:
                        idx[n_idx] = k
                        n_idx += 1
                if n_idx > 0:
                    _nodes_simple_majority(n, pi, p_yes[a, b], idx, n_idx, nodes, work, mant, expo)
            t = 0
            for k in range(n_k):
                w = weights[a, b, k]
                if w == 0.0:
                    continue
                if const[b, k]:
                    src = cache[b, k]
                elif simple:
                    src = nodes[t]
                    t += 1
                else:
                    p = p_yes[a, b, k]
                    bloc_margin_pmf(n, pi * (1.0 - p), 1.0 - pi, pi * p, u, v, node, work)
                    src = node
                for i in range(blen):
                    bloc[i] += w * src[i]
            if b == big:
                # survival S[j] = P(M_big index >= j), summed from the top
                surv[blen] = 0.0
                for j in range(blen - 1, -1, -1):
                    surv[j] = surv[j + 1] + bloc[j]
                continue
            new[: length + blen - 1] = 0.0
            for i in range(length):
                ai = acc[i]
                if ai == 0.0:
                    continue
                for j in range(blen):
                    new[i + j] += ai * bloc[j]
            length = length + blen - 1
            lo -= v * seats[b]
            acc[:length] = new[:length]
        # margin of acc[i] is lo + i; the big bloc's index j is margin j - v*n_big
        nb = seats[big]
        blen = dw * nb + 1
        s = 0.0
        for i in range(length):
            ai = acc[i]
            if ai == 0.0:
                continue
            # need lo + i + j - v*nb > thr  <=>  j >= thr - lo - i + v*nb + 1
            j0 = thr - lo - i + v * nb + 1
            if j0 <= 0:
                s += ai * surv[0]
            elif j0 < blen:
                s += ai * surv[j0]
        out[a] = s
        acc[:length] = 0.0
    return out
