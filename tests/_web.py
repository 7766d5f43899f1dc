"""Helpers of the web tests: a real ``burdenshare serve`` process on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

#: Small runs: a handful of blocks, one Level-II bank member (about a second each once warm).
DRAWS = 2048
BANK = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(store: Path, *args: str, token: str | None = None, timeout: float = 120.0) -> Iterator[str]:
    """Run ``burdenshare serve --store STORE ARGS`` until the block ends; yield its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "burdenshare", "serve", "--port", str(port), "--store", str(store), *args]
    if token is not None:
        cmd += ["--token", token]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"serve exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
            try:
                if httpx.get(f"{base}/api/health", headers=headers, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not answer /api/health in time")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_done(client: httpx.Client | object, run_id: str, timeout: float = 300.0, *, drivers: bool = True) -> dict:
    """Poll ``GET /api/runs/{run_id}`` until the run leaves queued/running and, with ``drivers``,
    until a done run's bottom-line drivers are no longer ``pending`` (the full summary)."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/api/runs/{run_id}").json()  # type: ignore[attr-defined]
        if body["status"] not in ("queued", "running") and not (drivers and body.get("drivers") == "pending"):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} still {body['status']} after {timeout} s")
        time.sleep(0.2)
