"""The unbiased pass@k estimator of Chen et al. (2021), "Evaluating Large Language Models Trained on Code".

For one task with n samples of which c pass, pass@k = 1 - C(n-c, k) / C(n, k), computed as the stable
product 1 - prod_{i=n-c+1}^{n} (1 - k/i) (no huge binomials). The benchmark score is the mean over
tasks. This module does NOT decide what passes (see `judge`).
"""
from __future__ import annotations

from collections.abc import Iterable


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn without replacement from n (c correct) passes."""
    if not (0 <= c <= n) or k < 1:
        raise ValueError(f"need 0 <= c <= n and k >= 1, got n={n}, c={c}, k={k}")
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples per task, got {n}")
    if n - c < k:
        return 1.0
    prod = 1.0
    for i in range(n - c + 1, n + 1):
        prod *= 1.0 - k / i
    return 1.0 - prod


def mean_pass_at_k(counts: Iterable[tuple[int, int]], k: int) -> float | None:
    """Mean pass@k over tasks given (n, c) per task; None if some task has fewer than k samples or none."""
    vals = []
    for n, c in counts:
        if k > n:
            return None
        vals.append(pass_at_k(n, c, k))
    return sum(vals) / len(vals) if vals else None
