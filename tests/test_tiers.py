"""Heavier tiers, opt-in: `pytest -m slow` (long fuzzing, a real small training run) and `-m gpu`
(CUDA training with bf16; skipped without a GPU). The default run deselects `slow` (pyproject addopts)."""
from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiny_agent_trainer import config as C
from tiny_agent_trainer.spec import load_bench
from tiny_agent_trainer.training.loop import Trainer
from tiny_agent_trainer.wgsl.lexer import detokenize, tokenize

WGSLISH = st.text(alphabet=st.sampled_from(list("abcxyz019_.@<>=!&|^+-*/%(){}[];:,\"' \n\t/*") + ["\u00e9", "\u2028"]),
                  max_size=400)


@pytest.mark.slow
@settings(max_examples=20000, deadline=None, suppress_health_check=list(HealthCheck))
@given(WGSLISH)
def test_lexer_round_trip_long_fuzz(text):
    assert detokenize(tokenize(text)) == text


def _records():
    tasks = load_bench("benchmarks/public.toml")[:8]
    return [{"prompt": f"{t.prompt} ({i})", "reference": t.reference} for i in range(16) for t in tasks]


@pytest.mark.slow
def test_small_training_run_memorises_a_toy_set(tmp_path):
    """A real (short) run of the tiny preset: 400 steps bring the validation loss well below its start."""
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.training.max_steps, cfg.training.eval_every, cfg.training.checkpoint_every = 400, 100, 200
    cfg.training.learning_rate, cfg.training.early_stopping = 3e-3, False
    recs = _records()
    res = Trainer(cfg, C.to_toml(cfg), tmp_path / "run", journal_dir=tmp_path / "j", progress=False,
                  records={"train": recs, "val": recs[:16]}).fit()
    assert res.history[-1]["val_loss"] < 0.25 * res.history[0]["val_loss"]


@pytest.mark.gpu
def test_cuda_bf16_training_step(tmp_path):
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.training.max_steps, cfg.training.eval_every, cfg.training.checkpoint_every = 20, 10, 10
    cfg.training.device = "cuda"
    recs = _records()
    res = Trainer(cfg, C.to_toml(cfg), tmp_path / "run", journal_dir=tmp_path / "j", progress=False,
                  records={"train": recs, "val": recs[:16]}).fit()
    assert torch.cuda.is_available() and res.step == 20
    assert res.history[-1]["val_loss"] < res.history[0]["val_loss"]
