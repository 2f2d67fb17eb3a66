"""Export a trained `model.Seq2Seq` to ONNX and run greedy decoding with onnxruntime alone.

`export_model(model, tokenizer, out_dir)` writes four files:

* `encoder.onnx`: `src` (int64, B x S) and `src_pad` (bool, B x S, True at padding) -> `memory`
  (float32, B x S x d, or d+1 with the copy head: `Seq2Seq.encode` appends the source ids as a last
  channel, which the decoder graph reads back);
* `decoder_step.onnx`: `tgt` (int64, B x T: BOS plus the tokens generated so far), `memory`,
  `src_pad` -> `scores` (float32, B x V) of the LAST position. The graph re-runs the whole decoder
  prefix on every call: there is no key/value cache, so a shader of n tokens costs O(n^2) decoder
  work. That is deliberate (two small graphs, no cache plumbing); use the PyTorch `Decoder` when
  speed matters. Scores are log-probabilities with the copy head, logits without (argmax either way);
* `tokenizer.json` (the model's own) and `meta.json` (special ids, max lengths, opset, I/O names).

Dynamic axes cover batch, prompt length and target length. Export uses the TorchScript exporter
(`dynamo=False`: no onnxscript dependency). After writing, `verify_export` compares onnxruntime
against PyTorch on random padded inputs and the export fails (`ExportError`) if the max abs
difference exceeds `tolerance` (1e-3). `onnx_greedy(dir, prompt_ids, max_new)` is a reference
greedy decoder that needs only numpy + onnxruntime (same rules as `inference.decoding`: BOS/PAD
never chosen, EOS stops, at most `max_seq_len` tokens).

This module does NOT do beam search, sampling or grammar-constrained decoding over ONNX, quantize,
or export a KV-cached decoder; it does NOT parse command lines (see `commands/export.py`).
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn

from .errors import UserError

ENCODER_FILE = "encoder.onnx"
DECODER_FILE = "decoder_step.onnx"
TOKENIZER_FILE = "tokenizer.json"
META_FILE = "meta.json"
DEFAULT_OPSET = 17
MIN_OPSET = 16  # ScatterElements with reduction="add" (the copy head) needs 16
TOLERANCE = 1e-3


class ExportError(RuntimeError):
    """The exported graphs disagree with PyTorch (or could not be run)."""


@dataclass
class ExportResult:
    out_dir: Path
    max_abs_diff: float  # ONNX vs PyTorch, over memory and scores
    files: list[Path]


class _Encoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, src, src_pad):
        return self.model.encode(src, src_pad)


class _DecoderStep(nn.Module):
    """Full-prefix decoder: scores of the last position (no cache)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, tgt, memory, src_pad):
        return self.model._decode(tgt, memory, src_pad)[:, -1]


def _require_onnx():
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError as e:
        raise UserError(f"ONNX export needs onnx and onnxruntime ({e}); "
                        "install them with `pip install 'tiny-agent-trainer[export]'`") from None


def _session(path: Path, threads: int = 1):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


def _example(model, batch: int, src_len: int, tgt_len: int, seed: int) -> tuple[torch.Tensor, ...]:
    """Random ids (no specials below 4), rows after the first padded at the tail (position 0 never)."""
    g = torch.Generator().manual_seed(seed)
    s = model.shape
    hi = max(s.vocab_size, 5)
    src = torch.randint(min(4, hi - 1), hi, (batch, src_len), generator=g)
    src_pad = torch.zeros(batch, src_len, dtype=torch.bool)
    for b in range(1, batch):
        n = int(torch.randint(1, src_len + 1, (1,), generator=g))
        src_pad[b, n:] = True
        src[b, n:] = s.pad_id
    tgt = torch.randint(min(4, hi - 1), hi, (batch, tgt_len), generator=g)
    return src, src_pad, tgt


def export_model(model, tokenizer, out_dir: str | Path, *, opset: int = DEFAULT_OPSET, model_id: str = "",
                 verify: bool = True, tolerance: float = TOLERANCE) -> ExportResult:
    """Write encoder.onnx, decoder_step.onnx, tokenizer.json and meta.json to `out_dir` (see module doc)."""
    _require_onnx()
    if opset < MIN_OPSET:
        raise UserError(f"--opset {opset} is too old: the export needs opset {MIN_OPSET} or newer")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    s = model.shape
    was_training = model.training
    model.eval()
    # example lengths > 1 and distinct, so the tracer cannot specialise on a size-1 or shared axis
    src, src_pad, tgt = _example(model, 2, min(7, s.max_prompt_len), min(5, s.max_seq_len), seed=0)
    enc_path, dec_path = out / ENCODER_FILE, out / DECODER_FILE
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about the Python-side length checks
            memory = model.encode(src, src_pad)
            torch.onnx.export(
                _Encoder(model), (src, src_pad), str(enc_path), dynamo=False, opset_version=opset,
                input_names=["src", "src_pad"], output_names=["memory"],
                dynamic_axes={"src": {0: "batch", 1: "src_len"}, "src_pad": {0: "batch", 1: "src_len"},
                              "memory": {0: "batch", 1: "src_len"}})
            torch.onnx.export(
                _DecoderStep(model), (tgt, memory, src_pad), str(dec_path), dynamo=False, opset_version=opset,
                input_names=["tgt", "memory", "src_pad"], output_names=["scores"],
                dynamic_axes={"tgt": {0: "batch", 1: "tgt_len"}, "memory": {0: "batch", 1: "src_len"},
                              "src_pad": {0: "batch", 1: "src_len"}, "scores": {0: "batch"}})
    finally:
        model.train(was_training)
    import onnx

    for p in (enc_path, dec_path):
        onnx.checker.check_model(str(p))
    tok_path = tokenizer.save(out / TOKENIZER_FILE)
    meta = {
        "format": "tiny-agent-trainer-onnx/1",
        "model_id": model_id,
        "opset": opset,
        "pad_id": tokenizer.pad_id, "bos_id": tokenizer.bos_id, "eos_id": tokenizer.eos_id,
        "unk_id": tokenizer.unk_id,
        "vocab_size": s.vocab_size, "d_model": s.d_model,
        "max_prompt_len": s.max_prompt_len, "max_seq_len": s.max_seq_len,
        "copy_attention": bool(s.copy_attention),
        "scores": "log_probs" if s.copy_attention else "logits",
        "encoder": {"file": ENCODER_FILE, "inputs": ["src", "src_pad"], "outputs": ["memory"]},
        "decoder": {"file": DECODER_FILE, "inputs": ["tgt", "memory", "src_pad"], "outputs": ["scores"],
                    "kv_cache": False},
        "torch_version": torch.__version__,
    }
    diff = float("nan")
    if verify:
        diff = verify_export(model, out, tolerance=tolerance)
        meta["verified_max_abs_diff"] = diff
    meta_path = out / META_FILE
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return ExportResult(out, diff, [enc_path, dec_path, Path(tok_path), meta_path])


