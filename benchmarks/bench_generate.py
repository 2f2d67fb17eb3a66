"""Inference latency on CPU: our KV-cache decoder vs Hugging Face `generate()`, and the grammar mask's cost.

Run: `.venv/bin/python benchmarks/bench_generate.py [--threads 1] [--tokens 250] [--repeats 3] [--write-docs]`

What it measures (random weights, so every run generates exactly `--tokens` tokens, EOS suppressed):

1. latency per shader of a `small`-shaped model (d_model 256, 8 heads, 3+3 layers, ff 1024,
   vocab 2000) for greedy and beam 4, with and without the grammar constraint;
2. the same shapes in `transformers`' `BartForConditionalGeneration.generate()` (same layers, heads,
   widths, vocabulary and number of generated tokens; `min_new_tokens` suppresses EOS), timed
   alternately with ours in the same process and thread setting -> speed ratio;
3. the constraint's cost when the model is right (the realistic case for a trained model): the
   same model with a bonus on each reference token's logit reproduces the reference shaders;
   constrained vs free decoding, greedy and beam 4 -> overhead per shader and per token; the lazy
   mask alone; and Lark's `InteractiveParser.accepts()` on the same prefixes, for comparison.

With random weights the constrained runs are a worst case: the top candidates are mostly
ungrammatical, so the mask often falls back to the full vocabulary scan.
It does NOT measure quality (see `eval`). `--write-docs` replaces the `## Inference (CPU)` section of
docs/performance.md (other sections are left alone).
"""
from __future__ import annotations

import argparse
import glob
import os
import platform
import sys
import time
import tomllib
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tiny_agent_trainer.inference.constrained import GrammarConstraint  # noqa: E402
from tiny_agent_trainer.inference.decoding import DecodeConfig, Decoder  # noqa: E402
from tiny_agent_trainer.inference.grammar import TEMPLATED, classify, lark_parser  # noqa: E402
from tiny_agent_trainer.model import ModelShape, Seq2Seq  # noqa: E402
from tiny_agent_trainer.tokenizer import WgslTokenizer  # noqa: E402

SHAPE = dict(vocab_size=2000, d_model=256, nhead=8, num_layers=3, num_encoder_layers=3, dim_feedforward=1024,
             dropout=0.0, max_seq_len=448, max_prompt_len=96, copy_attention=False)  # BART has no copy head
PAD, BOS, EOS = 0, 1, 2


def reference_tasks() -> list[dict]:
    out = []
    for f in [ROOT / "config" / "wgsl_training_data.toml"] + sorted(Path(p) for p in glob.glob(str(ROOT / "benchmarks/*.toml"))):
        if f.is_file():
            out += [t for t in tomllib.loads(f.read_text()).get("task", []) if "reference" in t and "prompt" in t]
    return out


def timed(fn, repeats: int) -> float:
    """Best (minimum) wall time in ms of `repeats` calls after one warm-up call: on a shared box the
    minimum estimates the undisturbed cost; medians drift with other tenants' load."""
    fn()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1e3)
    return min(ts)


def hf_model():
    from transformers import BartConfig, BartForConditionalGeneration

    cfg = BartConfig(vocab_size=SHAPE["vocab_size"], d_model=SHAPE["d_model"], encoder_layers=SHAPE["num_encoder_layers"],
                     decoder_layers=SHAPE["num_layers"], encoder_attention_heads=SHAPE["nhead"],
                     decoder_attention_heads=SHAPE["nhead"], encoder_ffn_dim=SHAPE["dim_feedforward"],
                     decoder_ffn_dim=SHAPE["dim_feedforward"], max_position_embeddings=512, dropout=0.0,
                     attention_dropout=0.0, activation_dropout=0.0, pad_token_id=PAD, bos_token_id=BOS,
                     eos_token_id=EOS, decoder_start_token_id=BOS, forced_eos_token_id=None, scale_embedding=False)
    torch.manual_seed(0)
    return BartForConditionalGeneration(cfg).eval()


