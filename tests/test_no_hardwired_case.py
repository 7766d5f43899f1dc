"""No hard-wired case (issue 10 item 5): outside ``src/burdenshare/data/`` and
``src/burdenshare/scenarios/``, the package's code holds no SMA-specific date literals, rates,
asks, poll or context keys of one round, or Korean party names.

The check reads every module's syntax tree and looks at its literals (string constants other than
docstrings, numbers, and ``date(Y, M, D)`` calls), so prose in docstrings may cite the record.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "burdenshare"
EXEMPT_DIRS = ("data/", "scenarios/")

DATE = re.compile(r"\b(19|20)\d{2}-(0[1-9]|1[0-2])(-\d{2})?\b")
KEY = re.compile(r"[a-z]_(19|20)\d{2}\b|\b(CCGA|RM|KINU|Asan)-(19|20)\d{2}")
PARTY = re.compile(
    r"Saenuri|Liberty Korea|Democratic Party|Minjoo|United Future|Justice Party|Bareunmirae|Minsaeng|"
    r"Future Korea|Our Republican|People Power|Unified Progressive|Minjung|Party for Democracy", re.I)
#: Figures of the 2019-2020 record: the 9th/10th SMA amounts (KRW bn), the 2019-2020 rates, the
#: +13 % text, the $5 bn / $4.7 bn / $1.3 bn asks, and their base-unit forms.
FIGURES = {869.5, 920.0, 960.2, 1038.9, 1166.11, 1180.2, 1100.59, 1174.9}
FIGURE_BASE = [f * 1e9 for f in FIGURES] + [5e9, 4.7e9, 1.3e9, 5000.0, 4700.0, 1300.0]


def _is_figure(v: float) -> bool:
    return any(math.isclose(v, f, rel_tol=1e-12) for f in (*FIGURES, *FIGURE_BASE))

#: ``date(...)`` literals that are not facts of a round: the schema's bounds (the first year the
#: bundled data covers; the last date a scenario may mention) and the arbitrary epoch of the bare
#: Level-I parity plan.
ALLOWED_DATE_CALLS = {("scenario/schema.py", (1991, 1, 1)), ("scenario/schema.py", (2100, 12, 31)),
                      ("engine/parity.py", (2000, 1, 1))}
#: Party names still in code owned by the legislature part of issue 10 (chambers and party names
#: as data); listed so a new one fails, and asserted present so the list cannot go stale.
PENDING: set[tuple[str, str]] = set()


def _docstring_nodes(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            out.add(id(node.value))
    return out


def findings() -> list[tuple[str, int, str, str]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(EXEMPT_DIRS):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstring_nodes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and id(node) not in docs:
                v = node.value
                if isinstance(v, str):
                    for rx, what in ((DATE, "date"), (KEY, "key"), (PARTY, "party")):
                        if rx.search(v):
                            found.append((rel, node.lineno, what, v[:80]))
                elif isinstance(v, (int, float)) and not isinstance(v, bool) and _is_figure(v):
                    found.append((rel, node.lineno, "figure", repr(v)))
            if (isinstance(node, ast.Call) and len(node.args) == 3
                    and getattr(node.func, "attr", getattr(node.func, "id", "")) == "date"
                    and all(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in node.args)):
                args = tuple(a.value for a in node.args)  # type: ignore[attr-defined]
                if (rel, args) not in ALLOWED_DATE_CALLS:
                    found.append((rel, node.lineno, "date", repr(args)))
    return found


def test_no_case_literals_outside_data_and_scenarios() -> None:
    found = findings()
    pending = {(rel, what) for rel, _, what, _ in found if (rel, what) in PENDING}
    rest = [f for f in found if (f[0], f[2]) not in PENDING]
    assert rest == [], "case-specific literals in src/: " + "; ".join(f"{r}:{n} {w} {v!r}" for r, n, w, v in rest)
    assert pending == PENDING, f"no longer present, drop from PENDING: {sorted(PENDING - pending)}"


def test_the_check_catches_what_it_claims(tmp_path: Path) -> None:
    tree = ast.parse('X = "2020-04-01"\nY = 1038.9e9\nZ = "us_initial_ask_2020"\n"""a docstring 2019-04-05"""\n')
    consts = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in _docstring_nodes(tree)]
    assert DATE.search(consts[0]) and _is_figure(consts[1]) and KEY.search(consts[2])
    assert len(consts) == 3  # the docstring is not a literal of the code