def verify_export(model, out_dir: str | Path, *, tolerance: float = TOLERANCE, trials: int = 3) -> float:
    """Max abs difference between onnxruntime and PyTorch (memory and scores) on random inputs.

    Raises `ExportError` above `tolerance`. Shapes differ from the export's example shapes so the
    dynamic axes are exercised (batch 1..3, varying prompt and target lengths, padded rows).
    """
    out = Path(out_dir)
    enc, dec = _session(out / ENCODER_FILE), _session(out / DECODER_FILE)
    s = model.shape
    was_training = model.training
    model.eval()
    worst = 0.0
    try:
        for i in range(trials):
            batch = 1 + i % 3
            src_len = max(1, min(s.max_prompt_len, 3 + 4 * i))
            tgt_len = max(1, min(s.max_seq_len, 1 + 3 * i))
            src, src_pad, tgt = _example(model, batch, src_len, tgt_len, seed=100 + i)
            with torch.no_grad():
                mem_t = model.encode(src, src_pad)
                sc_t = model._decode(tgt, mem_t, src_pad)[:, -1]
            mem_o = enc.run(None, {"src": src.numpy(), "src_pad": src_pad.numpy()})[0]
            sc_o = dec.run(None, {"tgt": tgt.numpy(), "memory": mem_t.numpy(), "src_pad": src_pad.numpy()})[0]
            for a, b in ((mem_t.numpy(), mem_o), (sc_t.numpy(), sc_o)):
                if a.shape != b.shape:
                    raise ExportError(f"ONNX output shape {b.shape} differs from PyTorch {a.shape}")
                worst = max(worst, float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))))
    finally:
        model.train(was_training)
    if not np.isfinite(worst) or worst > tolerance:
        raise ExportError(f"ONNX and PyTorch disagree: max abs diff {worst:.3g} > {tolerance:g}")
    return worst


def export_checkpoint(name: str | Path | None, out_dir: str | Path, *, opset: int = DEFAULT_OPSET,
                      verify: bool = True) -> ExportResult:
    """Load a bundled name / checkpoint / run directory (`inference.loading`) and export it."""
    from .inference.loading import load_model

    _require_onnx()
    loaded = load_model(name, "cpu")
    return export_model(loaded.model, loaded.tokenizer, out_dir, opset=opset, model_id=loaded.model_id,
                        verify=verify)


def load_meta(out_dir: str | Path) -> dict:
    path = Path(out_dir) / META_FILE
    if not path.is_file():
        raise UserError(f"{out_dir}: no {META_FILE}; not an exported model directory")
    return json.loads(path.read_text(encoding="utf-8"))


def onnx_greedy(out_dir: str | Path, prompt_ids: Sequence[int], max_new: int, *, threads: int = 1) -> list[int]:
    """Greedy decoding with onnxruntime only: generated ids without BOS/EOS (batch of one prompt).

    Mirrors `inference.decoding.Decoder` greedy: the prompt is truncated to `max_prompt_len`, BOS
    and PAD are never chosen, EOS ends the output, and at most min(max_new, max_seq_len) tokens
    are produced. Each step re-runs the decoder graph on the whole prefix (no KV cache).
    """
    out = Path(out_dir)
    meta = load_meta(out)
    enc, dec = _session(out / ENCODER_FILE, threads), _session(out / DECODER_FILE, threads)
    ids = list(prompt_ids)[: meta["max_prompt_len"]] or [meta["pad_id"]]
    src = np.asarray([ids], dtype=np.int64)
    src_pad = np.zeros_like(src, dtype=bool)  # no padding in a batch of one (an empty prompt keeps 1 slot)
    memory = enc.run(None, {"src": src, "src_pad": src_pad})[0]
    never = [meta["bos_id"], meta["pad_id"]]
    tgt = [meta["bos_id"]]
    out_ids: list[int] = []
    for _ in range(max(0, min(max_new, meta["max_seq_len"]))):
        scores = dec.run(None, {"tgt": np.asarray([tgt], dtype=np.int64), "memory": memory, "src_pad": src_pad})[0][0]
        scores = scores.astype(np.float64)
        scores[never] = -np.inf
        nxt = int(np.argmax(scores))
        if not np.isfinite(scores[nxt]) or nxt == meta["eos_id"]:
            break
        out_ids.append(nxt)
        tgt.append(nxt)
    return out_ids
