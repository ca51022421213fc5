import math

import numpy as np
import pytest
import torch

from grader.checks.encode import Opaque, decode, dumps, encode


@pytest.mark.parametrize("value", [None, True, 3, 2.5, "text", [1, 2], (1, "a"), {"k": [1.5]}])
def test_plain_values_round_trip(value):
    assert decode(encode(value)) == value


def test_arrays_keep_dtype_and_shape():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    back = decode(encode(arr))
    assert back.dtype == np.float32 and back.shape == (2, 3) and np.array_equal(back, arr)


def test_tensors_become_arrays():
    back = decode(encode(torch.ones(2, 2, requires_grad=True)))
    assert isinstance(back, np.ndarray) and back.shape == (2, 2)


def test_non_finite_floats_survive_json():
    back = decode(__import__("json").loads(dumps([math.inf, math.nan])))
    assert back[0] == math.inf and math.isnan(back[1])


def test_subclasses_are_opaque_and_equal_nothing():
    class Always(int):
        def __eq__(self, other):
            return True

    back = decode(encode(Always(3)))
    assert isinstance(back, Opaque) and back != 3 and back != back


def test_huge_answers_are_refused():
    with pytest.raises(ValueError):
        encode(np.zeros(3_000_000))
