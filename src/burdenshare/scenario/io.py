"""Load, validate, override, dump and hash scenarios.

Every user-caused problem becomes exactly one :class:`~burdenshare.errors.ScenarioError` naming
the dotted field (``legislature.periods.0.from``), the line of the file where it can be found and
what is allowed; no other exception escapes :func:`load_scenario` for bad input.

Steps of :func:`load_scenario`:

1. resolve the name: a path (anything ending in ``.toml`` or containing a path separator, or an
   existing file) is read from disk; otherwise it is a bundled name
   (``src/burdenshare/scenarios/<name>.toml``);
2. parse TOML (syntax errors carry the line and column TOML reports);
3. check ``schema_version`` (supported: :data:`~burdenshare.scenario.schema.SUPPORTED_SCHEMA_VERSIONS`);
4. apply ``--set path=VALUE`` overrides to the raw table (VALUE read as TOML; see
   :func:`parse_override`);
5. validate with pydantic; the first error becomes the ScenarioError.  Its line is found by a
   best-effort scan of the TOML text (table headers and ``key =`` lines, see :func:`key_lines`);
   an error in a field set by an override names the override instead of a line.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import re
import tomllib
import types
from collections.abc import Mapping, Sequence
from datetime import datetime, time
from importlib import resources
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import tomli_w
from pydantic import BaseModel, ValidationError

from burdenshare.data import seats_by_bloc, using
from burdenshare.errors import DataError, ScenarioError
from burdenshare.limits import MAX_SCENARIO_BYTES, MAX_SCENARIO_DEPTH, MAX_SCENARIO_KEYS
from burdenshare.scenario.schema import (
    DIST_MODELS,
    ENTRY_MODELS,
    Provenance,
    SUPPORTED_SCHEMA_VERSIONS,
    Scenario,
    descend,
    strip_annotated,
)
from burdenshare.scenario.checks import scenario_checks
from burdenshare.scenario.sources import check_data_refs, describe
from burdenshare.scenario.vintage import NOT_A_LEVER, check_vintage, vintage_view

__all__ = [
    "load_scenario",
    "loads_scenario",
    "validate_file",
    "validate_dict",
    "dump_scenario",
    "list_scenarios",
    "scenario_hash",
    "parse_override",
    "Override",
    "override_label",
    "apply_overrides",
    "key_lines",
]

Path_ = tuple[Union[str, int], ...]


# --------------------------------------------------------------------------- bundled scenarios


def _bundled_dir() -> Any:
    return resources.files("burdenshare").joinpath("scenarios")


def _bundled_names() -> list[str]:
    try:
        entries = list(_bundled_dir().iterdir())
    except (FileNotFoundError, NotADirectoryError):  # pragma: no cover - broken install
        return []
    return sorted(e.name[: -len(".toml")] for e in entries if e.name.endswith(".toml"))


def list_scenarios() -> list[tuple[str, str]]:
    """The bundled scenarios as ``(name, title)`` pairs, sorted by name.

    Returns
    -------
    list of (str, str)
        Each bundled scenario's name (usable with :func:`load_scenario`) and its title.
    """
    out = []
    for name in _bundled_names():
        text = _bundled_dir().joinpath(f"{name}.toml").read_text(encoding="utf-8")
        try:
            title = str(tomllib.loads(text).get("title", ""))
        except tomllib.TOMLDecodeError:  # pragma: no cover - bundled files are tested
            title = ""
        out.append((name, title))
    return out


def _looks_like_path(name: str) -> bool:
    return name.endswith(".toml") or "/" in name or "\\" in name or Path(name).is_file()


def _read(name_or_path: str | Path) -> tuple[str, str]:
    """Return ``(text, source label)`` for a bundled name or a file path."""
    if isinstance(name_or_path, Path) or _looks_like_path(str(name_or_path)):
        path = Path(name_or_path)
        try:
            data = _read_limited(path)
        except FileNotFoundError:
            raise ScenarioError("no such scenario file", source=str(path)) from None
        except IsADirectoryError:
            raise ScenarioError("is a directory, not a scenario file", source=str(path)) from None
        except OSError as exc:
            raise ScenarioError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # a leading BOM (editors that write one) is not TOML
        try:
            return data[bom:].decode("utf-8"), str(path)
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"not UTF-8 text (byte {exc.start + bom})", source=str(path)) from None
    name = str(name_or_path)
    names = _bundled_names()
    if name not in names:
        raise ScenarioError(
            f"unknown scenario {name!r}; bundled: {', '.join(names) or '(none)'} (or give a path to a .toml file)"
        )
    return _bundled_dir().joinpath(f"{name}.toml").read_text(encoding="utf-8"), name


def _read_limited(path: Path) -> bytes:
    """The bytes of a scenario file, read with the :data:`~burdenshare.limits.MAX_SCENARIO_BYTES`
    limit; a FIFO, device or socket is refused before it is opened (reading one could block or
    never end)."""
    import stat

    st = path.stat()
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(str(path))
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError("not a regular file (a device, FIFO or socket); give a scenario .toml file",
                            source=str(path))
    if st.st_size > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"file of {st.st_size:,} bytes; allowed: at most {MAX_SCENARIO_BYTES:,} "
                            "(cap MAX_SCENARIO_BYTES, docs/limits.md)", source=str(path))
    with open(path, "rb") as fh:
        data = fh.read(MAX_SCENARIO_BYTES + 1)
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"file larger than {MAX_SCENARIO_BYTES:,} bytes (cap MAX_SCENARIO_BYTES, docs/limits.md)",
                            source=str(path))
    return data


def check_shape(raw: Any, source: str | None = None) -> None:
    """Refuse a table nested deeper than :data:`~burdenshare.limits.MAX_SCENARIO_DEPTH` or holding
    more than :data:`~burdenshare.limits.MAX_SCENARIO_KEYS` keys and items (iteratively: a table
    100,000 levels deep is one line, not a ``RecursionError``).

    Raises
    ------
    ScenarioError
        Naming the first path past the depth cap, or the key count.
    """
    stack: list[tuple[Any, tuple[str, ...]]] = [(raw, ())]
    count = 0
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            items: Any = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        if len(path) >= MAX_SCENARIO_DEPTH:
            raise ScenarioError(f"nested {len(path)} levels deep here; allowed: at most {MAX_SCENARIO_DEPTH} "
                                "(cap MAX_SCENARIO_DEPTH, docs/limits.md)", field=".".join(path[:8]) + "...",
                                source=source)
        for key, value in items:
            count += 1
            if count > MAX_SCENARIO_KEYS:
                raise ScenarioError(f"more than {MAX_SCENARIO_KEYS:,} keys and items; allowed: at most "
                                    f"{MAX_SCENARIO_KEYS:,} (cap MAX_SCENARIO_KEYS, docs/limits.md)",
                                    field=".".join(path[:8]) or None, source=source)
            stack.append((value, (*path, str(key))))


# --------------------------------------------------------------------------- TOML parsing

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    """The table of a TOML text (the same text is parsed once: a sweep validates every grid point
    against one base text; callers never change the table, :func:`apply_overrides` copies it)."""
    if len(text) <= 200_000:
        return _parse_cached(text, source)
    return _parse_uncached(text, source)


@functools.lru_cache(maxsize=8)
def _parse_cached(text: str, source: str) -> dict[str, Any]:
    return _parse_uncached(text, source)


def _parse_uncached(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POS.search(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
        else:  # "(at end of document)"
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
        detail = _TOML_POS.sub("", message).replace("(at end of document)", "").strip()
        raise ScenarioError(f"invalid TOML: {detail} (column {column})", line=line, source=source) from None
    except RecursionError:
        raise ScenarioError("invalid TOML: nested too deeply", source=source) from None


# --------------------------------------------------------------------------- schema walking


def _allowed_keys(annotation: Any) -> list[str]:
    annotation = strip_annotated(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        keys: list[str] = []
        for member in get_args(annotation):
            for key in _allowed_keys(member):
                if key not in keys:
                    keys.append(key)
        return keys
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [info.alias or name for name, info in annotation.model_fields.items()]
    return []


def _clean_loc(loc: Sequence[Any]) -> tuple[list[str | int], Any]:
    """Drop pydantic's union tags and ``[key]`` markers from ``loc``; return the path and the
    annotation of its parent (for listing allowed keys)."""
    path: list[str | int] = []
    annotation: Any = Scenario
    parent: Any = Scenario
    for segment in loc:
        found = descend(annotation, segment)
        if found is None:
            continue
        parent, annotation = annotation, found
        path.append(segment)
    return path, parent


def _annotation_at(path: Sequence[str | int]) -> Any:
    annotation: Any = Scenario
    for segment in path:
        annotation = descend(annotation, segment)
    return annotation


def _dotted(path: Sequence[str | int]) -> str:
    """Join a path; a segment holding a dot (a ``provenance.values`` key) is quoted."""
    return ".".join(f'"{p}"' if isinstance(p, str) and "." in p else str(p) for p in path)


def _split_dotted(text: str) -> list[str | int]:
    """Split a dotted field (``provenance.values."levers.x".source``) into segments; quoted
    segments keep their dots; digit segments become ints."""
    out: list[str | int] = []
    for match in re.finditer(r'"([^"]*)"|([^.]+)', text):
        quoted, plain = match.group(1), match.group(2)
        if quoted is not None:
            out.append(quoted)
        else:
            out.append(int(plain) if plain.isdigit() else plain)
    return out


# --------------------------------------------------------------------------- line lookup

_HEADER = re.compile(r"^\s*(\[\[|\[)\s*([^\[\]]+?)\s*(\]\]|\])\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_\-]+|"[^"\n]*"|'[^'\n]*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"\n]*"|'[^'\n]*'))*)\s*="""
)
_PART = re.compile(r"""[A-Za-z0-9_\-]+|"[^"\n]*"|'[^'\n]*'""")


