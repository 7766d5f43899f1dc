"""The API's error body: ``{"error": {"field", "value", "allowed", "message"}}`` with a 4xx status.

Input errors come from the package's own checks (:class:`~burdenshare.errors.BurdenshareError`,
raised by scenario loading, ``--set`` parsing, :class:`~burdenshare.RunConfig` and the CLI's
option checks) and are mapped here; nothing is validated twice.
"""

from __future__ import annotations

import math
import re
from typing import Any

from burdenshare.errors import BurdenshareError

__all__ = ["ApiError", "body", "from_package"]

_GOT = re.compile(r"got (?P<value>.+?); allowed:? (?P<allowed>.+)$")
_ALLOWED = re.compile(r"allowed:? (?P<allowed>.+)$")
_PYDANTIC = re.compile(r"^(?P<allowed>.+?); got (?P<value>.+?)(?: \(from --set .*\))?$")


class ApiError(Exception):
    """An HTTP error with the API's error body."""

    def __init__(self, status: int, field: str | None, value: Any, allowed: str | None, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.field = field
        self.value = value
        self.allowed = allowed
        self.message = message

    def body(self) -> dict[str, Any]:
        return body(self.field, self.value, self.allowed, self.message)


def body(field: str | None, value: Any, allowed: str | None, message: str) -> dict[str, Any]:
    """The error body (the value as JSON can carry it: a non-finite number as its text, ``"nan"``,
    ``"inf"``; strict JSON has neither, and the response encoder refuses them)."""
    return {"error": {"field": field, "value": _jsonable(value), "allowed": allowed, "message": message}}


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)  # 'nan', 'inf', '-inf': a query ?level=nan or a body's NaN / Infinity
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def from_package(exc: BurdenshareError, *, status: int = 422, field: str | None = None, value: Any = None) -> ApiError:
    """An :class:`ApiError` from a package error (its field, the value and what is allowed, parsed from
    the package's ``got X; allowed: Y`` message where it says so)."""
    got = _GOT.search(exc.message)
    allowed = got.group("allowed") if got else (m.group("allowed") if (m := _ALLOWED.search(exc.message)) else None)
    if value is None and got:
        value = got.group("value")
    if not got and allowed is None and (pyd := _PYDANTIC.search(exc.message)):  # a schema message
        allowed, value = pyd.group("allowed"), pyd.group("value") if value is None else value
    where = f"line {exc.line}: " if exc.line is not None else ""
    return ApiError(status, field or exc.field, _jsonable(value), allowed, where + exc.message)
