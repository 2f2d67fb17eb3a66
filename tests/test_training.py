"""Training pipeline: loss goes down, checkpoints are atomic and complete, resume is exact
(even after kill -9), DDP with 2 gloo processes matches the single-process run, bad input errors."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from tiny_agent_trainer import config as C
from tiny_agent_trainer.errors import UserError
from tiny_agent_trainer.spec import load_bench
from tiny_agent_trainer.training import checkpoint as ckpt
from tiny_agent_trainer.training.data import BatchPlan, Example
from tiny_agent_trainer.training.loop import Trainer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "benchmarks" / "public.toml"


def _records(n: int = 24) -> list[dict]:
    src = EXAMPLE if EXAMPLE.is_file() else Path("/work/shared/specs/example-bench.toml")
    tasks = load_bench(src)[:6]
    return [{"prompt": f"{t.prompt} (variant {i})", "reference": t.reference, "split": "train"}
            for i in range(n) for t in tasks]


def _write_data(d: Path, n: int = 12) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    recs = _records(n)
    with open(d / "train-000.jsonl", "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    with open(d / "val.jsonl", "w") as f:
        for r in recs[:6]:
            f.write(json.dumps({**r, "split": "val"}) + "\n")
    return d


def _cfg(tmp: Path, steps: int, **training) -> Path:
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.training.max_steps = steps
    cfg.training.eval_every = 5
    cfg.training.checkpoint_every = 5
    cfg.training.early_stopping = False
    cfg.dataset.data_dir = str(tmp / "data")
    for k, v in training.items():
        setattr(cfg.training, k, v)
    p = tmp / "cfg.toml"
    p.write_text(C.to_toml(cfg))
    return p


def _cli(*args: str, env_extra: dict | None = None, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1", **(env_extra or {})}
    return subprocess.Popen([sys.executable, "-m", "tiny_agent_trainer", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _weights(run: Path) -> dict[str, torch.Tensor]:
    return load_file(str(ckpt.resolve(run) / ckpt.WEIGHTS))


def test_loss_decreases_and_checkpoint_layout(tmp_path):
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.training.max_steps, cfg.training.eval_every, cfg.training.checkpoint_every = 40, 20, 20
    cfg.training.learning_rate = 3e-3
    recs = _records(8)
    res = Trainer(cfg, C.to_toml(cfg), tmp_path / "run", journal_dir=tmp_path / "j",
                  records={"train": recs, "val": recs[:6]}, progress=False).fit()
    assert res.step == 40
    assert res.history[-1]["val_loss"] < res.history[0]["val_loss"]
    last = ckpt.resolve(tmp_path / "run")
    assert {p.name for p in last.iterdir()} == {ckpt.WEIGHTS, ckpt.STATE, ckpt.CONFIG, ckpt.TOKENIZER, ckpt.META}
    st = torch.load(last / ckpt.STATE, weights_only=True)  # loadable without pickle of arbitrary objects
    assert st["position"]["step"] == 40
    assert C.loads_task_config((last / ckpt.CONFIG).read_text()).model.d_model == 64
    journal = [json.loads(line) for line in (tmp_path / "j" / "run.jsonl").read_text().splitlines()]
    start = journal[0]
    assert start["event"] == "start" and len(start["config_hash"]) == 16 and "torch" in start["versions"]
    assert any(r["event"] == "train" and "tokens_per_s" in r for r in journal)
    assert not list((tmp_path / "run").glob(".tmp-*"))


def test_resume_after_kill9_is_bit_identical(tmp_path):
    _write_data(tmp_path / "data")
    cfg = _cfg(tmp_path, steps=30)
    full = _cli("train", "--config", str(cfg), "--output", str(tmp_path / "full"), "--no-progress",
                "--engine", str(tmp_path / "none.toml"), cwd=tmp_path)
    assert full.wait(timeout=300) == 0, full.stderr.read()
    run = tmp_path / "killed"
    proc = _cli("train", "--config", str(cfg), "--output", str(run), "--no-progress",
                "--engine", str(tmp_path / "none.toml"), cwd=tmp_path)
    deadline = time.time() + 240
    while time.time() < deadline:  # kill as soon as the second checkpoint is in place
        if (run / "latest").is_file() and (run / "latest").read_text().strip() >= "step-0000010":
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    step_killed = int(ckpt.resolve(run).name.split("-")[1])
    assert step_killed < 30
    res = _cli("train", "--config", str(cfg), "--output", str(run), "--no-progress", "--resume",
               "--engine", str(tmp_path / "none.toml"), cwd=tmp_path)
    assert res.wait(timeout=300) == 0, res.stderr.read()
    a, b = _weights(tmp_path / "full"), _weights(run)
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def test_existing_run_is_not_overwritten(tmp_path):
    _write_data(tmp_path / "data", n=3)
    cfg = _cfg(tmp_path, steps=5)
    args = ["train", "--config", str(cfg), "--output", str(tmp_path / "r"), "--no-progress",
            "--engine", str(tmp_path / "none.toml")]
    assert _cli(*args, cwd=tmp_path).wait(timeout=300) == 0
    before = _weights(tmp_path / "r")
    p = _cli(*args, cwd=tmp_path)
    assert p.wait(timeout=300) == 2
    assert "--resume" in p.stderr.read()
    after = _weights(tmp_path / "r")
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_ddp_two_gloo_processes_match_single_process(tmp_path):
    _write_data(tmp_path / "data", n=8)
    cfg = _cfg(tmp_path, steps=6, batch_size=8)
    text = cfg.read_text().replace("dropout = 0.1", "dropout = 0.0")
    cfg.write_text(text)
    single = _cli("train", "--config", str(cfg), "--output", str(tmp_path / "one"), "--no-progress",
                  "--engine", str(tmp_path / "none.toml"), cwd=tmp_path)
    assert single.wait(timeout=300) == 0, single.stderr.read()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1"}
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--master-port", "29533",
                "-m", "tiny_agent_trainer", "train", "--config", str(cfg), "--output", str(tmp_path / "two"),
                "--no-progress", "--engine", str(tmp_path / "none.toml")]
    two = subprocess.run(torchrun, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert two.returncode == 0, two.stderr[-3000:]
    a, b = _weights(tmp_path / "one"), _weights(tmp_path / "two")
    for k in a:
        assert torch.allclose(a[k], b[k], atol=2e-5, rtol=1e-4), (k, (a[k] - b[k]).abs().max())


def test_batch_plan_is_deterministic_and_sharded():
    ex = [Example([1], [1] + [5] * (i % 17 + 2) + [2]) for i in range(200)]
    p = BatchPlan(ex, 8, seed=3)
    assert p.batches(0) == BatchPlan(ex, 8, seed=3).batches(0)
    assert p.batches(0) != p.batches(1)
    r0, r1 = BatchPlan(ex, 8, 3, rank=0, world=2).batches(0), BatchPlan(ex, 8, 3, rank=1, world=2).batches(0)
    for whole, a, b in zip(p.batches(0), r0, r1):
        assert a + b == whole
    with pytest.raises(UserError):
        BatchPlan(ex, 7, 0, world=2)


def test_corrupt_checkpoint_and_vocab_mismatch(tmp_path):
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.training.max_steps, cfg.training.eval_every, cfg.training.checkpoint_every = 2, 0, 0
    recs = _records(3)
    Trainer(cfg, C.to_toml(cfg), tmp_path / "run", journal_dir=tmp_path / "j", records={"train": recs, "val": []},
            progress=False).fit()
    last = ckpt.resolve(tmp_path / "run")
    from tiny_agent_trainer.model import ModelShape, Seq2Seq

    with pytest.raises(UserError, match="vocabulary or config mismatch"):
        ckpt.load_weights(last, Seq2Seq(ModelShape(vocab_size=123, d_model=64, nhead=4, num_layers=2,
                                                   num_encoder_layers=2, dim_feedforward=128)))
    data = (last / ckpt.WEIGHTS).read_bytes()
    (last / ckpt.WEIGHTS).write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError, match="corrupt or truncated"):
        ckpt.load_weights(last, Seq2Seq(ModelShape(vocab_size=800, d_model=64, nhead=4, num_layers=2,
                                                   num_encoder_layers=2, dim_feedforward=128)))
    (last / ckpt.STATE).write_bytes(b"garbage")
    with pytest.raises(UserError, match="corrupt or truncated"):
        ckpt.load_state(last)


def test_missing_dataset_and_bad_heads_are_user_errors(tmp_path):
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.dataset.data_dir = str(tmp_path / "nope")
    with pytest.raises(UserError, match="dataset build"):
        Trainer(cfg, C.to_toml(cfg), tmp_path / "run", journal_dir=tmp_path / "j", progress=False).fit()
    bad = tmp_path / "bad.toml"
    bad.write_text("[model]\nd_model = 64\nnhead = 5\n")
    with pytest.raises(UserError, match="nhead"):
        C.load_task_config(bad)


def test_periodic_execution_eval_is_logged(tmp_path):
    """The train command's exec-eval callback decodes, runs the shaders on wgpu and logs exec_pass."""
    pytest.importorskip("wgpu")
    from tiny_agent_trainer.commands.train import make_exec_eval

    tasks = load_bench(EXAMPLE if EXAMPLE.is_file() else "/work/shared/specs/example-bench.toml")[:2]
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.training.max_steps, cfg.training.eval_every, cfg.training.exec_eval_every = 4, 2, 2
    cfg.model.max_seq_len = 200
    recs = _records(3)
    res = Trainer(cfg, C.to_toml(cfg), tmp_path / "run", journal_dir=tmp_path / "j", progress=False,
                  records={"train": recs, "val": recs[:4]}, exec_eval=make_exec_eval(tasks, 2)).fit()
    evals = [h for h in res.history if "exec_pass" in h]
    assert len(evals) == 2
    assert all(0.0 <= h["exec_pass"] <= h["exec_valid"] <= 1.0 for h in evals)