def _key_parts(text: str) -> list[str]:
    return [p[1:-1] if p[:1] in "\"'" else p for p in _PART.findall(text)]


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map each table header and ``key =`` line of a TOML text to its 1-based line number.

    Paths are tuples of strings; arrays of tables get their index as a string
    (``("legislature", "periods", "0", "from")``).  Best effort: keys inside multi-line strings
    may be mistaken for keys, and inline tables map to the line of their key.
    """
    lines: dict[tuple[str, ...], int] = {}
    counts: dict[tuple[str, ...], int] = {}
    current: tuple[str, ...] = ()
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        quotes = line.count('"""') + line.count("'''")
        if in_multiline:
            if quotes % 2 == 1:
                in_multiline = False
            continue
        header = _HEADER.match(line)
        if header:
            parts = _key_parts(header.group(2))
            resolved: list[str] = []
            for i, part in enumerate(parts):
                resolved.append(part)
                last = i == len(parts) - 1
                key = tuple(resolved)
                if last and header.group(1) == "[[":
                    counts[key] = counts.get(key, 0) + 1
                    resolved.append(str(counts[key] - 1))
                elif key in counts:
                    resolved.append(str(counts[key] - 1))
            current = tuple(resolved)
            for j in range(1, len(current) + 1):
                lines.setdefault(current[:j], number)
            continue
        assignment = _KEY.match(line)
        if assignment:
            path = current + tuple(_key_parts(assignment.group(1)))
            for j in range(len(current) + 1, len(path) + 1):
                lines.setdefault(path[:j], number)
            if quotes % 2 == 1:
                in_multiline = True
    return lines


