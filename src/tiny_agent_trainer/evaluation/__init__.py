"""Evaluation stage: judge shaders by executing them (sandboxed), pass@k, reports, baselines."""
