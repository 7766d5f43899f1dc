"""Replay recorded NegMAS runs (``shared/bench/negmas/outcomes.json`` format) and compare.

A reference file holds ``configs``, each with ``params`` (``scenario`` ``"1issue"`` or
``"3issue"``, ``n_steps``, ``first`` and, per party, ``kind``/``exponent``/``rv``) and the
NegMAS ``result``.  :func:`replay` runs every config through the package's engines -- the batch
kernel (default) or the scalar reference -- and :func:`compare` lists the fields that differ
among ``agreement``, ``agreement_round``, ``accepted_by``, ``proposed_by``, ``timedout``,
``final_state_step``, ``utilities`` and ``trace`` (each only where the file records it).
NegMAS itself is never imported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from burdenshare.bargaining.batch import BatchSpec, run_batch
from burdenshare.bargaining.protocol import Negotiator, run_sao
from burdenshare.bargaining.space import Domain, reference_domain
from burdenshare.bargaining.strategies import KINDS, time_based
from burdenshare.errors import SpecError

__all__ = ["load_reference", "replay", "compare", "COMPARED_FIELDS"]

Config = Mapping[str, Any]
Engine = Literal["batch", "reference"]
COMPARED_FIELDS: tuple[str, ...] = (
    "agreement",
    "agreement_round",
    "accepted_by",
    "proposed_by",
    "timedout",
    "final_state_step",
    "utilities",
    "trace",
)


#: The recorded domains a reference config may name (``params.scenario``).
REFERENCE_SCENARIOS: tuple[str, ...] = ("1issue", "3issue")
#: The parties of both domains, in the file's spelling.
_PARTIES: tuple[str, str] = ("US", "ROK")


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and bool(np.isfinite(x))


def _check_config(i: int, c: Any) -> None:
    """One config's shape (the module docstring): a one-line :class:`SpecError` naming the field."""
    where = f"configs[{i}]"
    if not isinstance(c, dict) or not isinstance(c.get("params"), dict) or not isinstance(c.get("result"), dict):
        raise SpecError("allowed: an object with a 'params' object and a 'result' object", field=where)
    p = c["params"]
    if p.get("scenario") not in REFERENCE_SCENARIOS:
        raise SpecError(f"got {p.get('scenario')!r}; allowed: {', '.join(REFERENCE_SCENARIOS)}",
                        field=f"{where}.params.scenario")
    n = p.get("n_steps")
    if not (isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 100_000):
        raise SpecError(f"got {n!r}; allowed: an integer 1..100000", field=f"{where}.params.n_steps")
    if p.get("first") not in _PARTIES:
        raise SpecError(f"got {p.get('first')!r}; allowed: {', '.join(_PARTIES)}", field=f"{where}.params.first")
    for party in _PARTIES:
        q = p.get(party)
        if not (isinstance(q, dict) and _number(q.get("exponent")) and q["exponent"] > 0
                and _number(q.get("rv")) and 0 <= q["rv"] <= 1 and q.get("kind") in KINDS):
            raise SpecError(f"allowed: {{kind: {' or '.join(KINDS)}, exponent > 0, rv in [0, 1]}}",
                            field=f"{where}.params.{party}")


def load_reference(path: str | Path) -> list[dict[str, Any]]:
    """The ``configs`` list of a reference file, each checked for the fields :func:`replay` reads.

    Raises
    ------
    SpecError
        The file cannot be read, is not JSON, has no non-empty ``configs`` list, or a config lacks a
        field (one line naming the file and the field).
    """
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        what = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SpecError(f"cannot read a JSON reference file: {what}", source=str(path)) from None
    configs = data.get("configs") if isinstance(data, dict) else None
    if not isinstance(configs, list):
        raise SpecError("reference file has no 'configs' list", field="configs", source=str(path))
    if not configs:
        raise SpecError("the 'configs' list is empty: nothing to check", field="configs", source=str(path))
    for i, c in enumerate(configs):
        try:
            _check_config(i, c)
        except SpecError as exc:
            raise SpecError(exc.message, field=exc.field, source=str(path)) from None
    return configs


