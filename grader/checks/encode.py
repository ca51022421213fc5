"""Turn values from a student's kernel into plain JSON data.

Verdicts are computed in the grader's own process, so nothing the student
defines (an ``__eq__`` override, a patched ``numpy``) can take part in a
comparison: only exact built-in types survive the trip, and anything else
arrives as an opaque marker that equals nothing.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

MAX_ITEMS = 2_000_000  # elements per value; protects the grader from a 50 GB answer


class Opaque:
    """A value the grader cannot compare: it only remembers the type's name."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"

    def __eq__(self, other: object) -> bool:  # never equal, even to itself
        return False

    __hash__ = None  # type: ignore[assignment]


def _float(x: float) -> Any:
    return x if math.isfinite(x) else {"$float": repr(x)}


def encode(value: Any, _budget: list[int] | None = None) -> Any:
    """Plain-data form of ``value`` (exact types only; subclasses become opaque)."""
    budget = _budget if _budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError("answer too large to check")
    t = type(value)
    if value is None or t is bool or t is int or t is str:
        return value
    if t is float:
        return _float(value)
    if t is list:
        return [encode(v, budget) for v in value]
    if t is tuple:
        return {"$tuple": [encode(v, budget) for v in value]}
    if t is dict and all(type(k) is str for k in value):
        return {"$dict": {k: encode(v, budget) for k, v in value.items()}}
    scalar = _numpy_scalar(value)
    if scalar is not None:
        return encode(scalar, budget)
    array = _as_numpy(value)
    if array is not None:
        budget[0] -= array.size
        if budget[0] < 0:
            raise ValueError("answer too large to check")
        if array.dtype.kind not in "biuf":
            return {"$object": f"array of {array.dtype}"}
        flat = [_float(v) if isinstance(v, float) else v for v in array.ravel().tolist()]
        return {"$array": {"dtype": str(array.dtype), "shape": list(array.shape), "data": flat}}
    return {"$object": t.__name__}


def _numpy_scalar(value: Any):
    """``np.float64(2.5)`` -> ``2.5``: numpy's own scalar types count as plain numbers."""
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.generic) and type(value).__module__ == "numpy":
        if value.dtype.kind in "biuf":
            return value.item()
    return None


def _as_numpy(value: Any):
    """A numpy array for exact numpy/torch types, else None. Imports nothing new."""
    np = sys.modules.get("numpy")
    if np is not None and type(value) is np.ndarray:
        return value
    torch = sys.modules.get("torch")
    if torch is not None and type(value) in (torch.Tensor, torch.nn.Parameter):
        return value.detach().cpu().numpy()
    return None


def dumps(value: Any) -> str:
    return json.dumps(encode(value), allow_nan=False, separators=(",", ":"))


def decode(data: Any) -> Any:
    """Rebuild plain Python/numpy values from :func:`encode` output."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$float" in data:
        return float(data["$float"])
    if "$tuple" in data:
        return tuple(decode(v) for v in data["$tuple"])
    if "$dict" in data:
        return {str(k): decode(v) for k, v in data["$dict"].items()}
    if "$array" in data:
        import numpy as np

        spec = data["$array"]
        flat = [float(v["$float"]) if isinstance(v, dict) else v for v in spec["data"]]
        return np.asarray(flat, dtype=np.dtype(spec["dtype"])).reshape(spec["shape"])
    if "$object" in data:
        return Opaque(str(data["$object"]))
    return Opaque("dict")
