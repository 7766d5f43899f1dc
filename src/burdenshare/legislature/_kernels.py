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