def bench_models(args, tok: WgslTokenizer, prompt: list[int]) -> list[dict]:
    torch.manual_seed(0)
    ours = Seq2Seq(ModelShape(pad_id=PAD, **SHAPE)).eval()
    dec = Decoder(ours, bos_id=BOS, eos_id=EOS, pad_id=PAD)
    copy_dec = Decoder(Seq2Seq(ModelShape(pad_id=PAD, **{**SHAPE, "copy_attention": True})).eval(),
                       bos_id=BOS, eos_id=EOS, pad_id=PAD)
    cons = GrammarConstraint(tok.pieces, eos_id=EOS, special_ids=[PAD, BOS, tok.unk_id])
    hf = hf_model() if not args.no_hf else None
    n = args.tokens
    src = torch.tensor([prompt])
    rows = []
    for beams in (1, 4):
        cfg = (DecodeConfig("greedy", max_new_tokens=n, min_new_tokens=n) if beams == 1 else
               DecodeConfig("beam", beams=4, num_return=1, max_new_tokens=n, min_new_tokens=n))
        name = "greedy" if beams == 1 else "beam 4"

        def run_ours():
            out = dec.generate([prompt], cfg)
            assert len(out[0][0].tokens) == n, len(out[0][0].tokens)

        def run_cons():
            dec.generate([prompt], cfg, constraint=cons)

        def run_copy():
            copy_dec.generate([prompt], cfg)

        def run_hf():
            with torch.inference_mode():
                out = hf.generate(input_ids=src, attention_mask=torch.ones_like(src), max_new_tokens=n,
                                  min_new_tokens=n, num_beams=beams, do_sample=False, early_stopping=True,
                                  use_cache=True)
            assert out.shape[1] == n + 1, out.shape

        ts_ours, ts_hf = [], []
        run_ours()
        if hf is not None:
            run_hf()
        for _ in range(args.repeats):  # alternate, so load changes hit both alike
            t = time.perf_counter()
            run_ours()
            ts_ours.append((time.perf_counter() - t) * 1e3)
            if hf is not None:
                t = time.perf_counter()
                run_hf()
                ts_hf.append((time.perf_counter() - t) * 1e3)
        t_cons = timed(run_cons, max(1, args.repeats // 2))
        t_copy = timed(run_copy, max(1, args.repeats // 2))
        row = {"mode": name, "ours_ms": min(ts_ours), "cons_ms": t_cons, "copy_ms": t_copy,
               "hf_ms": min(ts_hf) if ts_hf else None}
        rows.append(row)
        print(f"{name:7s} ours {row['ours_ms']:8.1f} ms  constrained (random model) {t_cons:8.1f} ms  "
              f"with copy head {t_copy:8.1f} ms  HF {row['hf_ms'] or float('nan'):8.1f} ms", flush=True)
    return rows


def bench_overhead(tok: WgslTokenizer, tasks: list[dict], limit: int, repeats: int) -> dict:
    """Constrained vs free decoding of the small model when it predicts the reference shaders.

    The random model's logits get +30 on the reference token of each position, so greedy decoding
    reproduces the reference (a model that is right); beams 2-4 explore near it. Both runs do the
    same model work, so the difference is the constraint's cost. Also times the lazy mask alone.
    """
    torch.manual_seed(0)
    model = Seq2Seq(ModelShape(pad_id=tok.pad_id, **SHAPE)).eval()
    dec = Decoder(model, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id)
    cons = GrammarConstraint(tok.pieces, eos_id=tok.eos_id, special_ids=[tok.pad_id, tok.bos_id, tok.unk_id])
    plain_step = dec._step
    ref: list[int] = []

    def oracle_step(t, memory, src_pad, cache):
        out = plain_step(t, memory, src_pad, cache)
        pos = cache.length - 1  # index of the token these logits predict
        if pos < len(ref):
            out[:, ref[pos]] += 30.0
        return out

    dec._step = oracle_step
    seqs = [(tok.encode_prompt(t["prompt"])[:SHAPE["max_prompt_len"]], tok.encode_code(t["reference"]) + [tok.eos_id])
            for t in tasks[:limit]]
    seqs = [(p, r) for p, r in seqs if len(r) < SHAPE["max_seq_len"] - 4]
    out: dict = {"n": len(seqs), "tokens": sum(len(r) for _, r in seqs)}
    for name, cfg in (("greedy", DecodeConfig("greedy")), ("beam 4", DecodeConfig("beam", beams=4, num_return=1))):
        free_ms, cons_ms = 0.0, 0.0
        for prompt, r in seqs:
            ref[:] = r
            cfg.max_new_tokens = len(r) + 4
            got = dec.generate([prompt], cfg)[0][0]
            if name == "greedy":
                assert got.tokens == r[:-1], "the oracle bias should reproduce the reference"
            free_ms += timed(lambda: dec.generate([prompt], cfg), repeats)
            cons_ms += timed(lambda: dec.generate([prompt], cfg, constraint=cons), repeats)
        out[name] = {"free_ms": free_ms / len(seqs), "cons_ms": cons_ms / len(seqs),
                     "us_per_token": (cons_ms - free_ms) / out["tokens"] * 1e3}
        o = out[name]
        print(f"{name:7s} reference-following: free {o['free_ms']:.1f} ms/shader, constrained {o['cons_ms']:.1f} "
              f"ms/shader (+{o['cons_ms'] / o['free_ms'] - 1:.1%}, {o['us_per_token']:.0f} us/token)", flush=True)
    # the lazy mask alone (need=1), parser memo cold for each shader
    gen = torch.Generator().manual_seed(0)
    total, n = 0.0, 0
    for _, r in seqs:
        cons.parser._feed.clear()
        cons.parser._accepts.clear()
        logits = [torch.randn(tok.vocab_size, generator=gen) for _ in r]
        st = cons.start()
        t = time.perf_counter()
        for lg, i in zip(logits, r):
            lg[i] = 10.0
            cons.mask(st, lg, 1)
            st = cons.advance(st, i)
        total += time.perf_counter() - t
        n += len(r)
    out["mask_us"] = total / n * 1e6
    # Lark's own interactive parser: accepts() at every prefix
    from lark import Token
    from tiny_agent_trainer.inference.grammar import code_texts, default_parser

    lark, fast, k, t0 = lark_parser(), default_parser(), 0, time.perf_counter()
    for task in tasks[: max(1, limit // 4)]:
        ip, prev = lark.parse_interactive(), ""
        for text in code_texts(task["reference"]):
            ip.accepts()
            stack = tuple(ip.parser_state.state_stack)
            term = next(c for c in classify(text, prev in TEMPLATED) if fast.feed(stack, c) is not None)
            ip.feed_token(Token(term, text))
            prev, k = text, k + 1
    out["lark_accepts_us"] = (time.perf_counter() - t0) / k * 1e6
    print(f"lazy mask alone {out['mask_us']:.0f} us/token (cold memo); Lark InteractiveParser.accepts() "
          f"{out['lark_accepts_us']:.0f} us per lexer token", flush=True)
    return out


def bench_quality(bench: str, model: str | None, limit: int) -> list[dict]:
    """pass@1 of a trained model on a benchmark with and without the grammar constraint (no repair rounds).

    Each config decodes every task once (greedy, or beam 4 with validity-aware selection among
    the beams), judges the chosen shader by running it (`evaluation.judge`), and reports the pass
    rate, the naga-valid rate and the mean latency.
    """
    from tiny_agent_trainer.evaluation.judge import shared_judge
    from tiny_agent_trainer.inference.api import Generator
    from tiny_agent_trainer.spec import load_bench

    tasks = load_bench(bench)[:limit]
    judge = shared_judge()
    rows = []
    for beams in (1, 4):
        for constrained in (False, True):
            gen = Generator(model=model, beams=beams, constrained=constrained, retries=0)
            t0 = time.perf_counter()
            outs = [gen.generate(t.prompt) for t in tasks]
            dt = (time.perf_counter() - t0) / len(tasks) * 1e3
            verdicts = judge.judge_many([(t, g.code or None) for t, g in zip(tasks, outs)])
            row = {"decoding": "greedy" if beams == 1 else f"beam {beams}", "constrained": constrained,
                   "pass@1": sum(v.verdict == "pass" for v in verdicts) / len(tasks),
                   "valid": sum(g.ok for g in outs) / len(tasks), "ms": dt, "model": gen.id, "n": len(tasks)}
            rows.append(row)
            print(f"{row['decoding']:7s} constrained={constrained!s:5s} pass@1 {row['pass@1']:.1%}  "
                  f"valid {row['valid']:.1%}  {dt:.0f} ms/task  ({gen.id}, {len(tasks)} tasks)", flush=True)
    return rows


def write_docs(text: str) -> None:
    path = ROOT / "docs" / "performance.md"
    old = path.read_text(encoding="utf-8") if path.is_file() else "# Performance\n"
    head = "## Inference (CPU)"
    if head in old:
        a = old.index(head)
        b = old.find("\n## ", a + len(head))
        new = old[:a] + text.rstrip() + "\n" + (old[b:] if b >= 0 else "")
    else:
        new = old.rstrip() + "\n\n" + text.rstrip() + "\n"
    path.write_text(new, encoding="utf-8")
    print(f"wrote {path}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--tokens", type=int, default=250)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mask-shaders", type=int, default=40, help="reference shaders for the overhead part")
    ap.add_argument("--no-hf", action="store_true")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--quality", metavar="BENCH", help="only measure pass@1 with/without constraints of --model on "
                    "this benchmark (needs a trained model; uses the GPU runtime to judge)")
    ap.add_argument("--model", default=None, help="model for --quality (default: the bundled model)")
    ap.add_argument("--limit", type=int, default=1000, help="first N tasks for --quality")
    args = ap.parse_args()
    if args.quality:
        bench_quality(args.quality, args.model, args.limit)
        return 0
    torch.set_num_threads(args.threads)
    tasks = reference_tasks()
    tok = WgslTokenizer.train([t["prompt"] for t in tasks], [t["reference"] for t in tasks], vocab_size=2000)
    prompt = [i if i < SHAPE["vocab_size"] else 3 for i in tok.encode_prompt(tasks[0]["prompt"])][:SHAPE["max_prompt_len"]]
    load = os.getloadavg()[0]
    print(f"torch {torch.__version__}, {args.threads} thread(s), {os.cpu_count()} cores, load {load:.1f}, "
          f"tokenizer {tok.vocab_size} pieces, prompt {len(prompt)} tokens, {args.tokens} generated tokens", flush=True)
    rows = bench_models(args, tok, prompt)
    ov = bench_overhead(tok, tasks, args.mask_shaders, max(1, args.repeats // 2))
    import transformers

    lines = [
        "## Inference (CPU)",
        "",
        f"`benchmarks/bench_generate.py` on {platform.processor() or platform.machine()} ({os.cpu_count()} cores, "
        f"load average {load:.1f} at the start), torch "
        f"{torch.__version__}, transformers {transformers.__version__}, `torch.set_num_threads({args.threads})`. "
        f"Random-weight `small` shape (d_model 256, 8 heads, 3+3 layers, ff 1024, vocab 2000; no copy head, like "
        f"BART; the last column adds the pointer-generator copy head of the shipped config), prompt of "
        f"{len(prompt)} tokens, exactly {args.tokens} generated tokens (EOS suppressed), best of {args.repeats} "
        "runs after a warm-up (the minimum is the undisturbed cost on a shared box), ours and HF alternating in "
        "the same process.",
        "",
        "| decoding | ours (ms/shader) | ms/token | HF BART `generate()` (ms/shader) | speed-up vs HF | ours + grammar, random model (ms/shader) | ours with the copy head (ms/shader) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        hf = f"{r['hf_ms']:.0f}" if r["hf_ms"] else "n/a"
        ratio = f"{r['hf_ms'] / r['ours_ms']:.2f}x" if r["hf_ms"] else "n/a"
        lines.append(f"| {r['mode']} | {r['ours_ms']:.0f} | {r['ours_ms'] / args.tokens:.2f} | {hf} | {ratio} | "
                     f"{r['cons_ms']:.0f} | {r['copy_ms']:.0f} |")
    g, b4 = ov["greedy"], ov["beam 4"]
    lines += [
        "",
        f"Grammar-constraint cost when the model is right: the same model with +30 added to the reference token's "
        f"logit at each position, so greedy decoding reproduces {ov['n']} reference shaders "
        f"({ov['tokens'] / ov['n']:.0f} tokens on average) and beam search explores around them; constrained vs "
        "free, same model work:",
        "",
        "| decoding | free (ms/shader) | constrained (ms/shader) | overhead | per token |",
        "|---|---|---|---|---|",
        f"| greedy | {g['free_ms']:.0f} | {g['cons_ms']:.0f} | {g['cons_ms'] / g['free_ms'] - 1:+.1%} | "
        f"{g['us_per_token']:.0f} µs |",
        f"| beam 4 | {b4['free_ms']:.0f} | {b4['cons_ms']:.0f} | {b4['cons_ms'] / b4['free_ms'] - 1:+.1%} | "
        f"{b4['us_per_token']:.0f} µs |",
        "",
        f"The lazy mask alone costs {ov['mask_us']:.0f} µs per token with a cold parser memo (reference replay, "
        f"need=1); Lark's `InteractiveParser.accepts()` costs {ov['lark_accepts_us']:.0f} µs per lexer token (it "
        "copies the parser for every terminal), which is why `inference/grammar.py` drives Lark's LALR table on "
        "memoised immutable stacks. Anchors: SynCode reports ~10% overhead, llguidance ~50 µs per mask.",
        "",
        "The random-model constrained column of the first table is a worst case: random logits rarely put a "
        "grammatical piece on top, so the mask often scans the whole vocabulary.",
    ]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