def _line_of(lines: Mapping[tuple[str, ...], int], path: Sequence[str | int]) -> int | None:
    key = tuple(str(p) for p in path)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None


# --------------------------------------------------------------------------- overrides


class Override(str):
    """An override ``path.to.field=VALUE`` that remembers the option it came from, so errors name
    it (``--grid levers.transparency=2``, ``--base ...``, ``--variant NAME:...``) instead of
    ``--set``.  It is a ``str``: everything that records overrides keeps the plain text.

    Examples
    --------
    >>> override_label(Override("levers.transparency=2", "--grid levers.transparency=0,2"))
    '--grid levers.transparency=0,2'
    >>> override_label("levers.transparency=2")
    '--set levers.transparency=2'
    """

    label: str

    def __new__(cls, text: str, label: str) -> Override:
        self = super().__new__(cls, text)
        self.label = label
        return self


def override_label(override: str) -> str:
    """How the user gave ``override``: its :class:`Override` label, else ``--set <override>``."""
    label = getattr(override, "label", None) or f"--set {override}"
    return label if len(label) <= 120 else label[:117] + "..."  # the error line quotes it: keep it short


_MAX_OVERRIDE = 10_000


def parse_override(override: str) -> tuple[list[str], Any]:
    """Split ``path.to.field=VALUE`` into the path and the value.

    VALUE is read as a TOML value (``0.8``, ``[1, 3, 5]``, ``2020-06-01``, ``"none"``, ``true``,
    ``{a = 1}``).  If it is not valid TOML it is taken as a plain string, so ``none`` and
    ``boulware`` need no quotes; a value the field cannot take is then rejected by validation like
    any value in a file.  An empty VALUE, a missing ``=``, an empty path or an empty path segment is
    a ScenarioError.

    Parameters
    ----------
    override
        One ``--set`` argument.

    Returns
    -------
    (list of str, value)
        The dotted path split into segments and the parsed value.

    Raises
    ------
    ScenarioError
        If the override is malformed.
    """
    label = override_label(override)
    if "=" not in override:
        raise ScenarioError("malformed override; expected path.to.field=VALUE", field=label)
    path_text, value_text = override.split("=", 1)
    path_text = path_text.strip()
    if not path_text:
        raise ScenarioError("malformed override: empty path; expected path.to.field=VALUE", field=label)
    segments = [s.strip() for s in path_text.split(".")]
    if any(not s for s in segments):
        raise ScenarioError(f"malformed override: empty segment in path {path_text!r}", field=label)
    value_text = value_text.strip()
    if not value_text:
        raise ScenarioError('malformed override: empty value (write "" for an empty string)', field=label)
    if len(value_text) > _MAX_OVERRIDE or "\n" in value_text or "\r" in value_text:
        raise ScenarioError(
            "malformed override: the value must be one line of at most 10000 characters", field=label
        )
    try:
        parsed = tomllib.loads(f"v = {value_text}")
    except (tomllib.TOMLDecodeError, RecursionError):
        return segments, value_text
    if set(parsed) != {"v"}:
        return segments, value_text
    value = parsed["v"]
    if isinstance(value, (datetime, time)):
        # A TOML datetime/time is never a valid scenario value; keep the text for a clear error.
        return segments, value
    return segments, value


