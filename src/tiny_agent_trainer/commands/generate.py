"""`tiny-agent-trainer generate`: one WGSL compute shader from an English description.

Prints the shader on stdout (or writes `--output FILE`) and a one-line status on stderr (valid,
workgroup size, tokens, time). `--json` prints everything instead: code, validity, diagnostics,
scores, candidates, tokens and timings. Exit status: 0 = a shader that naga validates; 1 = no
valid shader could be produced (the best attempt's diagnostics go to stderr, the invalid code is
only shown inside `--json`, marked `"ok": false`); 2 = user error (empty or absurdly long prompt,
unknown model name, a checkpoint without its tokenizer, bad option values), raised as `UserError`.

`--model template` uses the built-in chromatic templates (no neural model needed); the default
is the bundled model. This module does NOT decode or validate itself (see `inference.api`).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import UserError
from ..inference.options import MAX_PROMPT_CHARS, Options

_OPT = Options()  # the API's defaults are the CLI's


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate", help="write a WGSL compute shader from an English description",
        description="Generate a WGSL compute shader for a description, check it with naga and print it. "
                    "Candidates from beam search (or sampling) are validated best first; if none is valid a "
                    "bounded repair loop re-decodes around naga's first error; then, if the bundle ships a retrieval "
                    "corpus, the nearest verified training shader is given, marked as such; else it gives up (exit 1).")
    p.add_argument("--prompt", required=True, help="what the shader should do, in English")
    p.add_argument("--model", default=None, metavar="NAME|PATH",
                   help="bundled model name (default: the bundled 'default'), 'template', or a checkpoint / run "
                        "directory")
    p.add_argument("--beams", type=int, default=_OPT.beams, metavar="N", help="beam width (1 = greedy; default: %(default)s)")
    p.add_argument("--sample", action="store_true", help="sample instead of beam search")
    p.add_argument("--temperature", type=float, default=_OPT.temperature, metavar="T",
                   help="sampling temperature (with --sample; default: %(default)s)")
    p.add_argument("--top-p", type=float, default=_OPT.top_p, metavar="P",
                   help="nucleus sampling mass (with --sample; default: %(default)s)")
    p.add_argument("--constrained", action=argparse.BooleanOptionalAction, default=None,
                   help="grammar-constrained decoding (default: the model's measured setting, else off)")
    p.add_argument("--max-new-tokens", type=int, default=None, metavar="N",
                   help="stop after N tokens (default: the model's max_seq_len)")
    p.add_argument("--retries", type=int, default=_OPT.retries, metavar="N",
                   help="repair rounds when no candidate validates (default: %(default)s)")
    p.add_argument("--fallback", action=argparse.BooleanOptionalAction, default=None,
                   help="if no model candidate is valid, answer with the nearest verified training example from "
                        "the bundle's retrieval corpus, marked as such (default: on when the bundle ships one)")
    p.add_argument("--rerank", action=argparse.BooleanOptionalAction, default=None,
                   help="rerank the first valid beam and the nearest verified training examples by generator + "
                        "reviewer likelihood (default: on when the bundle ships a reviewer)")
    p.add_argument("--mutants", action=argparse.BooleanOptionalAction, default=_OPT.rerank_mutants,
                   help="with --rerank, also rerank the first valid beam with one operator or builtin swapped "
                        "(default: off; an experiment, see docs/inference.md)")
    p.add_argument("--steps", action=argparse.BooleanOptionalAction, default=_OPT.rerank_steps,
                   help="with --rerank, when the prompt bounds its result in words (\"then clip to [-1, 1]\", \"never "
                        "below 0\"), decode the request without the bound too and let each candidate compete with the "
                        "bound applied (default: on)")
    p.add_argument("--formula", action=argparse.BooleanOptionalAction, default=_OPT.rerank_formula,
                   help="with --rerank, a kernel transcribed from an elementwise formula spelled out in the prompt "
                        "(\"y = a * x + b\") competes too (default: on)")
    p.add_argument("--declared", action=argparse.BooleanOptionalAction, default=_OPT.rerank_declared,
                   help="with --rerank, when the prompt declares its uniform with typed fields (\"uniform fields: step "
                        "(u32), ring_size (u32)\") and no candidate has it, decode once more after that struct and let "
                        "the result compete too (default: on)")
    p.add_argument("--retrieval-bonus", type=float, default=None, metavar="NATS",
                   help="with --rerank, nats added to the score of a candidate the model did not write (a "
                        "retrieved training shader, the formula kernel); 0 lets generator + reviewer decide alone "
                        "(default: %s)" % _OPT.retrieval_bonus)
    p.add_argument("--formula-bonus", type=float, default=None, metavar="NATS",
                   help="with --rerank, nats added on top of --retrieval-bonus to a kernel transcribed from the "
                        "prompt's own formula (default: %s)" % _OPT.formula_bonus)
    p.add_argument("--seed", type=int, default=None, help="seed for sampling and repair (default: random)")
    p.add_argument("--threads", type=int, default=None, metavar="N",
                   help="CPU threads for torch (default: 1, fastest for small models)")
    p.add_argument("--device", default="cpu", help="torch device (default: %(default)s)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the shader to FILE instead of stdout")
    p.add_argument("--json", action="store_true", help="print a JSON object with code, validity, diagnostics, "
                   "scores, tokens and timings")
    p.set_defaults(func=run)


def _check(args) -> str:
    prompt = args.prompt or ""
    if not prompt.strip():
        raise UserError("--prompt is empty; describe the compute shader you want, e.g. "
                        "--prompt \"Add the arrays a and b element by element.\"")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise UserError(f"--prompt has {len(prompt)} characters (limit {MAX_PROMPT_CHARS}); describe one kernel "
                        "in a few sentences")
    if args.beams < 1:
        raise UserError(f"--beams {args.beams}: must be at least 1")
    if not args.temperature > 0:
        raise UserError(f"--temperature {args.temperature}: must be > 0")
    if not 0 < args.top_p <= 1:
        raise UserError(f"--top-p {args.top_p}: must be in (0, 1]")
    if args.max_new_tokens is not None and args.max_new_tokens < 1:
        raise UserError(f"--max-new-tokens {args.max_new_tokens}: must be at least 1")
    if args.retries < 0:
        raise UserError(f"--retries {args.retries}: must be >= 0")
    if args.threads is not None and args.threads < 1:
        raise UserError(f"--threads {args.threads}: must be at least 1")
    return prompt


def status_line(g) -> str:
    t = g.timings.get("total", 0.0)
    if g.ok:
        wg = f"workgroup_size {tuple(g.workgroup_size)}" if g.workgroup_size else "workgroup_size ?"
        extra = ", repaired" if g.repaired else ""
        extra += ", names fixed" if g.fixed else ""
        if g.source == "retrieval" and g.reranked:
            extra += ", a verified training shader the reviewer preferred (renamed to your names where it could)"
        elif g.source == "formula":
            extra += ", transcribed from the formula in your prompt (the reviewer's choice, not the model's shader)"
        elif g.mutated:
            extra += ", the model's shader with one operation swapped by the reviewer"
        elif g.source != "model":
            extra += f", from {g.source} (not the model)"
        return (f"valid · {wg} · {g.tokens} tokens · {g.n_candidates} candidate(s){extra} · {t:.0f} ms"
                f" · model {g.model}")
    return f"invalid · {g.message or 'no valid shader could be produced'} · {t:.0f} ms · model {g.model}"


def run(args) -> int:
    prompt = _check(args)
    from ..inference.api import Generator

    opts = dict(beams=args.beams, sample=args.sample, temperature=args.temperature, top_p=args.top_p,
                seed=args.seed, constrained=args.constrained, max_new_tokens=args.max_new_tokens,
                retries=args.retries, fallback=args.fallback, rerank=args.rerank, rerank_mutants=args.mutants,
                rerank_formula=args.formula, rerank_steps=args.steps, rerank_declared=args.declared)
    if args.retrieval_bonus is not None:
        opts["retrieval_bonus"] = args.retrieval_bonus
    if args.formula_bonus is not None:
        opts["formula_bonus"] = args.formula_bonus
    gen = Generator(model=args.model, device=args.device, threads=args.threads or 1, **opts)
    g = gen.generate(prompt)
    for w in g.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.json:
        print(json.dumps(g.to_dict(), indent=2))
    elif g.ok:
        if args.output:
            Path(args.output).write_text(g.code, encoding="utf-8")
        else:
            sys.stdout.write(g.code if g.code.endswith("\n") else g.code + "\n")
    if not g.ok:
        for d in g.diagnostics[:3]:
            print((d.get("rendered") or d.get("message") or "").rstrip(), file=sys.stderr)
        if args.output and not args.json:
            print(f"error: nothing written to {args.output}: no valid shader could be produced", file=sys.stderr)
    print(status_line(g), file=sys.stderr)
    return 0 if g.ok else 1
