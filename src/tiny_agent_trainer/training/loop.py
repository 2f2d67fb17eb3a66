"""The training loop: AdamW + warmup/cosine, clipping, accumulation, bf16 autocast on CUDA,
optional torch.compile, DDP under torchrun, periodic validation loss and an optional
execution-based eval callback, early stopping, best/last checkpoints and exact resume.

The execution-based eval lives in later stages (inference + evaluation), so it is passed in as a
callback `exec_eval(model, tokenizer) -> dict` by the `train` command; this module does NOT
import them. It also does NOT build datasets (see `dataset/`) or parse configs.
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import UserError
from ..model import ModelShape, Seq2Seq, flops_per_token
from ..tokenizer import WgslTokenizer
from . import checkpoint as ckpt
from .data import BatchPlan, collate, encode_examples, load_split, noisy_prompts
from .distributed import Dist, setup, teardown
from .journal import Journal, config_hash, git_commit, versions


@dataclass
class TrainResult:
    step: int
    run_dir: Path
    last: Path | None
    best: Path | None
    best_metric: float | None
    wall_s: float
    tokens_per_s: float
    history: list[dict] = field(default_factory=list)
    stopped_early: bool = False


def pick_device(pref: str, d: Dist) -> torch.device:
    if pref == "cpu" or (pref == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise UserError(f"device '{pref}' requested but CUDA is not available")
    return torch.device("cuda", d.local_rank if pref in ("auto", "cuda") else int(pref.split(":")[1]))


class lr_lambda:
    """Linear warm-up then cosine decay to `min_ratio`. Progress is the larger of the step fraction
    and `time_frac` (the share of a `--max-time` budget used), so a time-budgeted run anneals fully
    by its deadline whatever its step rate. A callable object: LambdaLR saves its state."""

    def __init__(self, warmup: int, total: int, min_ratio: float):
        self.warmup, self.total, self.min_ratio = warmup, total, min_ratio
        self.time_frac = 0.0

    def __call__(self, step: int) -> float:
        if step < self.warmup:
            return (step + 1) / self.warmup
        prog = min(1.0, max((step - self.warmup) / max(1, self.total - self.warmup), self.time_frac))
        return self.min_ratio + (1 - self.min_ratio) * 0.5 * (1 + math.cos(math.pi * prog))


def make_optimizer(model: torch.nn.Module, tc, device: torch.device) -> torch.optim.Optimizer:
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embed" not in n and "pos" not in n]
    ids = {id(p) for p in decay}
    no_decay = [p for p in model.parameters() if id(p) not in ids]
    groups = [{"params": decay, "weight_decay": tc.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if tc.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=tc.learning_rate, betas=(0.9, 0.98), eps=1e-8,
                                 fused=device.type == "cuda")
    if tc.optimizer == "adam":
        return torch.optim.Adam(groups, lr=tc.learning_rate, betas=(0.9, 0.98))
    return torch.optim.SGD(groups, lr=tc.learning_rate, momentum=0.9)


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def mean_target_logprob(logp: torch.Tensor, gold: torch.Tensor, pad: int) -> torch.Tensor:
    """Per row of `gold` (B, T): the mean of log p(gold token) over its non-pad positions, from `logp`
    (B, T, V) log-probabilities. The reranker's likelihoods and the reviewer's margin loss both use it."""
    keep = (gold != pad).float()
    lp = logp.gather(-1, gold.unsqueeze(-1)).squeeze(-1)
    return (lp * keep).sum(1) / keep.sum(1).clamp(min=1.0)


def margin_loss(net, c: dict, logits: torch.Tensor, pad: int, margin: float) -> torch.Tensor:
    """Contrastive term for a reviewer: sum over the examples with a negative source (`c["has_neg"]`) of
    n_tokens * relu(margin - (mean log p(target | source) - mean log p(target | negative source))), so
    that a description is likelier under its own shader than under the shader with one operation
    swapped, by `margin` nats per token (weighted like the token-summed cross-entropy it is added to)."""
    gold = c["tgt_out"]
    n = (gold != pad).float().sum(1)
    neg_logits = net(c["neg_src"], c["neg_pad"], c["tgt_in"])
    gap = (mean_target_logprob(logits.float().log_softmax(-1), gold, pad)
           - mean_target_logprob(neg_logits.float().log_softmax(-1), gold, pad))
    return (n * torch.relu(margin - gap) * c["has_neg"].float()).sum()


class Trainer:
    def __init__(self, cfg, config_toml: str, run_dir: str | Path, *, journal_dir: str | Path = "journals",
                 resume: bool = False, max_steps: int | None = None, progress: bool = True,
                 exec_eval: Callable[[Seq2Seq, WgslTokenizer], dict] | None = None,
                 clock: Callable[[], float] = time.perf_counter, records: dict[str, list[dict]] | None = None,
                 max_time_s: float | None = None, init_from: str | Path | None = None):
        self.cfg, self.config_toml, self.run_dir = cfg, config_toml, Path(run_dir)
        self.resume, self.progress, self.exec_eval, self.clock = resume, progress, exec_eval, clock
        self.max_steps_override = max_steps
        self.journal_dir = Path(journal_dir)
        self.records = records
        self.max_time_s = max_time_s
        self.init_from = ckpt.resolve(init_from) if init_from else None  # fine-tuning: weights + tokenizer

    # -- setup --------------------------------------------------------------------------------
    def _tokenizer(self, train_recs: list[dict], resume_ckpt: Path | None, d: Dist) -> WgslTokenizer:
        if resume_ckpt is not None or self.init_from is not None:
            return WgslTokenizer.load((resume_ckpt or self.init_from) / ckpt.TOKENIZER)
        if self.cfg.tokenizer.path:
            try:
                return WgslTokenizer.load(self.cfg.tokenizer.path)
            except FileNotFoundError as e:
                raise UserError(str(e)) from None
        path = self.run_dir / "tokenizer.json"
        if d.main:
            tok = WgslTokenizer.train([r["prompt"] for r in train_recs], [r["reference"] for r in train_recs],
                                      self.cfg.tokenizer.vocab_size, self.cfg.tokenizer.min_frequency)
            self.run_dir.mkdir(parents=True, exist_ok=True)
            tok.save(path)
        d.barrier()
        return WgslTokenizer.load(path)

    def fit(self) -> TrainResult:
        d = setup(self.cfg.training.device)
        try:
            return self._fit(d)
        finally:
            teardown(d)

    def _fit(self, d: Dist) -> TrainResult:
        cfg, tc, mc = self.cfg, self.cfg.training, self.cfg.model
        device = pick_device(tc.device, d)
        resume_ckpt = None
        if self.resume:
            try:
                resume_ckpt = ckpt.resolve(self.run_dir, "latest")
            except UserError:
                resume_ckpt = None  # nothing to resume: start fresh
        elif d.main and (self.run_dir / "latest").exists():
            raise UserError(f"{self.run_dir} already holds a run; use --resume to continue it or choose another --output")
        seed_all(tc.seed)
        recs = self.records or {"train": [r for split in cfg.dataset.train_splits.split(",")
                                          for r in load_split(cfg.dataset.data_dir, split)]}
        train_recs = [r for r in recs["train"] for _ in range(cfg.dataset.curated_repeat if r.get("source") == "curated" else 1)]
        val_recs = recs.get("val")
        if val_recs is None:
            try:
                val_recs = load_split(cfg.dataset.data_dir, "val")
            except UserError:
                val_recs = []
        tok = self._tokenizer(train_recs, resume_ckpt, d)
        reverse = cfg.task.direction == "wgsl2nl"
        if tc.contrastive_weight > 0 and not reverse:
            raise UserError("[training] contrastive_weight is for reviewers ([task] direction = \"wgsl2nl\"); "
                            "set it to 0 for a generator")
        if tc.prompt_noise > 0 and reverse:
            raise UserError("[training] prompt_noise is for generators (its source is the description); "
                            "set it to 0 for a reviewer")
        if tc.contrastive_weight > 0 and d.world > 1:  # two forward passes per step under DDP: not supported yet
            raise UserError("[training] contrastive_weight > 0 runs in one process only (not under torchrun yet)")
        train, dropped = encode_examples(train_recs, tok, mc.max_prompt_len, mc.max_seq_len, reverse,
                                         negatives=tc.contrastive_weight > 0, seed=tc.seed,
                                         shader_fraction=tc.contrastive_shaders)
        val, _ = encode_examples(val_recs[:2048], tok, mc.max_prompt_len, mc.max_seq_len, reverse)
        if not train:
            raise UserError("no training examples fit max_seq_len; raise [model] max_seq_len")
        noise_vocab = None  # the prompt tokens a noisy prompt draws its replacements from
        if tc.prompt_noise > 0:
            noise_vocab = torch.unique(torch.cat([torch.as_tensor(e.src) for e in train]))
            noise_vocab = noise_vocab[~torch.isin(noise_vocab, torch.tensor([tok.pad_id, tok.bos_id, tok.eos_id,
                                                                              tok.unk_id]))].to(device)
        shape = ModelShape.from_config(mc, tok.vocab_size, tok.pad_id)
        try:
            shape.check()
        except ValueError as e:
            raise UserError(f"[model] {e}") from None
        model = Seq2Seq(shape).to(device)
        if resume_ckpt is not None or self.init_from is not None:
            ckpt.load_weights(resume_ckpt or self.init_from, model)
        opt = make_optimizer(model, tc, device)
        plan = BatchPlan(train, tc.batch_size, tc.seed, d.rank, d.world)
        steps_per_epoch = max(1, len(plan) // tc.grad_accum)
        total = self.max_steps_override or tc.max_steps or tc.num_epochs * steps_per_epoch
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda(min(tc.warmup_steps, total // 5 + 1), total, tc.min_lr_ratio))
        pos = {"step": 0, "epoch": 0, "batch": 0, "best": None, "bad_evals": 0, "tokens": 0}
        if resume_ckpt is not None:
            st = ckpt.load_state(resume_ckpt)
            opt.load_state_dict(st["optimizer"])
            sched.load_state_dict(st["scheduler"])
            pos.update(st["position"])
            ckpt.set_rng_state(st["rng"])
        net: torch.nn.Module = model
        if d.enabled:
            net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
        if tc.compile:
            net = torch.compile(net)
        # bf16 autocast: by default on CUDA; on a CPU only when asked (fp32 keeps CPU runs bit-exact)
        use_bf16 = (device.type == "cuda" and tc.precision in ("auto", "bf16")) or tc.precision == "bf16"
        journal = Journal(self.journal_dir / f"{self.run_dir.name}.jsonl", enabled=d.main,
                          tensorboard_dir=self.run_dir / "tensorboard")
        journal.log("start" if resume_ckpt is None else "resume", config_hash=config_hash(self.config_toml),
                    git_commit=git_commit(), versions=versions(), device=str(device), world=d.world,
                    params=model.num_params(), train_examples=len(train), dropped_too_long=dropped,
                    val_examples=len(val), total_steps=total, resumed_from=str(resume_ckpt) if resume_ckpt else None,
                    init_from=str(self.init_from) if self.init_from else None,
                    run_dir=str(self.run_dir), config=self.config_toml, step=pos["step"])
        flops_tok = flops_per_token(shape, sum(len(e.src) for e in train[:512]) / min(512, len(train)),
                                    sum(len(e.tgt) for e in train[:512]) / min(512, len(train)))
        history: list[dict] = []
        last_path: Path | None = None
        best_path: Path | None = ckpt.resolve(self.run_dir, "best") if resume_ckpt and (self.run_dir / "best").exists() else None
        t_start = self.clock()
        tokens_run = 0
        stopped_early = False

        def state() -> dict:
            return {"optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "position": dict(pos),
                    "rng": ckpt.rng_state()}

        def save(tag: str) -> Path:
            nonlocal last_path
            path = ckpt.save_checkpoint(self.run_dir, pos["step"], model, state=state(), config_toml=self.config_toml,
                                        tokenizer_json=tok.tok.to_str(), meta={"step": pos["step"], "tag": tag,
                                        "vocab_size": tok.vocab_size, "params": model.num_params(),
                                        "metric": pos["best"], "metric_name": tc.early_stopping_metric})
            journal.log("checkpoint", step=pos["step"], path=str(path), tag=tag)
            last_path = path
            return path

        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("step {task.completed}/{task.total}"), BarColumn(), TextColumn("{task.fields[info]}"),
                       TimeRemainingColumn(), disable=not (self.progress and d.main), transient=False)
        task_id = bar.add_task("train", total=total, completed=pos["step"], info="")
        micro: list[list[int]] = []
        # on a GPU, round batch shapes up (few distinct shapes: kernel plans are reused); CPU runs stay unpadded
        pad_shape = (((16, 32), (mc.max_prompt_len, mc.max_seq_len)) if device.type == "cuda" else ((1, 1), None))
        loss_acc = torch.zeros((), device=device)  # summed token losses since the last log line (no per-step sync)
        margin_acc = torch.zeros((), device=device)  # the same for the contrastive margin loss (reviewers)
        win_tok, win_t0 = 0, self.clock()
        time_base = pos.get("time_s", 0.0)  # training time of earlier invocations (for --max-time)
        try:
            with bar:
                epoch_batches: tuple[int, list[list[int]]] = (-1, [])
                while pos["step"] < total:
                    if epoch_batches[0] != pos["epoch"]:  # the order is computed once per epoch
                        epoch_batches = (pos["epoch"], plan.batches(pos["epoch"]))
                    batches = epoch_batches[1]
                    if pos["batch"] >= len(batches):
                        pos["epoch"] += 1
                        pos["batch"] = 0
                        continue
                    micro = batches[pos["batch"]:pos["batch"] + tc.grad_accum]
                    pos["batch"] += len(micro)
                    model.train()
                    cols = [collate(train, idx, tok.pad_id, *pad_shape) for idx in micro]
                    local_tok = float(sum(int((c["tgt_out"] != tok.pad_id).sum()) for c in cols))
                    global_tok = d.all_sum(torch.tensor(local_tok, device=device)).item() if d.enabled else local_tok
                    for j, c in enumerate(cols):
                        c = {k: v.to(device, non_blocking=True) for k, v in c.items()}
                        if noise_vocab is not None:  # on the device (a CPU pass costs half a GPU run's steps);
                            # seeded by the step: a resumed run draws the same noise
                            g = torch.Generator(device=device).manual_seed(tc.seed * 1_000_003 + pos["step"] * 16 + j)
                            c = noisy_prompts(c, tc.prompt_noise, noise_vocab, g, tok.pad_id)
                        sync = j == len(cols) - 1
                        ctx = net.no_sync() if (d.enabled and not sync and hasattr(net, "no_sync")) else _null()
                        with ctx, torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
                            logits = net(c["src"], c["src_pad"], c["tgt_in"])
                            loss = F.cross_entropy(logits.float().view(-1, logits.shape[-1]), c["tgt_out"].view(-1),
                                                   ignore_index=tok.pad_id, reduction="sum",
                                                   label_smoothing=tc.label_smoothing)
                            total_loss = loss
                            if tc.contrastive_weight > 0 and "neg_src" in c:
                                margin = margin_loss(net, c, logits, tok.pad_id, tc.contrastive_margin)
                                total_loss = loss + tc.contrastive_weight * margin
                                margin_acc += margin.detach()
                            (total_loss * (d.world / global_tok)).backward()
                        loss_acc += loss.detach()
                    gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), tc.grad_clip) if tc.grad_clip > 0 else None
                    opt.step()
                    if self.max_time_s is not None:  # one clock, broadcast: every rank follows rank 0's schedule
                        pos["time_s"] = d.broadcast_object(time_base + self.clock() - t_start)
                        for fn in sched.lr_lambdas:
                            fn.time_frac = min(1.0, pos["time_s"] / self.max_time_s)
                    sched.step()
                    opt.zero_grad(set_to_none=True)
                    pos["step"] += 1
                    step_tokens = int(global_tok)
                    pos["tokens"] += step_tokens
                    tokens_run += step_tokens
                    win_tok += step_tokens
                    if pos["step"] % 10 == 0 or pos["step"] == total:  # one host sync per log line
                        train_loss = d.all_sum(loss_acc.clone()).item() / max(1.0, win_tok)
                        now = self.clock()
                        tps = win_tok / max(now - win_t0, 1e-9)
                        rec = {"step": pos["step"], "loss": round(train_loss, 5), "lr": sched.get_last_lr()[0],
                               "tokens_per_s": round(tps, 1), "epoch": pos["epoch"],
                               "grad_norm": round(float(gnorm), 4) if gnorm is not None else None,
                               "flops_per_s": round(tps * flops_tok, 1)}
                        if tc.contrastive_weight > 0:
                            rec["margin_loss"] = round(d.all_sum(margin_acc.clone()).item() / max(1.0, win_tok), 5)
                            margin_acc.zero_()
                        journal.log("train", **rec)
                        bar.update(task_id, completed=pos["step"], info=f"loss {train_loss:.4f}  {tps:,.0f} tok/s")
                        loss_acc.zero_()
                        win_tok, win_t0 = 0, now
                    else:
                        bar.update(task_id, completed=pos["step"])
                    out_of_time = self.max_time_s is not None and pos["time_s"] >= self.max_time_s
                    evaluate_now = tc.eval_every and (pos["step"] % tc.eval_every == 0 or pos["step"] == total
                                                      or out_of_time)  # the last, annealed weights are evaluated too
                    if evaluate_now:
                        ev = self._evaluate(model, val, tok, device, use_bf16, d)
                        exec_due = tc.exec_eval_every and pos["step"] % tc.exec_eval_every == 0
                        if self.exec_eval and not reverse and exec_due and d.main:
                            with torch.random.fork_rng(devices=[]):
                                ev.update(self.exec_eval(model, tok))
                        ev = d.broadcast_object(ev)
                        ev["step"] = pos["step"]
                        history.append(ev)
                        journal.log("eval", **ev)
                        metric = ev.get(tc.early_stopping_metric)
                        if metric is not None:
                            better = -metric if tc.early_stopping_metric == "exec_pass" else metric
                            if pos["best"] is None or better < pos["best"] - 1e-6:
                                pos["best"], pos["bad_evals"] = better, 0
                                if d.main:
                                    best_path = save("best")
                                    ckpt.mark(self.run_dir, "best", best_path)
                            else:
                                pos["bad_evals"] += 1
                        if tc.early_stopping and pos["bad_evals"] >= tc.patience:
                            stopped_early = True
                            journal.log("early_stop", step=pos["step"], best=pos["best"])
                            break
                    if out_of_time:
                        journal.log("time_limit", step=pos["step"], max_time_s=self.max_time_s)
                        break
                    if d.main and tc.checkpoint_every and pos["step"] % tc.checkpoint_every == 0 \
                            and (last_path is None or last_path.name != f"step-{pos['step']:07d}"):
                        save("periodic")
                        ckpt.prune(self.run_dir)
            if d.main and (last_path is None or last_path.name != f"step-{pos['step']:07d}"):
                save("last")
            if d.main:
                ckpt.prune(self.run_dir)
        except torch.cuda.OutOfMemoryError:
            raise UserError(f"out of GPU memory at batch_size {tc.batch_size} (sequence length up to "
                            f"{mc.max_seq_len}); lower [training] batch_size and raise grad_accum. "
                            "Existing checkpoints are untouched.") from None
        finally:
            wall = self.clock() - t_start
            journal.log("end", step=pos["step"], wall_s=round(wall, 2), tokens=tokens_run,
                        tokens_per_s=round(tokens_run / max(wall, 1e-9), 1))
            journal.close()
        d.barrier()
        return TrainResult(pos["step"], self.run_dir, last_path, best_path,
                           None if pos["best"] is None else abs(pos["best"]), wall,
                           tokens_run / max(wall, 1e-9), history, stopped_early)

    @torch.no_grad()
    def _evaluate(self, model: Seq2Seq, val, tok, device, use_bf16: bool, d: Dist) -> dict:
        if not val:
            return {}
        model.eval()
        plan_bs = max(1, min(64, self.cfg.training.batch_size))
        loss_sum, n = 0.0, 0
        order = sorted(range(len(val)), key=lambda i: len(val[i].tgt))
        for i in range(0, len(order), plan_bs):
            c = {k: v.to(device) for k, v in collate(val, order[i:i + plan_bs], tok.pad_id).items()}
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
                logits = model(c["src"], c["src_pad"], c["tgt_in"])
            loss_sum += float(F.cross_entropy(logits.float().view(-1, logits.shape[-1]), c["tgt_out"].view(-1),
                                              ignore_index=tok.pad_id, reduction="sum"))
            n += int((c["tgt_out"] != tok.pad_id).sum())
        return {"val_loss": round(loss_sum / max(n, 1), 5)}


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False