def apply_overrides(
    raw: dict[str, Any], overrides: Sequence[str]
) -> tuple[dict[str, Any], list[tuple[list[str], str]]]:
    """Apply ``--set`` overrides to a raw scenario table (a deep copy is changed and returned).

    Each path must name a field of the schema (an optional field absent from the file may be set;
    list items are addressed by index and must exist; dict entries may be new).

    Returns
    -------
    (dict, list)
        The new raw table and, for each override, its path and its original text.

    Raises
    ------
    ScenarioError
        Naming the override, if it is malformed or its path is not a field of the schema.
    """
    data = _deep_copy(raw)
    applied: list[tuple[list[str], str]] = []
    for override in overrides:
        if not isinstance(override, str):
            raise ScenarioError(f"override must be a string, got {type(override).__name__}", field="--set")
        segments, value = parse_override(override)
        label = override_label(override)
        _refuse_fixed(segments, value, label)
        annotation: Any = Scenario
        node: Any = data
        for depth, segment in enumerate(segments):
            found = descend(annotation, segment)
            where = _dotted(segments[: depth + 1])
            if found is None:
                allowed = _allowed_keys(annotation)
                hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
                raise ScenarioError(f"unknown field {where!r}{hint}", field=label)
            last = depth == len(segments) - 1
            if isinstance(node, list):
                if not str(segment).isdigit():  # an earlier override made a table a list
                    raise ScenarioError(f"{_dotted(segments[:depth])!r} is a list here (an earlier override set it), "
                                        "not a table", field=label)
                index = int(segment)
                if index >= len(node):
                    raise ScenarioError(
                        f"{where!r}: index {index} out of range (the list has {len(node)} items)", field=label
                    )
                if last:
                    node[index] = value
                else:
                    node = node[index]
            elif isinstance(node, dict):
                if last:
                    node[segment] = value
                else:
                    if segment not in node:
                        nxt = strip_annotated(found)
                        if get_origin(nxt) is list:
                            raise ScenarioError(
                                f"{where!r} is not in the file; a list item cannot be created by an override",
                                field=label,
                            )
                        node[segment] = {}
                    node = node[segment]
            else:
                raise ScenarioError(f"{_dotted(segments[:depth])!r} is not a table in the file", field=label)
            annotation = found
        applied.append((segments, override))
        _mark_override(data, segments, value)
    return data, applied