def test_schedule_progress_follows_the_time_budget():
    from tiny_agent_trainer.training.loop import lr_lambda

    f = lr_lambda(10, 1000, 0.1)
    assert f(0) == pytest.approx(0.1) and f(10) == pytest.approx(1.0)
    f.time_frac = 0.5  # half the time used after few steps: the cosine is half-way
    assert f(20) == pytest.approx(0.55)
    f.time_frac = 1.0
    assert f(20) == pytest.approx(0.1)
    f.time_frac = 0.0
    assert f(1000) == pytest.approx(0.1)


def test_time_budget_anneals_the_schedule_by_the_deadline(tmp_path):
    """With --max-time the cosine schedule follows the share of the budget used, so a run whose
    planned steps cannot fit ends annealed (and evaluated) at the deadline instead of mid-schedule."""
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.training.max_steps, cfg.training.eval_every, cfg.training.checkpoint_every = 100_000, 50, 0
    cfg.training.warmup_steps = 5
    recs = _records(4)
    ticks = iter(range(10**9))
    res = Trainer(cfg, C.to_toml(cfg), tmp_path / "run", journal_dir=tmp_path / "j", progress=False,
                  records={"train": recs, "val": recs[:4]}, max_time_s=20.0,
                  clock=lambda: float(next(ticks)) * 0.1).fit()
    journal = [json.loads(line) for line in (tmp_path / "j" / "run.jsonl").read_text().splitlines()]
    assert 20 < res.step < 100_000
    assert [r["event"] for r in journal].count("time_limit") == 1
    lrs = [r["lr"] for r in journal if r["event"] == "train"]
    assert lrs[-1] < 0.2 * cfg.training.learning_rate and max(lrs) > 0.9 * cfg.training.learning_rate
    assert res.history[-1]["step"] == res.step  # the final weights were evaluated
    st = torch.load(ckpt.resolve(tmp_path / "run") / ckpt.STATE, weights_only=True)
    assert st["position"]["time_s"] >= 20.0


