"""The web application: :func:`create_app` builds the FastAPI app over a results store.

The app serves the API (:mod:`burdenshare.web.api`), its OpenAPI schema at ``/openapi.json``
and docs at ``/docs``, and the dashboard at ``/`` (static files shipped in the package; plotly.js
from the installed ``plotly`` package, so the page needs no network).
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from burdenshare._version import __version__
from burdenshare.errors import BurdenshareError
from burdenshare.web.errors import ApiError, body, from_package

__all__ = ["MAX_BODY_BYTES", "WebContext", "create_app"]

#: Largest request body accepted (413 above).
MAX_BODY_BYTES = 1_000_000
#: Default largest draws per job (413 above).
DEFAULT_MAX_DRAWS = 1_000_000


@dataclass
class WebContext:
    """What the handlers share: the store, the job manager, limits, the chart cache."""

    store: Any
    jobs: Any
    max_draws: int
    scheduler: str | None
    token: str | None
    charts: dict[str, Any] = field(default_factory=dict)


def _static() -> Path:
    return Path(str(resources.files("burdenshare.web") / "static"))


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def create_app(store_path: str | Path | None = None, *, workers: int = 1, scheduler: str | None = None,
               token: str | None = None, max_draws: int = DEFAULT_MAX_DRAWS, max_queued: int = 8) -> FastAPI:
    """The burdenshare web app over the results store at ``store_path``.

    Parameters
    ----------
    store_path
        The DuckDB results store (default ``./burdenshare.duckdb`` or ``$BURDENSHARE_STORE``); the
        server process is its only writer while it runs.
    workers
        Worker processes computing runs (the local pool).
    scheduler
        A Dask scheduler address: runs and sweeps go to that cluster instead.
    token
        When set, every ``/api`` call needs ``Authorization: Bearer <token>``.
    max_draws
        Largest draws per job (a sweep: points x draws).
    max_queued
        Jobs queued or running at once (429 beyond).
    """
    from burdenshare.web.api import router
    from burdenshare.web.jobs import JobManager
    from burdenshare.web.state import StoreAccess

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = StoreAccess(store_path)
        jobs = JobManager(store, workers=workers, scheduler=scheduler, max_queued=max_queued)
        jobs.start()
        app.state.web = WebContext(store=store, jobs=jobs, max_draws=max_draws, scheduler=scheduler, token=token)
        try:
            yield
        finally:
            jobs.close()
            store.close()

    app = FastAPI(title="burdenshare", version=__version__, lifespan=lifespan,
                  description="Alliance cost-sharing negotiations as two-level games: runs, comparisons, win-sets.")
    app.include_router(router)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if request.url.path.startswith("/api"):
            if token is not None:
                given = request.headers.get("authorization", "")
                if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                    return JSONResponse(body("authorization", None, "Bearer <token>", "a bearer token is required"),
                                        status_code=401, headers={"WWW-Authenticate": "Bearer"})
            length = request.headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
                return JSONResponse(body("body", length, f"at most {MAX_BODY_BYTES} bytes", "the request body is too large"),
                                    status_code=413)
        return await call_next(request)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(BurdenshareError)
    async def package_error(request: Request, exc: BurdenshareError) -> JSONResponse:
        err = from_package(exc)
        return JSONResponse(err.body(), status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        value = first.get("input")
        try:
            import json

            json.dumps(value)
        except (TypeError, ValueError):
            value = str(value)
        if first.get("type") == "json_invalid":
            return JSONResponse(body("body", None, "a JSON object", f"malformed JSON: {first.get('msg')}"), status_code=422)
        return JSONResponse(body(".".join(loc) or "body", value, first.get("msg"), f"{'.'.join(loc) or 'body'}: "
                                 f"{first.get('msg', 'invalid')}"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(body(None, request.url.path, None, str(exc.detail)), status_code=exc.status_code)

    static = _static()

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static / "index.html", media_type="text/html")

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        if name == "plotly.min.js":
            return FileResponse(_plotly_js(), media_type="text/javascript")
        files = {p.name: p for p in static.iterdir() if p.is_file()}
        if name not in files:
            return JSONResponse(body("name", name, ", ".join(sorted(files)), "no such file"), status_code=404)
        media = {"js": "text/javascript", "css": "text/css", "html": "text/html"}.get(name.rsplit(".", 1)[-1])
        return FileResponse(files[name], media_type=media)

    return app