def _refuse_fixed(segments: Sequence[str], value: Any, label: str) -> None:
    """Refuse an override of a path that is not a lever (``levers.as_of``), also inside a table value."""
    joined = ".".join(segments)
    for path, why in NOT_A_LEVER.items():
        rest = path[len(joined) + 1:].split(".") if path.startswith(joined + ".") else None
        node = value
        for part in rest or ():
            node = node.get(part) if isinstance(node, dict) else None
        if path == joined or (rest is not None and node is not None):
            raise ScenarioError(why, field=label)


def _mark_override(data: dict[str, Any], segments: Sequence[str], value: Any) -> None:
    """Record an override in the raw table's ``provenance.values``: the path becomes an
    ``override`` entry (with the value and the provenance it replaces) and entries below it go,
    so no output claims a data source for a value the user changed.  Overrides of
    ``provenance`` itself, of ``schema_version`` and of ``uncertainty`` (whose distributions
    carry their own ``source``) are not recorded; a malformed ``[provenance]`` is left to
    validation."""
    if segments[0] in ("provenance", "uncertainty", "schema_version"):
        return
    table = data.setdefault("provenance", {})
    if not isinstance(table, dict):
        return
    values = table.setdefault("values", {})
    if not isinstance(values, dict):
        return
    path = ".".join(segments)
    was = ""
    for end in range(len(segments), 0, -1):
        previous = values.get(".".join(segments[:end]))
        if isinstance(previous, dict):
            was = _was(previous)
            break
    for key in [k for k in values if k.startswith(path + ".")]:
        del values[key]
    values[path] = {"kind": "override", "value": toml_value(value), "was": was}  # keeps its place


def _was(entry: Mapping[str, Any]) -> str:
    """One line for the entry an override replaces (an earlier override keeps its own ``was``)."""
    if entry.get("kind") == "override":
        return str(entry.get("was", ""))

    try:
        parsed = Provenance.model_validate({"values": {"x": entry}}).values["x"]
    except ValidationError:
        return ""
    return f"{parsed.kind}: {describe(parsed)}"


def toml_value(value: Any) -> str:
    """A value as one line of TOML (``0.8``, ``"none"``, ``2020-06-01``, ``[1, 3]``, ``{ a = 1 }``)."""
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else json.dumps(key, ensure_ascii=False)


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


