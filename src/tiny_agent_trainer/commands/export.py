"""`tiny-agent-trainer export --out DIR [--model NAME|PATH] [--opset 17]`: the model as ONNX graphs.

Writes `encoder.onnx`, `decoder_step.onnx` (full-prefix decoder, no KV cache), `tokenizer.json`
and `meta.json` into DIR, then checks onnxruntime against PyTorch on random inputs and prints the
max abs difference. Exit status: 0 exported and verified; 1 the graphs disagree with PyTorch by
more than the tolerance (the files are left in DIR for inspection); 2 user error (unknown model,
no bundled default, `--model template`, onnx/onnxruntime missing, bad opset), raised as `UserError`.

This module does NOT export anything itself (see `tiny_agent_trainer.export`).
"""
from __future__ import annotations

import argparse
import sys


DEFAULT_OPSET = 17  # same as export.DEFAULT_OPSET / TOLERANCE (not imported: that pulls in torch at parse time)
TOLERANCE = 1e-3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="export a model to ONNX (encoder + decoder step) for onnxruntime",
        description="Export a trained model to ONNX: encoder.onnx (prompt ids -> memory) and decoder_step.onnx "
                    "(ids so far + memory -> scores of the next token; re-runs the whole prefix, no KV cache), "
                    "plus tokenizer.json and meta.json. The export is verified against PyTorch with onnxruntime "
                    f"(fails above a max abs difference of {TOLERANCE:g}).")
    p.add_argument("--model", default=None, metavar="NAME|PATH",
                   help="bundled model name (default: the bundled 'default') or a checkpoint / run directory")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (created if missing)")
    p.add_argument("--opset", type=int, default=DEFAULT_OPSET, metavar="N",
                   help="ONNX opset version (>= 16; default: %(default)s)")
    p.add_argument("--no-verify", dest="verify", action="store_false",
                   help="skip the onnxruntime-vs-PyTorch check")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..export import ExportError, export_checkpoint

    try:
        res = export_checkpoint(args.model, args.out, opset=args.opset, verify=args.verify)
    except ExportError as e:
        print(f"error: {e} (files left in {args.out})", file=sys.stderr)
        return 1
    for f in res.files:
        print(f)
    if args.verify:
        print(f"verified with onnxruntime: max abs diff vs PyTorch {res.max_abs_diff:.3g}", file=sys.stderr)
    return 0
