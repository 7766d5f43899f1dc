"""Shared test fixtures: every test uses a temporary results store, never ./burdenshare.duckdb."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _temporary_store(tmp_path, monkeypatch):
    monkeypatch.setenv("BURDENSHARE_STORE", str(tmp_path / "burdenshare.duckdb"))
