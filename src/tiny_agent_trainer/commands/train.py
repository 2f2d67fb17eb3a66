"""`tiny-agent-trainer train`: train a model from a task config (single process or under torchrun).

Wires the config, the training loop and (optionally) an execution-based eval callback built
from the inference and evaluation stages. This module does NOT implement training itself.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model (CPU, CUDA, or several GPUs via torchrun)",
                       description="Train the NL->WGSL model. Under `torchrun --nproc-per-node N` it trains with DDP.")
    p.add_argument("--config", default="config/wgsl_generation.toml", help="task config TOML (default: %(default)s; "
                   "built-in defaults if the file is absent and --config is not given)")
    p.add_argument("--preset", help="preset applied on top of the config (tiny, small, base)")
    p.add_argument("--max-steps", type=int, help="stop after N optimizer steps (overrides the config)")
    p.add_argument("--max-time", type=float, metavar="SECONDS",
                   help="stop cleanly (with a final checkpoint) after this much training time")
    p.add_argument("--init-from", metavar="CKPT", help="fine-tune: start from this checkpoint's weights and "
                   "tokenizer (fresh optimizer and schedule)")
    p.add_argument("--resume", action="store_true", help="continue the run in --output from its latest checkpoint")
    p.add_argument("--output", help="run directory (default: <engine checkpoints>/<task name>-<preset>)")
    p.add_argument("--data", help="dataset directory (overrides [dataset] data_dir)")
    p.add_argument("--engine", default="config/engine.toml", help="engine config (paths for journals, checkpoints)")
    p.add_argument("--exec-eval-bench", help="benchmark TOML for the periodic execution-based eval "
                   "(enabled when [training] exec_eval_every > 0; default: the dataset's val split)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def _load_configs(args):
    from .. import config as C

    cfg_path = Path(args.config)
    if cfg_path.is_file():
        cfg = C.load_task_config(cfg_path, preset=args.preset)
    elif args.config != "config/wgsl_generation.toml":
        raise UserError(f"config file {cfg_path} not found")
    else:
        cfg = C.TaskConfig()
        if args.preset:
            cfg = C.apply_preset(cfg, args.preset)
    if args.data:
        cfg.dataset.data_dir = args.data
    eng_path = Path(args.engine)
    eng = C.load_engine_config(eng_path) if eng_path.is_file() else C.EngineConfig()
    return cfg, eng


def make_exec_eval(tasks, n: int):
    """Callback: greedy-decode `n` tasks and run them; returns {'exec_pass': fraction, 'exec_valid': fraction}."""
    def run_eval(model, tok) -> dict:
        from ..evaluation.judge import judge_source
        from ..inference.decoding import DecodeConfig, Decoder

        sub = tasks[:n]
        dec = Decoder(model, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id, fast=False)
        prompts = [tok.encode_prompt(t.prompt)[:model.shape.max_prompt_len] for t in sub]
        hyps = dec.generate(prompts, DecodeConfig(strategy="greedy", max_new_tokens=model.shape.max_seq_len - 1))
        codes = [tok.decode_code(h[0].tokens) for h in hyps]
        model.train()
        verdicts = [judge_source(t, c) for t, c in zip(sub, codes)]
        return {"exec_pass": round(sum(v == "pass" for v in verdicts) / max(1, len(sub)), 4),
                "exec_valid": round(sum(v != "invalid" for v in verdicts) / max(1, len(sub)), 4)}
    return run_eval


def run(args) -> int:
    from .. import config as C
    from ..training.loop import Trainer

    cfg, eng = _load_configs(args)
    name = f"{cfg.task.name}-{args.preset or 'custom'}"
    out = Path(args.output) if args.output else Path(eng.paths.checkpoints) / name
    exec_eval = None
    if cfg.training.exec_eval_every > 0:
        from ..spec import load_bench, parse_task

        if args.exec_eval_bench:
            tasks = load_bench(args.exec_eval_bench)
        else:
            from ..training.data import load_split

            tasks = [parse_task({k: v for k, v in r.items() if k in
                                 ("id", "category", "prompt", "threads", "reference", "buffers", "rtol", "atol")})
                     for r in load_split(cfg.dataset.data_dir, "val")[:cfg.training.exec_eval_tasks]]
        exec_eval = make_exec_eval(tasks, cfg.training.exec_eval_tasks)
    trainer = Trainer(cfg, C.to_toml(cfg), out, journal_dir=eng.paths.journals, resume=args.resume,
                      max_steps=args.max_steps, progress=not args.no_progress, exec_eval=exec_eval,
                      max_time_s=args.max_time, init_from=args.init_from)
    res = trainer.fit()
    summary = {"run_dir": str(res.run_dir), "steps": res.step, "last": str(res.last) if res.last else None,
               "best": str(res.best) if res.best else None, "best_metric": res.best_metric,
               "wall_s": round(res.wall_s, 2), "tokens_per_s": round(res.tokens_per_s, 1),
               "stopped_early": res.stopped_early,
               "journal": str(Path(eng.paths.journals) / f"{res.run_dir.name}.jsonl")}
    if args.json:
        import json

        print(json.dumps(summary, indent=2))
    else:
        from rich.console import Console

        Console().print(f"[bold green]trained[/] {res.step} steps in {res.wall_s:.1f}s "
                        f"({res.tokens_per_s:,.0f} tok/s); last: {summary['last']}; best: {summary['best']} "
                        f"({cfg.training.early_stopping_metric}={res.best_metric})")
    return 0