def test_collate_rounds_shapes_up_within_the_caps():
    from tiny_agent_trainer.training.data import collate

    exs = [Example(src=[5] * n, tgt=[1] + [7] * m + [2]) for n, m in ((3, 10), (20, 40))]
    plain = collate(exs, [0, 1], 0)
    c = collate(exs, [0, 1], 0, (16, 32), (96, 50))
    assert plain["src"].shape == (2, 20) and c["src"].shape == (2, 32)
    assert plain["tgt_in"].shape == (2, 41) and c["tgt_in"].shape == c["tgt_out"].shape == (2, 50)  # capped
    assert torch.equal(c["src"][:, :20], plain["src"]) and c["src_pad"][:, 20:].all()
    assert torch.equal(c["tgt_out"][:, :41], plain["tgt_out"]) and (c["tgt_out"][:, 41:] == 0).all()


def test_margin_loss_counts_only_examples_with_a_negative_and_stops_at_the_margin():
    from tiny_agent_trainer.training.loop import margin_loss

    gold = torch.tensor([[1, 2, 0], [1, 0, 0]])  # pad 0: 2 and 1 target tokens
    pos = torch.zeros(2, 3, 4)
    c = {"tgt_out": gold, "tgt_in": gold, "neg_src": None, "neg_pad": None, "has_neg": torch.tensor([True, False])}
    same = margin_loss(lambda *a: torch.zeros(2, 3, 4), c, pos, 0, 0.5)
    assert same.item() == pytest.approx(2 * 0.5)  # equal likelihoods: the full margin, weighted by 2 tokens
    worse = torch.zeros(2, 3, 4)
    worse[..., 1] = worse[..., 2] = -5.0  # the negative source makes the target far less likely
    assert margin_loss(lambda *a: worse, c, pos, 0, 0.5).item() == 0.0
    c["has_neg"] = torch.tensor([False, False])
    assert margin_loss(lambda *a: torch.zeros(2, 3, 4), c, pos, 0, 0.5).item() == 0.0


