"""Control of numpy's OpenBLAS thread count (what threadpoolctl does, minus the dependency)."""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import numpy as np  # noqa: F401  (loads the BLAS library whose threads we steer)

_PREFIXES = ("scipy_openblas", "openblas")
_SUFFIXES = ("64_", "_64", "")
_lock = threading.Lock()
_depth = 0
_saved = 0


@lru_cache(maxsize=1)
def _openblas() -> tuple[ctypes._CFuncPtr, ctypes._CFuncPtr] | None:
    try:
        with open("/proc/self/maps", encoding="utf-8") as fh:
            paths = {ln.split()[-1] for ln in fh if "openblas" in ln and ln.rstrip().endswith(".so")}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for pre in _PREFIXES:
            for suf in _SUFFIXES:
                get = getattr(lib, f"{pre}_get_num_threads{suf}", None)
                put = getattr(lib, f"{pre}_set_num_threads{suf}", None)
                if get is not None and put is not None:
                    get.restype = ctypes.c_int
                    put.argtypes = [ctypes.c_int]
                    return get, put
    return None


def can_pin() -> bool:
    """True when the BLAS thread count can be changed at run time."""
    return _openblas() is not None


@contextmanager
def blas_threads(n: int) -> Iterator[None]:
    """Run the body with ``n`` BLAS threads, process-wide (OpenBLAS has no per-thread setting).

    Re-entrant: nested or concurrent users share one saved value, restored by the last to leave.
    """
    global _depth, _saved
    funcs = _openblas()
    if funcs is None:
        yield
        return
    get, put = funcs
    with _lock:
        if _depth == 0:
            _saved = get()
        _depth += 1
        put(n)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                put(_saved)