# --------------------------------------------------------------------------- validation


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _error_from(
    exc: ValidationError,
    text: str,
    source: str | None,
    applied: Sequence[tuple[list[str], str]],
    data: Mapping[str, Any],
) -> ScenarioError:
    err = exc.errors(include_url=False)[0]
    path, parent = _clean_loc(err.get("loc", ()))
    inner = (err.get("ctx") or {}).get("error")
    kind = err.get("type", "")
    if isinstance(inner, ScenarioError):
        if inner.field:
            path = path + _split_dotted(inner.field)
        message = inner.message
    elif kind == "extra_forbidden":
        loc = err.get("loc", ())
        if loc and (not path or path[-1] != loc[-1]):
            parent = _annotation_at(path)
            path = path + [loc[-1]]
        if len(path) == 3 and path[0] == "uncertainty" and isinstance(path[1], int):
            try:
                parent = DIST_MODELS.get(data["uncertainty"][path[1]].get("dist"), parent)
            except (KeyError, IndexError, TypeError, AttributeError):
                pass
        if len(path) == 4 and path[:2] == ["provenance", "values"]:
            try:
                parent = ENTRY_MODELS.get(data["provenance"]["values"][path[2]].get("kind"), parent)
            except (KeyError, TypeError, AttributeError):
                pass
        allowed = _allowed_keys(parent)
        message = f"unknown key; allowed: {', '.join(allowed)}" if allowed else "unknown key"
    elif kind == "missing":
        message = "missing required field"
    else:
        message = err.get("msg", "invalid value")
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if "input" in err and not isinstance(err["input"], (dict, list)):
            message += f"; got {_short(err['input'])}"
    dotted = _dotted(path) or None
    for segments, override in applied:
        joined = ".".join(segments)
        if dotted and (
            dotted == joined or dotted.startswith(joined + ".") or joined.startswith(dotted + ".")
        ):
            return ScenarioError(f"{message} (from {override_label(override)})", field=dotted, source=source)
    line = _line_of(key_lines(text), path) if text else None
    return ScenarioError(message, field=dotted, line=line, source=source)


def _check_version(raw: Mapping[str, Any], text: str, source: str | None) -> None:
    supported = ", ".join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)
    if "schema_version" not in raw:
        raise ScenarioError(f"missing; supported: {supported}", field="schema_version", source=source)
    version = raw["schema_version"]
    if isinstance(version, bool) or version not in SUPPORTED_SCHEMA_VERSIONS:
        line = _line_of(key_lines(text), ["schema_version"]) if text else None
        raise ScenarioError(
            f"unsupported schema version {_short(version)}; supported: {supported}",
            field="schema_version",
            line=line,
            source=source,
        )


def _validate(raw: dict[str, Any], text: str, source: str | None, overrides: Sequence[str]) -> Scenario:
    check_shape(raw, source)
    data, applied = apply_overrides(raw, overrides)
    check_shape(data, source)
    _check_version(data, text if not any(s[0] == "schema_version" for s, _ in applied) else "", source)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _error_from(exc, text, source, applied, data) from None
    except RecursionError:
        raise ScenarioError("scenario nested too deeply", source=source) from None
    problem = _data_checks(scenario)
    if problem is not None:
        path, message = problem
        line = _line_of(key_lines(text), _split_dotted(path)) if text else None
        for segments, override in applied:
            joined = ".".join(segments)
            if path == joined or path.startswith(joined + "."):
                message += f" (from {override_label(override)})"
                line = None
                break
        raise ScenarioError(message, field=path, line=line, source=source)
    return scenario


def _data_checks(scenario: Scenario) -> tuple[str, str] | None:
    """Cross-checks against the bundled data (``burdenshare.data``): every data reference of
    ``provenance.values`` names a bundled file and an existing row; a legislature period with
    ``seats_from_data = true`` must fall where the data has a seat snapshot, and every bloc the data
    gives seats must be one of the scenario's blocs.  Returns ``(field, message)`` or None."""
    problem = check_data_refs(scenario) or check_vintage(scenario) or scenario_checks(scenario)
    if problem is not None:
        return problem
    periods = [(i, p) for i, p in enumerate(scenario.legislature.periods) if p.seats_from_data]
    if not periods:
        return None

    blocs = {b.id for b in scenario.legislature.blocs}
    all_periods = scenario.legislature.periods
    for i, period in periods:
        # the period runs to the day before the next one starts, the last one to the horizon
        last = (_dt.date.fromordinal(all_periods[i + 1].from_.toordinal() - 1) if i + 1 < len(all_periods)
                else scenario.protocol.horizon)
        try:
            with using(vintage_view(scenario)):  # the seats known on levers.as_of (unless hindsight)
                seats_by_bloc(max(last, period.from_))
                snapshot = seats_by_bloc(period.from_)
        except DataError as exc:
            known = "" if scenario.hindsight else f" (data known on levers.as_of {scenario.levers.as_of.isoformat()})"
            return f"legislature.periods.{i}.from", f"seats_from_data: {exc.message}{known}"
        seats = dict(snapshot.seats)
        if getattr(snapshot, "unattributed", 0):
            seats["unattributed"] = snapshot.unattributed
        for bloc, count in seats.items():
            if count and bloc != "vacant" and bloc not in blocs:
                return (
                    f"legislature.periods.{i}.seats_from_data",
                    f"the data gives bloc {bloc!r} {count} seats on {period.from_.isoformat()}; add it to legislature.blocs",
                )
        if sum(c for b, c in seats.items() if b != "vacant") > scenario.legislature.total_seats:
            return (
                f"legislature.periods.{i}.seats_from_data",
                "the data's seats exceed legislature.total_seats",
            )
    return None


