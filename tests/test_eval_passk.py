"""pass@k estimator and output comparison rule (no GPU)."""
from math import comb

import numpy as np
import pytest

from tiny_agent_trainer.evaluation.compare import compare_buffer
from tiny_agent_trainer.evaluation.passk import mean_pass_at_k, pass_at_k


@pytest.mark.parametrize("n,c,k,want", [
    (1, 0, 1, 0.0), (1, 1, 1, 1.0), (10, 3, 1, 0.3), (5, 1, 5, 1.0), (5, 0, 5, 0.0),
    (10, 1, 5, 0.5), (4, 2, 2, 1 - 1 / 6), (20, 5, 10, 1 - comb(15, 10) / comb(20, 10)),
])
def test_pass_at_k_known_values(n, c, k, want):
    assert pass_at_k(n, c, k) == pytest.approx(want, abs=1e-12)


def test_pass_at_k_matches_binomial_formula_and_is_stable():
    for n in range(1, 30):
        for c in range(n + 1):
            for k in range(1, n + 1):
                exact = 1.0 if n - c < k else 1 - comb(n - c, k) / comb(n, k)
                assert pass_at_k(n, c, k) == pytest.approx(exact, abs=1e-12)
    v = pass_at_k(2000, 7, 100)  # huge binomials, still a probability
    assert 0.0 < v < 1.0


def test_pass_at_k_rejects_bad_arguments():
    with pytest.raises(ValueError):
        pass_at_k(3, 4, 1)
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 5)
    assert mean_pass_at_k([(3, 1), (3, 3)], 5) is None
    assert mean_pass_at_k([(2, 1), (2, 0)], 1) == pytest.approx(0.25)


def test_compare_float_tolerance_nan_inf_and_ints():
    want = np.array([1.0, 0.0, np.nan, np.inf, -np.inf], np.float32)
    assert compare_buffer(want.copy(), want, True, 1e-4, 1e-5).ok
    near = want.copy()
    near[0] += 5e-5  # within atol + rtol*|want| = 1.1e-4
    assert compare_buffer(near, want, True, 1e-4, 1e-5).ok
    far = want.copy()
    far[1] = 1e-3
    c = compare_buffer(far, want, True, 1e-4, 1e-5)
    assert not c.ok and "element 1" in c.message and c.max_abs_err == pytest.approx(1e-3, rel=1e-3)
    for j, bad in ((2, 0.0), (3, -np.inf), (0, np.nan), (4, np.nan)):
        g = want.copy()
        g[j] = bad
        assert not compare_buffer(g, want, True, 1e-4, 1e-5).ok, (j, bad)
    ints = np.array([1, 2, 3], np.uint32)
    assert compare_buffer(ints.copy(), ints, False, 1.0, 1.0).ok
    assert not compare_buffer(ints + np.uint32(1), ints, False, 1.0, 1.0).ok  # ints are exact, tolerances ignored