def test_reviewer_trained_with_mutant_negatives_prefers_the_true_shader(tmp_path):
    from tiny_agent_trainer.inference.rerank import teacher_forced_means
    from tiny_agent_trainer.training.data import encode_examples
    from tiny_agent_trainer.wgsl.mutate import mutants

    recs = [r for r in _records(8) if mutants(r["reference"])]
    gaps = {}
    for w in (0.0, 2.0):
        cfg = C.apply_preset(C.TaskConfig(), "tiny")
        cfg.task.direction = "wgsl2nl"
        cfg.model.max_prompt_len, cfg.model.max_seq_len = 256, 64  # the source is the whole shader
        cfg.training.max_steps, cfg.training.eval_every, cfg.training.checkpoint_every = 60, 60, 60
        cfg.training.learning_rate, cfg.training.early_stopping = 3e-3, False
        cfg.training.contrastive_weight = w
        run = tmp_path / f"rev{w}"
        res = Trainer(cfg, C.to_toml(cfg), run, journal_dir=tmp_path / f"j{w}", records={"train": recs, "val": recs[:6]},
                      progress=False).fit()
        assert res.step == 60
        journal = [json.loads(x) for x in (tmp_path / f"j{w}" / f"rev{w}.jsonl").read_text().splitlines()]
        logged = [r["margin_loss"] for r in journal if r["event"] == "train" and "margin_loss" in r]
        assert bool(logged) == (w > 0)
        from tiny_agent_trainer.inference.loading import load_model

        rev = load_model(ckpt.resolve(run))
        tok = rev.tokenizer
        exs, _ = encode_examples(recs, tok, 256, 64, reverse=True, negatives=True, seed=1)
        tgts = [e.tgt[1:-1].tolist() for e in exs]
        pos = teacher_forced_means(rev, [e.src.tolist() for e in exs], tgts)
        neg = teacher_forced_means(rev, [e.neg.tolist() for e in exs], tgts)
        gaps[w] = sum(p - n for p, n in zip(pos, neg)) / len(exs)
    assert gaps[2.0] > 0.25 and gaps[2.0] > gaps[0.0] + 0.1, gaps


def test_contrastive_loss_is_for_reviewers_only(tmp_path):
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.training.contrastive_weight = 1.0
    recs = _records(2)
    with pytest.raises(UserError, match="contrastive_weight is for reviewers"):
        Trainer(cfg, C.to_toml(cfg), tmp_path / "run", journal_dir=tmp_path / "j", records={"train": recs, "val": recs},
                progress=False).fit()


