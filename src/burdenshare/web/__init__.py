"""The web app and HTTP API of burdenshare (the ``[web]`` extra: FastAPI, uvicorn, httpx).

:func:`create_app` builds the app over a results store; ``burdenshare serve`` runs it.  The web
layer holds no model logic: every handler calls the package's facade (docs/web.md).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """:func:`burdenshare.web.app.create_app` (imported on use, so the package loads without the extra)."""
    from burdenshare.web.app import create_app as make

    return make(*args, **kwargs)
