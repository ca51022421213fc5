import numpy as np
import pytest

from grader.checks.compare import judge, spec_problems
from grader.checks.encode import Opaque


@pytest.mark.parametrize(
    ("got", "spec", "ok"),
    [
        (3, {"equals": 3}, True),
        (3.0, {"equals": 3}, False),
        (True, {"equals": 1}, False),
        (0.1 + 0.2, {"equals": 0.3}, True),
        (0.31, {"equals": 0.3}, False),
        (0.31, {"equals": 0.3, "atol": 0.02}, True),
        (np.array([1, 2]), {"equals": [1, 2]}, True),
        (np.array([1.0, 2.0]), {"equals": [1, 2]}, False),
        ([1, 2, 3], {"equals": [1, 2]}, False),
        ("cat", {"equals": "cat"}, True),
        (Opaque("Always"), {"equals": 3}, False),
        (0.5, {"between": [0, 1]}, True),
        (1.5, {"between": [0, 1]}, False),
        (np.array([0.2, 0.9]), {"all_between": [0, 1]}, True),
        (np.array([0, 1, 1, 2]), {"fraction_equal": {"expect": [0, 1, 2, 2], "at_least": 0.75}}, True),
        (np.array([0, 1, 1, 1]), {"fraction_equal": {"expect": [0, 1, 2, 2], "at_least": 0.75}}, False),
        (np.zeros((2, 3)), {"shape": [2, 3]}, True),
        ([0.9, 0.7, 0.7, 0.2], {"monotonic": "non-increasing"}, True),
        ([0.9, 0.95, 0.2], {"monotonic": "non-increasing"}, False),
        ([1, 2, 3], {"length": 3}, True),
        (np.zeros(3), {"shape": [3], "all_between": [1, 2]}, False),
    ],
)
def test_judge(got, spec, ok):
    assert judge(got, {"expr": "x", **spec}).ok is ok


def test_failures_explain_themselves():
    verdict = judge(2.0, {"expr": "x", "equals": 3.0})
    assert verdict.key == "compare.equals" and verdict.params == {"want": "3.0", "got": "2.0"}


def test_spec_problems_name_what_is_wrong():
    assert spec_problems({"expr": "f(1)", "equals": 1}) == []
    assert "no check" in spec_problems({"expr": "f(1)"})[0]
    assert "unknown keys" in spec_problems({"expr": "f(1)", "equal": 1})[0]
