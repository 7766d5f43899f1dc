"""``burdenshare serve``: the web app under uvicorn (loopback by default).

Binding any address other than a loopback one needs ``--token``: every ``/api`` call must then
carry ``Authorization: Bearer <token>`` (the command says so when it starts).
"""

from __future__ import annotations

import ipaddress
import sys

import typer

from burdenshare.errors import ScenarioError

__all__ = ["is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names the loopback interface only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (a non-loopback one needs --token)."),
    port: int = typer.Option(8000, "--port", help="TCP port (1..65535; 0 picks a free one)."),
    store_path: str | None = typer.Option(
        None, "--store", metavar="PATH", help="Results store (default ./burdenshare.duckdb or $BURDENSHARE_STORE)."),
    workers: int = typer.Option(1, "--workers", help="Worker processes computing runs (1..64)."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                         help="Dask scheduler address: jobs run on that cluster."),
    token: str | None = typer.Option(None, "--token", envvar="BURDENSHARE_TOKEN",
                                     help="Bearer token required on every API call (needed off loopback)."),
    max_draws: int = typer.Option(1_000_000, "--max-draws", help="Largest draws per job (413 above)."),
    max_queued: int = typer.Option(8, "--max-queued", help="Jobs queued or running at once (429 above)."),
) -> None:
    """Serve the dashboard and the HTTP API (docs/web.md).

    Example: burdenshare serve --port 8000 --store runs.duckdb
    """
    from burdenshare.engine.config import MAX_DRAWS

    if not 0 <= port <= 65535:
        raise ScenarioError(f"got {port}; allowed: 0..65535", field="--port")
    if not 1 <= workers <= 64:
        raise ScenarioError(f"got {workers}; allowed: 1..64", field="--workers")
    if scheduler is not None and workers != 1:
        raise ScenarioError("give --workers or --scheduler, not both (the cluster has its own workers)", field="--workers")
    if not 1 <= max_draws <= MAX_DRAWS:
        raise ScenarioError(f"got {max_draws}; allowed: 1..{MAX_DRAWS}", field="--max-draws")
    if not 1 <= max_queued <= 1024:
        raise ScenarioError(f"got {max_queued}; allowed: 1..1024", field="--max-queued")
    if token is not None and len(token) < 16:
        raise ScenarioError("the token must have at least 16 characters", field="--token")
    if not is_loopback(host) and token is None:
        raise ScenarioError(f"binding {host!r} (not loopback) needs --token: every API call must then carry "
                            "'Authorization: Bearer <token>'", field="--host")
    from burdenshare.store import open_store

    open_store(store_path).close()  # a locked or corrupt store fails here, in one line
    import uvicorn

    from burdenshare.web.app import create_app

    app = create_app(store_path, workers=workers, scheduler=scheduler, token=token, max_draws=max_draws,
                     max_queued=max_queued)
    if token is not None:
        print(f"burdenshare serve: every /api call needs 'Authorization: Bearer <token>' (bound to {host})",
              file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
