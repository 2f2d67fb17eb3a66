"""Inference stage: decoding engine, grammar constraints, validity-aware generation, Python API."""
