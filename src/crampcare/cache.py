"""A small on-disk cache for things that are slow to build and only change with the package.

The validated knowledge base and the translation catalogues take far longer to parse and check
than an assessment takes to run; the command line would pay that on every start. They are
pickled once into the cache folder, keyed by the crampcare version and the size and modification
time of every source file, and rebuilt whenever any of those change. If the cache cannot be read
or written (a read-only home, a corrupt file), the value is simply built again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from crampcare import __version__

T = TypeVar("T")


def cache_dir() -> Path:
    override = os.environ.get("CRAMPCARE_CACHE_DIR")
    if override:
        return Path(override)
    data = os.environ.get("CRAMPCARE_DATA_DIR")
    if data:
        return Path(data) / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("crampcare", appauthor=False))


def _fingerprint(sources: Iterable[Traversable]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for src in sorted(sources, key=str):
        stat = os.stat(str(src))
        digest.update(f"{src}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def cached(name: str, sources: Iterable[Traversable], build: Callable[[], T]) -> T:
    """``build()``'s value, from the cache when the sources have not changed since it was stored."""
    if os.environ.get("CRAMPCARE_NO_CACHE"):
        return build()
    try:
        path = cache_dir() / f"{name}-{_fingerprint(sources)}.pickle"
        with path.open("rb") as fh:
            value: T = pickle.load(fh)
        return value
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            pickle.dump(value, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)  # atomic: a concurrent reader never sees half a file
        for stale in path.parent.glob(f"{name}-*.pickle"):  # builds for older sources
            if stale != path:
                stale.unlink(missing_ok=True)
    except (OSError, pickle.PickleError, NameError):
        pass
    return value
