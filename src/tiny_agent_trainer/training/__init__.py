"""Training stage: loop, checkpoints, distributed, journal. The model itself is `model.py`."""
