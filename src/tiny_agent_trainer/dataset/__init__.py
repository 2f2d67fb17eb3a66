"""Dataset stage: curated and synthetic NL->WGSL pairs, verified by execution, split without leakage."""