def _as_overrides(overrides: Sequence[str] | str | None) -> Sequence[str]:
    if overrides is None:
        return ()
    if isinstance(overrides, str):
        return [overrides]
    return overrides


def validate_dict(
    data: Mapping[str, Any], overrides: Sequence[str] = (), *, source: str | None = None
) -> Scenario:
    """Validate a raw scenario table (as read from TOML), after applying overrides.

    Raises
    ------
    ScenarioError
        For the first problem found.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError("a scenario must be a table", source=source)
    return _validate(dict(data), "", source, _as_overrides(overrides))


def load_scenario(name_or_path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Load a bundled scenario by name, or a TOML file by path, apply overrides and validate it.

    Parameters
    ----------
    name_or_path
        A bundled name (``"sma-2020-hindsight"``; see :func:`list_scenarios`) or a path to a ``.toml`` file.
    overrides
        ``path.to.field=VALUE`` strings, VALUE read as TOML (see :func:`parse_override`).

    Returns
    -------
    Scenario
        The frozen, validated scenario.

    Raises
    ------
    ScenarioError
        Unknown name, missing file, malformed TOML, unsupported ``schema_version``, malformed or
        unknown override, or the first validation error (dotted field, line where findable).

    Examples
    --------
    >>> s = load_scenario("sma-2020-hindsight", ["levers.transparency=0.8"])
    >>> s.levers.transparency
    0.8
    """
    overrides = _as_overrides(overrides)
    text, source = _read(name_or_path)
    raw = _parse_toml(text, source)
    return _validate(raw, text, source, overrides)


def loads_scenario(text: str, overrides: Sequence[str] = (), *, source: str = "<string>") -> Scenario:
    """Validate a scenario given as TOML text (as :func:`load_scenario` does for a file).

    Raises
    ------
    ScenarioError
        As :func:`load_scenario`; ``source`` labels the errors.
    """
    overrides = _as_overrides(overrides)
    raw = _parse_toml(text, source)
    return _validate(raw, text, source, overrides)


def validate_file(path: str | Path) -> Scenario:
    """Validate one scenario file (or bundled name) without overrides; return the scenario.

    Raises
    ------
    ScenarioError
        As :func:`load_scenario`.
    """
    return load_scenario(path)


# --------------------------------------------------------------------------- dump & hash


def _tomlable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _tomlable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_tomlable(v) for v in value]
    return value


def dump_scenario(scenario: Scenario) -> str:
    """Write a scenario as TOML text; ``load`` of the result gives an equal scenario.

    Absent optional values (``None``) are left out; comments of the original file are not kept.
    """
    data = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    data["provenance"].pop("values", None)
    values = {
        path: entry.model_dump(mode="python", by_alias=True, exclude_defaults=True)
        for path, entry in scenario.provenance.values.items()
    }
    body = tomli_w.dumps(_tomlable(data))
    if values:
        # one line per entry (inline tables), as in the bundled files
        lines = [f"{_toml_key(path)} = {toml_value(entry)}" for path, entry in values.items()]
        body += "\n[provenance.values]\n" + "\n".join(lines) + "\n"
    return f"# burdenshare scenario {scenario.name!r} (schema {scenario.schema_version}), written by dump_scenario\n{body}"


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 (hex) of the scenario's canonical JSON (sorted keys, no spaces, UTF-8)."""
    payload = json.dumps(
        scenario.model_dump(mode="json", by_alias=True),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
