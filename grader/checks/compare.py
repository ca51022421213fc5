"""Trusted comparisons of a probe's value against what the test expects.

Every check here runs in the grader's process on decoded plain data (see
``encode``), never in the student's kernel. A probe spec is a literal dict:
``{"expr": "...", <one or more checks>, "rtol": ..., "atol": ..., "hint": "..."}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .encode import Opaque

DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9
OPTIONS = {"expr", "name", "hint", "rtol", "atol"}


@dataclass(frozen=True)
class Word:
    """A word of a message's parameter, said in the message's language ("number" is 数 in Chinese)."""

    key: str
    params: tuple = ()


NUMBERS = Word("word.list_of_numbers")


@dataclass
class Verdict:
    ok: bool
    key: str = "compare.ok"  # message catalogue key explaining a failure
    params: dict[str, Any] = field(default_factory=dict)


def describe(value: Any) -> str | Word:
    """Short, student-readable text for a value (arrays are summarised)."""
    if isinstance(value, np.ndarray):
        if value.size <= 12:
            return np.array2string(value, separator=", ", threshold=12)
        return Word("word.array_of_shape", (("shape", tuple(value.shape)),))
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _type_name(value: Any) -> str:
    if isinstance(value, Opaque):
        return value.type_name
    if isinstance(value, np.ndarray):
        return "array"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _numeric_array(value: Any) -> np.ndarray | None:
    """An array for list/tuple/array answers made only of numbers, else None."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (list, tuple)):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            return None
        if arr.dtype.kind in "biuf":
            return arr
    return None


def equals(got: Any, want: Any, rtol: float, atol: float) -> Verdict:
    if want is None or type(want) in (bool, str):
        if type(got) is type(want) and got == want:
            return Verdict(True)
        return Verdict(False, "compare.equals", {"want": describe(want), "got": describe(got)})
    if type(want) is int:
        if type(got) is int and got == want:
            return Verdict(True)
        if type(got) is float and got == want:
            return Verdict(False, "compare.want_int", {"got": describe(got)})
        return Verdict(False, "compare.equals", {"want": describe(want), "got": describe(got)})
    if type(want) is float:
        if _is_number(got) and math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
            return Verdict(True)
        if _is_number(got):
            return Verdict(False, "compare.equals", {"want": describe(want), "got": describe(got)})
        return Verdict(False, "compare.type", {"want": Word("word.number"), "got": _type_name(got)})
    want_arr = _numeric_array(want)
    if want_arr is not None:
        got_arr = _numeric_array(got)
        if got_arr is None:
            return Verdict(False, "compare.type", {"want": NUMBERS, "got": _type_name(got)})
        if got_arr.shape != want_arr.shape:
            return Verdict(
                False, "compare.shape", {"want": tuple(want_arr.shape), "got": tuple(got_arr.shape)}
            )
        if want_arr.dtype.kind in "biu" and got_arr.dtype.kind == "f":
            return Verdict(False, "compare.want_int", {"got": describe(got)})
        if np.allclose(got_arr, want_arr, rtol=rtol, atol=atol, equal_nan=True):
            return Verdict(True)
        bad = int(np.sum(~np.isclose(got_arr, want_arr, rtol=rtol, atol=atol, equal_nan=True)))
        return Verdict(
            False,
            "compare.values",
            {"bad": bad, "total": int(want_arr.size), "want": describe(want), "got": describe(got)},
        )
    if isinstance(want, (list, tuple)):
        if not isinstance(got, (list, tuple)) or len(got) != len(want):
            return Verdict(False, "compare.equals", {"want": describe(want), "got": describe(got)})
        for g, w in zip(got, want, strict=True):
            v = equals(g, w, rtol, atol)
            if not v.ok:
                return v
        return Verdict(True)
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return Verdict(False, "compare.equals", {"want": describe(want), "got": describe(got)})
        for k in want:
            v = equals(got[k], want[k], rtol, atol)
            if not v.ok:
                return v
        return Verdict(True)
    raise ValueError(f"cannot compare against {type(want).__name__}")


def between(got: Any, bounds: list, rtol: float, atol: float) -> Verdict:
    lo, hi = bounds
    if not _is_number(got):
        return Verdict(False, "compare.type", {"want": Word("word.number"), "got": _type_name(got)})
    if lo <= got <= hi:
        return Verdict(True)
    return Verdict(False, "compare.between", {"lo": lo, "hi": hi, "got": describe(got)})


