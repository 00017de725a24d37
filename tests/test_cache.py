"""The on-disk cache returns what was built, rebuilds when a source changes, survives corruption."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crampcare.cache import cache_dir, cached


def test_cache_builds_once_and_rebuilds_on_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRAMPCARE_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "data.yaml"
    src.write_text("a", encoding="utf-8")
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    assert cached("thing", [src], build) == {"n": 1}
    assert cached("thing", [src], build) == {"n": 1}  # from disk
    src.write_text("ab", encoding="utf-8")
    assert cached("thing", [src], build) == {"n": 2}  # size changed: rebuilt
    assert len(list(cache_dir().glob("thing-*.pickle"))) == 1  # the stale build is removed
    for f in cache_dir().iterdir():
        f.write_bytes(b"not a pickle")
    assert cached("thing", [src], build) == {"n": 3}  # corrupt: rebuilt, no crash


def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRAMPCARE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CRAMPCARE_NO_CACHE", "1")
    src = tmp_path / "x"
    src.write_text("x", encoding="utf-8")
    cached("thing", [src], lambda: 1)
    assert not (tmp_path / "cache").exists() or not os.listdir(tmp_path / "cache")
