"""The levers a scenario offers, read from the scenario schema (not a hand list).

Every field of :class:`burdenshare.scenario.schema.Levers` becomes one entry: its dotted path
(what ``--set`` takes), its type and bounds from the pydantic schema
(:func:`~burdenshare.scenario.schema.field_bounds`), its choices (literal members, or the
durations the agreement space allows), its unit, the scenario's current value and where that
value comes from (the ``[provenance.values]`` map, :func:`~burdenshare.scenario.sources.describe`).
The dashboard builds its controls from this list.
"""

from __future__ import annotations

from typing import Any

__all__ = ["levers"]

#: Units by field-name suffix (DESIGN.md §6: money in base units with the currency in the name).
_UNITS = {"_usd": "USD", "_krw": "KRW", "_pct": "percent", "_years": "years"}


def _type_of(prop: dict[str, Any]) -> tuple[str, list[Any] | None]:
    """A JSON-schema property's type name and literal choices."""
    if "anyOf" in prop:
        kinds: list[str] = []
        choices: list[Any] = []
        for member in prop["anyOf"]:
            if "const" in member:
                choices.append(member["const"])
            elif "enum" in member:
                choices.extend(member["enum"])
            else:
                kinds.append(_type_of(member)[0])
        return ("|".join(kinds) or "string"), (choices or None)
    if "enum" in prop:
        return "string", list(prop["enum"])
    if prop.get("type") == "string" and prop.get("format") == "date":
        return "date", None
    if prop.get("type") == "array":
        return f"array[{_type_of(prop.get('items', {}))[0]}]", None
    return str(prop.get("type", "string")), None


def _bound(b: Any) -> float | None:
    return None if b is None else float(b[0])


def levers(scenario: Any) -> list[dict[str, Any]]:
    """The levers of ``scenario``: ``[{"path", "type", "min", "max", "choices", "unit", "default",
    "description", "source"}]`` in schema order.

    ``min``/``max`` are the schema's bounds (``exclusive_min``/``exclusive_max`` say when a bound
    is strict); ``default`` is the scenario's value (JSON); ``source`` its provenance line or
    ``None`` where the scenario's map has none.
    """
    from burdenshare.scenario.schema import Levers, field_bounds
    from burdenshare.scenario.sources import describe

    schema = Levers.model_json_schema()
    values = scenario.levers.model_dump(mode="json", by_alias=True)
    out = []
    for name, prop in schema["properties"].items():
        path = f"levers.{name}"
        kind, choices = _type_of(prop)
        lo, hi = field_bounds(path)
        if name == "allowed_durations":  # any subset of the agreement space's durations
            choices = list(range(1, int(scenario.agreement_space.max_duration_years) + 1))
        unit = next((u for suffix, u in _UNITS.items() if name.endswith(suffix)), None)
        if unit is None and "date" in kind:
            unit = "date"
        if unit is None and lo is not None and hi is not None and (_bound(lo), _bound(hi)) == (0.0, 1.0):
            unit = "share (0 to 1)"
        info = Levers.model_fields[name]
        entry = scenario.provenance.values.get(path)
        out.append({
            "path": path,
            "type": kind,
            "min": _bound(lo),
            "max": _bound(hi),
            "exclusive_min": bool(lo is not None and not lo[1]),
            "exclusive_max": bool(hi is not None and not hi[1]),
            "choices": choices,
            "unit": unit,
            "default": values.get(name),
            "description": info.description or prop.get("title", name),
            "source": None if entry is None else describe(entry),
        })
    return out