def all_between(got: Any, bounds: list, rtol: float, atol: float) -> Verdict:
    arr = _numeric_array(got)
    if arr is None:
        return Verdict(False, "compare.type", {"want": NUMBERS, "got": _type_name(got)})
    lo, hi = bounds
    if arr.size and np.all((arr >= lo - atol) & (arr <= hi + atol)):
        return Verdict(True)
    return Verdict(False, "compare.all_between", {"lo": lo, "hi": hi})


def fraction_equal(got: Any, spec: dict, rtol: float, atol: float) -> Verdict:
    want = np.asarray(spec["expect"])
    arr = _numeric_array(got)
    if arr is None:
        return Verdict(False, "compare.type", {"want": NUMBERS, "got": _type_name(got)})
    if arr.shape != want.shape:
        return Verdict(False, "compare.shape", {"want": tuple(want.shape), "got": tuple(arr.shape)})
    fraction = float(np.mean(arr == want)) if want.size else 0.0
    if fraction >= spec["at_least"]:
        return Verdict(True)
    return Verdict(False, "compare.fraction", {"got": f"{fraction:.0%}", "want": f"{spec['at_least']:.0%}"})


def shape(got: Any, want: list, rtol: float, atol: float) -> Verdict:
    arr = _numeric_array(got)
    if arr is None:
        return Verdict(False, "compare.type", {"want": Word("word.array"), "got": _type_name(got)})
    if list(arr.shape) == list(want):
        return Verdict(True)
    return Verdict(False, "compare.shape", {"want": tuple(want), "got": tuple(arr.shape)})


def length(got: Any, want: int, rtol: float, atol: float) -> Verdict:
    if isinstance(got, (list, tuple, np.ndarray, str)) and len(got) == want:
        return Verdict(True)
    size = len(got) if isinstance(got, (list, tuple, np.ndarray, str)) else _type_name(got)
    return Verdict(False, "compare.length", {"want": want, "got": size})


def monotonic(got: Any, direction: str, rtol: float, atol: float) -> Verdict:
    arr = _numeric_array(got)
    if arr is None or arr.ndim != 1 or arr.size < 2:
        return Verdict(False, "compare.type", {"want": NUMBERS, "got": _type_name(got)})
    steps = np.diff(arr.astype(float))
    ok = np.all(steps <= atol) if direction == "non-increasing" else np.all(steps >= -atol)
    if ok:
        return Verdict(True)
    return Verdict(False, "compare.monotonic", {"direction": Word(f"word.{direction}")})


def is_type(got: Any, want: str, rtol: float, atol: float) -> Verdict:
    if _type_name(got) == want:
        return Verdict(True)
    return Verdict(False, "compare.type", {"want": want, "got": _type_name(got)})


CHECKS = {
    "equals": equals,
    "between": between,
    "all_between": all_between,
    "fraction_equal": fraction_equal,
    "shape": shape,
    "length": length,
    "monotonic": monotonic,
    "type": is_type,
}


def spec_problems(spec: Any) -> list[str]:
    """What is wrong with a probe spec, for ``ailab validate`` (empty when fine)."""
    if not isinstance(spec, dict):
        return ["a probe must be a dict"]
    problems = []
    if not isinstance(spec.get("expr"), str):
        problems.append("a probe needs an 'expr' string")
    unknown = set(spec) - OPTIONS - set(CHECKS)
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}; use {sorted(CHECKS)}")
    if not set(spec) & set(CHECKS):
        problems.append(f"no check: give one of {sorted(CHECKS)}")
    if spec.get("monotonic", "non-increasing") not in ("non-increasing", "non-decreasing"):
        problems.append("'monotonic' is 'non-increasing' or 'non-decreasing'")
    return problems


def judge(got: Any, spec: dict) -> Verdict:
    """Apply every check named in ``spec``; the first failure explains itself."""
    rtol = float(spec.get("rtol", DEFAULT_RTOL))
    atol = float(spec.get("atol", DEFAULT_ATOL))
    for name, fn in CHECKS.items():
        if name in spec:
            verdict = fn(got, spec[name], rtol, atol)
            if not verdict.ok:
                return verdict
    return Verdict(True)
