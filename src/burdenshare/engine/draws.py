r"""All randomness of a run, drawn up front into arrays with a leading draw axis (DESIGN.md §5).

**Streams.**  One ``seed`` gives one child stream per fixed block of :data:`BLOCK_SIZE` draws:
block :math:`b` uses ``numpy.random.Generator(PCG64(SeedSequence(seed, spawn_key=(b,))))``.  A
chunk is a run of whole blocks; every block is drawn in full and then cut to the draws asked
for, so draw :math:`i` has the same values whatever the chunk size, worker count or total number
of draws (common random numbers across runs that differ only in ``draws``).

**Columns** (drawn in this order inside each block, each of length :data:`BLOCK_SIZE`):

1. one column per ``[[uncertainty]]`` entry of the scenario, in file order, from its
   distribution (``uniform``, ``normal``, ``truncnorm`` by inverse CDF, ``beta`` scaled to
   ``[low, high]``, ``triangular``, ``lognormal``, ``bernoulli`` as 0/1);
2. vote-level and type randomness, uniforms on [0, 1): ``u_obstinate_us``,
   ``u_obstinate_rok`` (Abreu & Gul 2000 types: obstinate iff ``u < obstinate_probability``),
   ``u_administration`` (the US administration changes at the 3 Nov 2020 election iff
   ``u < p_administration_change``), ``u_bank`` (which Level-II parameter set of the bank the
   draw uses, :mod:`burdenshare.engine.consent`), and ``u_vote`` with one column per round (the
   consent vote held in round k passes iff ``u_vote[k] < P(consent)``).
3. from a stream of its own per block (:mod:`burdenshare.engine.index_draws`), only where the
   scenario states a spread for an index year its escalator reads: ``z_index``, one standard
   normal column per drawn index year.

The President's approval needs no uniform of its own: his reservation value is itself drawn
(``parties.principal.reservation_value_krw`` under ``[[uncertainty]]``) and he approves iff
the initialled amount is at least that value.  Seat draws where sources conflict are Level-II
parameters (``legislature.periods.<i>.seats.<bloc>``) and enter through the bank.

Nothing here is used by the kernels: they receive the arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from burdenshare.errors import SpecError

__all__ = [
    "BLOCK_SIZE",
    "BANK_SPAWN_KEY",
    "UNIFORM_COLUMNS",
    "DrawLayout",
    "Draws",
    "block_generator",
    "draw_block",
    "draw_range",
    "sample_distribution",
]

#: Draws per block: the unit of seeding (a constant, never the chunk size).
BLOCK_SIZE: int = 1024
#: ``spawn_key`` of the stream that draws the Level-II parameter bank (far above any block index).
BANK_SPAWN_KEY: int = 2**32 - 1
#: Names of the uniform columns drawn after the scenario's uncertain parameters.
UNIFORM_COLUMNS: tuple[str, ...] = ("u_obstinate_us", "u_obstinate_rok", "u_administration", "u_bank")


def block_generator(seed: int, block: int) -> np.random.Generator:
    """The generator of block ``block``: ``SeedSequence(seed, spawn_key=(block,))``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def sample_distribution(dist: object, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
    """``size`` draws of one ``[[uncertainty]]`` distribution (a schema model) from ``rng``.

    Raises
    ------
    SpecError
        For a distribution kind the engine does not know (``field="dist"``).
    """
    kind = getattr(dist, "dist")
    if kind == "uniform":
        return rng.uniform(dist.low, dist.high, size)  # type: ignore[attr-defined]
    if kind == "normal":
        return rng.normal(dist.mean, dist.sd, size)  # type: ignore[attr-defined]
    if kind == "truncnorm":
        from scipy import stats  # heavy (0.4 s): only where a truncated normal is drawn

        u = rng.random(size)
        a = (dist.low - dist.mean) / dist.sd  # type: ignore[attr-defined]
        b = (dist.high - dist.mean) / dist.sd  # type: ignore[attr-defined]
        x = stats.truncnorm.ppf(u, a, b, loc=dist.mean, scale=dist.sd)  # type: ignore[attr-defined]
        return np.clip(x, dist.low, dist.high)  # type: ignore[attr-defined]
    if kind == "beta":
        return dist.low + (dist.high - dist.low) * rng.beta(dist.a, dist.b, size)  # type: ignore[attr-defined]
    if kind == "triangular":
        return rng.triangular(dist.low, dist.mode, dist.high, size)  # type: ignore[attr-defined]
    if kind == "lognormal":
        return rng.lognormal(dist.mu, dist.sigma, size)  # type: ignore[attr-defined]
    if kind == "bernoulli":
        return (rng.random(size) < dist.p).astype(np.float64)  # type: ignore[attr-defined]
    raise SpecError(f"unknown distribution {kind!r}", field="dist")


@dataclass(frozen=True, slots=True)
class DrawLayout:
    """What one draw holds: the uncertain parameters (in scenario order) and the round count.

    Attributes
    ----------
    params
        Dotted paths of the ``[[uncertainty]]`` entries, in file order.
    dists
        Their distribution models (the scenario's own objects).
    n_rounds
        Rounds of the calendar (one ``u_vote`` column each).
    n_index
        Index years drawn per draw (one ``z_index`` column each; 0: none).
    """

    params: tuple[str, ...]
    dists: tuple[object, ...]
    n_rounds: int
    n_index: int = 0

    @classmethod
    def from_scenario(cls, scenario: object, n_rounds: int) -> DrawLayout:
        """The layout of ``scenario`` (its ``uncertainty`` list, its drawn index years) with ``n_rounds`` rounds."""
        from burdenshare.engine.index_draws import n_index_years

        unc = tuple(getattr(scenario, "uncertainty"))
        return cls(tuple(d.param for d in unc), unc, int(n_rounds), n_index_years(scenario))


@dataclass(frozen=True, slots=True)
class Draws:
    """Draws ``start .. start + n - 1`` of a run.

    Attributes
    ----------
    index
        (n,) global draw indices.
    params
        (n, P) values of the uncertain parameters, columns in ``DrawLayout.params`` order.
    uniforms
        (n, 4) columns :data:`UNIFORM_COLUMNS`.
    u_vote
        (n, n_rounds) consent-vote uniforms.
    z_index
        (n, n_index) standard normals of the drawn index years (None: none drawn).
    """

    index: NDArray[np.int64]
    params: NDArray[np.float64]
    uniforms: NDArray[np.float64]
    u_vote: NDArray[np.float64]
    z_index: NDArray[np.float64] | None = None

    def __len__(self) -> int:
        return int(self.index.size)

    def column(self, layout: DrawLayout, name: str) -> NDArray[np.float64]:
        """One column by parameter path or uniform name."""
        if name in UNIFORM_COLUMNS:
            return self.uniforms[:, UNIFORM_COLUMNS.index(name)]
        return self.params[:, layout.params.index(name)]


def draw_block(layout: DrawLayout, seed: int, block: int) -> Draws:
    """All :data:`BLOCK_SIZE` draws of block ``block`` (see the module docstring for the order)."""
    rng = block_generator(seed, block)
    n = BLOCK_SIZE
    params = np.empty((n, len(layout.params)))
    for j, dist in enumerate(layout.dists):
        params[:, j] = sample_distribution(dist, rng, n)
    uniforms = rng.random((len(UNIFORM_COLUMNS), n)).T.copy()
    u_vote = rng.random((layout.n_rounds, n)).T.copy()
    index = np.arange(block * n, (block + 1) * n, dtype=np.int64)
    z = None
    if layout.n_index:
        from burdenshare.engine.index_draws import index_block

        z = index_block(seed, block, layout.n_index)
    return Draws(index, params, uniforms, u_vote, z)


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SpecError(f"got {seed!r}; allowed: an integer >= 0", field="seed")
    return int(seed)


def draw_range(layout: DrawLayout, seed: int, start_block: int, n_blocks: int, n_draws: int) -> Draws:
    """Blocks ``start_block .. start_block + n_blocks - 1``, cut to the draws below ``n_draws``.

    Parameters
    ----------
    layout
        The run's :class:`DrawLayout`.
    seed
        The run's seed (an integer >= 0).
    start_block, n_blocks
        The chunk, in whole blocks.
    n_draws
        Total draws of the run (the last block is cut there).

    Returns
    -------
    Draws

    Raises
    ------
    SpecError
        If the seed is not a non-negative integer.

    Examples
    --------
    >>> from burdenshare.engine.draws import DrawLayout, draw_range
    >>> lay = DrawLayout((), (), 2)
    >>> a = draw_range(lay, 7, 0, 2, 1500)
    >>> b = draw_range(lay, 7, 1, 1, 1500)
    >>> bool((a.u_vote[1024:] == b.u_vote).all()), len(a), len(b)
    (True, 1500, 476)
    """
    seed = _check_seed(seed)
    parts: Sequence[Draws] = [draw_block(layout, seed, b) for b in range(start_block, start_block + n_blocks)]
    index = np.concatenate([p.index for p in parts])
    keep = index < n_draws
    return Draws(
        index[keep],
        np.concatenate([p.params for p in parts])[keep],
        np.concatenate([p.uniforms for p in parts])[keep],
        np.concatenate([p.u_vote for p in parts])[keep],
        None if layout.n_index == 0 else np.concatenate([p.z_index for p in parts if p.z_index is not None])[keep],
    )
