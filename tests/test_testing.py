"""musiclearn.testing: the course's float32 agreement check, relative to the largest value."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from musiclearn import testing
from musiclearn.testing import close, relative_error


def test_tolerance_is_relative_to_the_largest_value_not_to_each_element():
    expected = np.array([1000.0, 1e-6])
    # 1e-3 off on a value of 1e-6 is 100 000 % element-wise, but tiny next to 1000
    assert close(expected + np.array([0.0, 1e-3]), expected)
    assert not np.allclose(expected + np.array([0.0, 1e-3]), expected, rtol=1e-5, atol=0)
    assert not close(expected + np.array([0.02, 0.0]), expected)


def test_boundary_is_inclusive_and_rtol_is_respected():
    expected = np.array([2.0, -4.0])
    at_limit = expected + np.array([4e-5, 0.0])            # exactly 1e-5 × max|expected| = 4e-5
    assert relative_error(at_limit, expected) == pytest.approx(1e-5)
    assert close(at_limit, expected, rtol=1.0001e-5)
    assert not close(at_limit, expected, rtol=0.9999e-5)
    assert close(expected * (1 + 1e-3), expected, rtol=1e-2)


def test_float32_rounding_of_a_float64_computation_is_close():
    x = np.random.default_rng(0).standard_normal((64, 50))
    assert close(x.astype(np.float32), x)
    assert relative_error(x.astype(np.float32), x) < 1e-6


def test_complex_arrays_compare_modulus_and_phase():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((5, 7)) + 1j * rng.standard_normal((5, 7))
    assert close(X.astype(np.complex64), X)
    assert not close(np.conj(X), X)                        # same magnitudes, wrong phase
    assert not close(np.abs(X), X)
    assert relative_error(X * np.exp(1e-7j), X) < 1e-6


def test_shape_mismatch_says_both_shapes():
    with pytest.raises(ValueError, match=r"shape \(513, 87\) but expected has shape \(513, 86\)"):
        close(np.zeros((513, 87)), np.zeros((513, 86)))
    with pytest.raises(ValueError, match="different shapes"):
        relative_error([1.0, 2.0], [[1.0, 2.0]])


def test_nan_is_never_close_and_zeros_need_exact_zeros():
    assert not close(np.array([np.nan, 1.0]), np.array([0.0, 1.0]))
    assert not close(np.array([0.0, 1.0]), np.array([np.nan, 1.0]))
    assert close(np.zeros(4), np.zeros(4))
    assert not close(np.full(4, 1e-12), np.zeros(4))
    assert relative_error(np.full(4, 1e-12), np.zeros(4)) == float("inf")
    assert close(np.zeros((0, 3)), np.zeros((0, 3)))


def test_numbers_and_lists_work_too():
    assert close(1.0 + 1e-7, 1.0) and not close(1.1, 1.0)
    assert close([1, 2, 3], [1, 2, 3])


@pytest.mark.parametrize("rtol", [-1e-5, float("nan"), "1e-5", True])
def test_bad_rtol_is_refused(rtol):
    with pytest.raises(ValueError, match="rtol must be a non-negative number"):
        close([1.0], [1.0], rtol=rtol)


def test_non_numeric_input_is_refused():
    with pytest.raises(ValueError, match="arrays of numbers"):
        close(["a", "b"], ["a", "b"])


def test_returns_a_plain_bool():
    assert close(np.ones(3), np.ones(3)) is True
    assert close(np.ones(3), 2 * np.ones(3)) is False


def test_docstring_examples_run():
    failures, tried = doctest.testmod(testing, optionflags=doctest.ELLIPSIS)
    assert tried >= 5 and failures == 0