def _result_dict(
    domain: Domain,
    outcomes: Sequence[list[Any]],
    agreement: int,
    rnd: int,
    acceptor: int,
    timedout: bool,
    final_step: int,
    trace: Sequence[tuple[int, int, int]] | None,
) -> dict[str, Any]:
    names = domain.parties
    agreed = agreement >= 0
    out: dict[str, Any] = {
        "agreement": list(outcomes[agreement]) if agreed else None,
        "agreement_round": rnd if agreed else None,
        "accepted_by": names[acceptor] if agreed else None,
        "proposed_by": names[1 - acceptor] if agreed else None,
        "timedout": timedout,
        "final_state_step": final_step,
        "utilities": (
            {names[p]: float(domain.table[p, agreement]) for p in (0, 1)} if agreed else None
        ),
    }
    if trace is not None:
        out["trace"] = [[k, names[q], list(outcomes[o])] for k, q, o in trace]
    return out


def _spec(domain: Domain, params: Sequence[Config]) -> BatchSpec:
    names = domain.parties
    return BatchSpec.build(
        len(params),
        exponents=[[float(p[names[0]]["exponent"]), float(p[names[1]]["exponent"])] for p in params],
        reservation_values=[[float(p[names[0]]["rv"]), float(p[names[1]]["rv"])] for p in params],
        first=[domain.party_index(p["first"]) for p in params],
        n_steps=[int(p["n_steps"]) for p in params],
        kinds=[[p[names[0]]["kind"], p[names[1]]["kind"]] for p in params],
    )


def replay(
    configs: Sequence[Config], *, engine: Engine = "batch", record_trace: bool = True
) -> list[dict[str, Any]]:
    """Run every config's ``params`` and return results in the reference file's format.

    Domains are built afresh on every call (nothing is cached between calls).

    Parameters
    ----------
    configs
        Entries of a reference file's ``configs``.
    engine
        ``"batch"`` (the Numba kernel, one batch per scenario) or ``"reference"`` (the scalar
        :func:`~burdenshare.bargaining.protocol.run_sao`).
    record_trace
        Also produce the offer trace.
    """
    out: list[dict[str, Any] | None] = [None] * len(configs)
    by_scenario: dict[str, list[int]] = {}
    for i, c in enumerate(configs):
        by_scenario.setdefault(c["params"]["scenario"], []).append(i)
    for scenario, idx in by_scenario.items():
        domain = reference_domain(scenario)  # type: ignore[arg-type]
        outcomes = [list(o) for o in domain.space.outcomes()]
        params = [configs[i]["params"] for i in idx]
        if engine == "batch":
            r = run_batch(domain, _spec(domain, params), record_trace=record_trace)
            for j, i in enumerate(idx):
                out[i] = _result_dict(
                    domain,
                    outcomes,
                    int(r.agreement[j]),
                    int(r.round[j]),
                    int(r.accepted_by[j]),
                    bool(r.timedout[j]),
                    int(r.final_step[j]),
                    r.trace(j) if record_trace else None,
                )
        elif engine == "reference":
            for p, i in zip(params, idx):
                negs = [
                    Negotiator(time_based(float(p[n]["exponent"]), p[n]["kind"]), float(p[n]["rv"]))
                    for n in domain.parties
                ]
                res = run_sao(
                    domain, negs, int(p["n_steps"]), first=p["first"], record_trace=record_trace
                )
                acc = domain.party_index(res.accepted_by) if res.accepted_by else -1
                trace = (
                    [(k, domain.party_index(q), o) for k, q, o in res.trace]
                    if res.trace is not None
                    else None
                )
                out[i] = _result_dict(
                    domain,
                    outcomes,
                    -1 if res.agreement is None else res.agreement,
                    -1 if res.round is None else res.round,
                    acc,
                    res.timedout,
                    res.final_step,
                    trace,
                )
        else:
            raise SpecError(f"unknown engine {engine!r}; allowed: batch, reference", field="engine")
    return [o for o in out if o is not None]


def compare(recorded: Mapping[str, Any], got: Mapping[str, Any]) -> list[str]:
    """Names of the compared fields that the recorded result has and ``got`` does not match."""
    bad = []
    for f in COMPARED_FIELDS:
        if f not in recorded:
            continue
        want = recorded[f]
        have = got.get(f)
        if f == "utilities" and want is not None and have is not None:
            ok = all(np.float64(want[k]) == np.float64(have[k]) for k in want)
        else:
            ok = want == have
        if not ok:
            bad.append(f)
    return bad