def test_negatives_are_mutants_or_renamed_shaders_with_the_same_interface():
    from tiny_agent_trainer.training.data import pick_negatives
    from tiny_agent_trainer.wgsl.mutate import mutants

    def unary(i, o, expr, wg=64):
        return (f"@group(0) @binding(0) var<storage, read> {i}: array<f32>;\n"
                f"@group(0) @binding(1) var<storage, read_write> {o}: array<f32>;\n"
                f"@compute @workgroup_size({wg})\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {{\n"
                f"    let i = gid.x;\n    {o}[i] = {expr.format(x=i)};\n}}\n")

    codes = [unary("x", "out", "sqrt({x}[i])"), unary("heights", "dst", "abs({x}[i])"),
             unary("a", "b", "-{x}[i]", wg=256), unary("a", "b", "{x}[i]", wg=64), unary("a", "b", "{x}[i]", wg=128),
             "@group(0) @binding(0) var<storage, read_write> v: array<u32>;\nfn main() { v[0] = 1u; }\n"]
    only_mutants = pick_negatives(codes, seed=0, shader_fraction=0.0)
    assert set(only_mutants) == {0, 1}  # the others have nothing to swap
    assert all(only_mutants[i] in mutants(codes[i]) for i in only_mutants)
    shaders = pick_negatives(codes, seed=0, shader_fraction=1.0)
    # each borrows another body of the same interface under its own names; `gid.x` is not the buffer x
    assert shaders[0] in {unary("x", "out", "abs(x[i])"), unary("x", "out", "-x[i]", wg=256),
                          unary("x", "out", "x[i]", wg=64), unary("x", "out", "x[i]", wg=128)}
    assert "gid.x" in shaders[1] and "heights[i]" in shaders[1] and "abs(" not in shaders[1]
    for twin in (3, 4):  # the same computation as each other except the workgroup size: never a negative
        assert twin not in shaders or "b[i] = a[i];" not in shaders[twin]
    assert 5 not in shaders  # a unique interface and nothing to swap
    assert pick_negatives(codes, seed=0, shader_fraction=1.0) == shaders  # deterministic per seed


def test_noisy_prompts_spare_copied_tokens_and_keep_order():
    from tiny_agent_trainer.training.data import collate, noisy_prompts

    pad = 0
    exs = [Example([5, 6, 7, 8, 9, 10, 11, 12], [1, 7, 20, 21, 12, 2]), Example([13, 14], [1, 30, 2]),
           Example([15], [1, 31, 2])]
    batch = collate(exs, [0, 1, 2], pad)
    before = batch["src"].clone()
    vocab = torch.tensor([40, 41, 42])
    seen_replace = seen_drop = False
    for seed in range(200):
        out = noisy_prompts(batch, 0.5, vocab, torch.Generator().manual_seed(seed), pad)
        assert torch.equal(batch["src"], before)  # the input batch is left alone
        assert torch.equal(out["src_pad"], out["src"] == pad)
        for row, orig in zip(out["src"].tolist(), before.tolist()):
            kept = [t for t in row if t != pad]
            assert kept, "a prompt lost every token"
            assert all(t in orig or t in (40, 41, 42) for t in kept)
            real = [t for t in orig if t != pad]
            survivors = [t for t in kept if t in real]
            assert survivors == sorted(survivors, key=real.index)  # deletion shifts, never reorders
            assert row[:len(kept)] == kept  # the survivors come first, padding after
            seen_replace |= any(t in (40, 41, 42) for t in kept)
            seen_drop |= len(kept) < len(real)
        first = out["src"][0].tolist()
        assert 7 in first and 12 in first  # tokens the target copies are never touched
    assert seen_replace and seen_drop
    same = [noisy_prompts(batch, 0.5, vocab, torch.Generator().manual_seed(3), pad)["src"] for _ in range(2)]
    assert torch.equal(*same)
    assert torch.equal(noisy_prompts(batch, 0.0, vocab, torch.Generator().manual_seed(3), pad)["src"], before)


def test_prompt_noise_trains_a_generator_and_is_refused_for_a_reviewer(tmp_path):
    cfg = C.apply_preset(C.TaskConfig(), "tiny")
    cfg.training.max_steps, cfg.training.eval_every, cfg.training.checkpoint_every = 12, 6, 6
    cfg.training.prompt_noise = 0.2
    recs = _records(4)
    res = Trainer(cfg, C.to_toml(cfg), tmp_path / "run", journal_dir=tmp_path / "j",
                  records={"train": recs, "val": recs[:6]}, progress=False).fit()
    assert res.step == 12 and res.history[-1]["val_loss"] < res.history[0]["val_loss"]
    cfg.task.direction = "wgsl2nl"
    with pytest.raises(UserError, match="prompt_noise is for generators"):
        Trainer(cfg, C.to_toml(cfg), tmp_path / "rev", journal_dir=tmp_path / "j", records={"train": recs, "val": recs},
                progress=False).fit()
