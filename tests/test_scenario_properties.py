"""Property tests: whatever the input, the loader accepts it or raises ScenarioError, nothing else.

Inputs: random text and bytes, mutations of the bundled sma-2020-hindsight file (deleted lines, values
replaced by random TOML values, inserted unknown keys, duplicated lines) and random overrides.
"""

from __future__ import annotations

import math
import string
import tomllib
from datetime import date
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from burdenshare.errors import ScenarioError
from burdenshare.scenario import Scenario, dump_scenario, load_scenario, loads_scenario, scenario_hash

SMA_PATH = Path(__file__).resolve().parents[1] / "src/burdenshare/scenarios/sma-2020-hindsight.toml"
SMA_TEXT = SMA_PATH.read_text(encoding="utf-8")
SMA_LINES = SMA_TEXT.splitlines()
VALUE_LINES = [
    i for i, line in enumerate(SMA_LINES) if "=" in line and not line.lstrip().startswith(("#", "["))
]


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (str(key),)
            yield from _paths(value, prefix + (str(key),))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield prefix + (str(i),)
            yield from _paths(value, prefix + (str(i),))


VALID_PATHS = sorted({".".join(p) for p in _paths(tomllib.loads(SMA_TEXT))})

PROFILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=20),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from([0, -1, 1, 0.5, 1.5, 1e12, -1e12, "none", "boulware", "us", "rok", "main", ""]),
)
toml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=8), inner, max_size=3
        ),
    ),
    max_leaves=8,
)


def render(value) -> str:
    """A value as one line of TOML source text (right-hand side of `v = ...`)."""
    if isinstance(value, dict):
        return _inline(value)
    # tomli_w may spread arrays over lines; strings are escaped, so joining lines is safe
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip().replace("\n", " ")


def _inline(table: dict) -> str:
    items = ", ".join(
        f"{tomli_w.dumps({k: 0}).split('=')[0].strip()} = {render(v) if not isinstance(v, dict) else _inline(v)}"
        for k, v in table.items()
    )
    return "{ " + items + " }"


def accepts_or_scenario_error(fn, *args, **kwargs) -> Scenario | None:
    try:
        scenario = fn(*args, **kwargs)
    except ScenarioError as exc:
        line = exc.one_line()
        assert "\n" not in line and line
        assert exc.line is None or exc.line >= 1
        return None
    assert isinstance(scenario, Scenario)
    # anything accepted dumps and reloads to an equal scenario
    again = loads_scenario(dump_scenario(scenario))
    assert again == scenario and scenario_hash(again) == scenario_hash(scenario)
    return scenario


@PROFILE
@given(st.text(max_size=400))
@example("")
@example("schema_version = 1")
@example("schema_version = true")
@example("a = [[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]")
@example("schema_version = 1\n[levers]\n[levers]\n")
def test_random_text(text):
    accepts_or_scenario_error(loads_scenario, text, source="random.toml")


@PROFILE
@given(st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "random.toml"
    path.write_bytes(data)
    accepts_or_scenario_error(load_scenario, path)


@PROFILE
@given(st.lists(st.sampled_from(range(len(SMA_LINES))), min_size=1, max_size=6, unique=True))
def test_deleted_lines(indices):
    lines = [line for i, line in enumerate(SMA_LINES) if i not in set(indices)]
    accepts_or_scenario_error(loads_scenario, "\n".join(lines), source="deleted.toml")


@PROFILE
@given(st.lists(st.tuples(st.sampled_from(VALUE_LINES), toml_values), min_size=1, max_size=3))
def test_values_replaced_by_random_toml(replacements):
    lines = list(SMA_LINES)
    for index, value in replacements:
        key = lines[index].split("=", 1)[0]
        lines[index] = f"{key}= {render(value)}"
    accepts_or_scenario_error(loads_scenario, "\n".join(lines), source="mutated.toml")


@PROFILE
@given(
    st.sampled_from(range(len(SMA_LINES) + 1)),
    st.text(alphabet=string.ascii_letters + "_-", min_size=1, max_size=12),
    toml_values,
)
def test_inserted_unknown_keys(position, key, value):
    lines = list(SMA_LINES)
    lines.insert(position, f"{key} = {render(value)}")
    accepts_or_scenario_error(loads_scenario, "\n".join(lines), source="inserted.toml")


@PROFILE
@given(st.lists(st.sampled_from(range(len(SMA_LINES))), min_size=1, max_size=3))
def test_duplicated_lines(indices):
    lines = list(SMA_LINES)
    for i in sorted(indices, reverse=True):
        lines.insert(i, lines[i])
    accepts_or_scenario_error(loads_scenario, "\n".join(lines), source="dup.toml")


override_paths = st.one_of(
    st.sampled_from(VALID_PATHS),
    st.text(alphabet=string.ascii_lowercase + "._0123456789", max_size=30),
    st.builds(
        lambda p, s: f"{p}.{s}",
        st.sampled_from(VALID_PATHS),
        st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=6),
    ),
)
override_values = st.one_of(toml_values.map(render), st.text(max_size=30))


@PROFILE
@given(
    st.lists(
        st.tuples(override_paths, st.sampled_from(["=", "", "==", " = "]), override_values),
        min_size=1,
        max_size=3,
    )
)
@example([("levers.transparency", "=", "0.8")])
@example([("levers.allowed_durations", "=", "[1,3,5]")])
@example([("levers", "=", "{}")])
@example([("uncertainty.0", "=", '{param = "levers.transparency", dist = "normal", mean = 0, sd = 1}')])
@example([("legislature.periods.0.seats", "=", "[1]")])
@example([("cost_model.exchange_rates_krw_per_usd.-5", "=", "3")])
@example([("strategies", "=", "3")])
def test_random_overrides(overrides):
    accepts_or_scenario_error(load_scenario, "sma-2020-hindsight", [f"{p}{sep}{v}" for p, sep, v in overrides])


@PROFILE
@given(
    st.floats(min_value=0, max_value=1),
    st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=5, unique=True),
)
def test_valid_lever_overrides_are_accepted(transparency, durations):
    s = load_scenario(
        "sma-2020-hindsight", [f"levers.transparency={transparency!r}", f"levers.allowed_durations={durations}"]
    )
    assert math.isclose(s.levers.transparency, transparency) and s.levers.allowed_durations == durations


@PROFILE
@given(st.dictionaries(st.sampled_from(sorted(tomllib.loads(SMA_TEXT))), toml_values, max_size=3))
def test_top_level_sections_replaced(replacement):
    raw = tomllib.loads(SMA_TEXT)
    raw.update(replacement)
    try:
        text = tomli_w.dumps(raw)
    except (TypeError, ValueError):
        assume(False)
    accepts_or_scenario_error(loads_scenario, text, source="sections.toml")
