"""Building a dataset directory: generate, verify (cached, parallel), split, write JSONL shards and
a manifest; and loading records back for training (`load_records`).

Output: `train-000.jsonl`... (shards of `SHARD_SIZE`), `val.jsonl`, `test.jsonl`, `manifest.json`
(counts per family and split, seed, generator version, sha256 per shard, every dropped pair with
its reason, n-gram overlap between splits and with the paraphrase benchmark, timings).
Curated pairs (`config/wgsl_training_data.toml`, and the tasks of any `extra_curated` benchmark files,
which then stop being held-out measures, less those nearly copying a held-out prompt) go to train; the
paraphrase file is only loaded and reported. This module does NOT define operations or phrasings, and never
drops data silently.
"""
from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ..spec import SpecError, Task, file_hash, load_bench
from .generate import GENERATOR_VERSION, TEST_VARIANTS, generate
from .phrasing import TEST_FRAMES
from .verify import verify_key, verify_many

ROOT = Path(__file__).resolve().parents[3]
CURATED = ROOT / "config" / "wgsl_training_data.toml"
PARAPHRASES = ROOT / "benchmarks" / "paraphrases.toml"
SHARD_SIZE = 10000
SPLITS = ("train", "val", "test")

try:  # UserError lives in the core errors module (may not exist yet in early checkouts)
    from ..errors import UserError
except ImportError:  # pragma: no cover
    class UserError(Exception):
        pass


def defaults() -> dict[str, Any]:
    """[dataset] defaults from config.py when it exists, else the same documented values."""
    d = {"data_dir": "data", "synthetic_count": 20000, "seed": 0, "val_fraction": 0.03,
         "curated_path": "config/wgsl_training_data.toml", "paraphrase_path": "benchmarks/paraphrases.toml",
         "extra_curated": ""}
    try:
        from .. import config

        ds = getattr(config, "DatasetConfig", None)
        if ds is not None:
            inst = ds()
            for k in d:
                if hasattr(inst, k):
                    d[k] = getattr(inst, k)
    except Exception:  # noqa: BLE001 - config is optional here
        pass
    return d


# ------------------------------------------------------------------ records
def pair_record(pair, n: int) -> dict:
    inst = pair.inst
    task = Task(id=f"syn_{n:06d}", category=inst.category, prompt=pair.prompt, threads=inst.threads,
                reference=inst.code, buffers=inst.buffers, rtol=inst.rtol, atol=inst.atol)
    d = task.to_dict()
    d.update(oracle=inst.oracle, family=inst.family, variant=inst.variant, source="synthetic",
             split=pair.split, phrasing=pair.frame)
    return d


def curated_records(path: Path = CURATED, tag: str = "") -> list[dict]:
    """Curated pairs as records (split train), variant `curated/[TAG/]ID`. Raises UserError naming file and
    task if malformed."""
    try:
        tasks = load_bench(path)
    except SpecError as e:
        raise UserError(str(e)) from None
    out = []
    for t in tasks:
        d = t.to_dict()
        fam = d.get("family") or t.category
        d.update(family=fam, variant=f"curated/{tag + '/' if tag else ''}{t.id}", source="curated", split="train",
                 phrasing="curated")
        out.append(d)
    return out


# ------------------------------------------------------------------ n-gram overlap
_TOK = re.compile(r"[a-z0-9_]+|[^\sa-z0-9_]")


def words(text: str) -> list[str]:
    return _TOK.findall(text.lower())


def ngrams(texts, n: int = 4) -> set[tuple[str, ...]]:
    out = set()
    for t in texts:
        w = words(t)
        out.update(tuple(w[k:k + n]) for k in range(len(w) - n + 1))
    return out


def overlap(train_texts, other_texts, n: int = 4) -> float | None:
    """Fraction of distinct n-grams of `other_texts` that also occur in `train_texts`."""
    other = ngrams(other_texts, n)
    if not other:
        return None
    return round(len(other & ngrams(train_texts, n)) / len(other), 4)


# ------------------------------------------------------------------ build
NEAR_COPY = 0.6  # word-set Jaccard at or above which two prompts count as copies (as tests/test_curated_data.py)
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def held_out_prompts(trained: list[Path]) -> list[tuple[str, set[str]]]:
    """("FILE:ID", word set) of every prompt of a benchmark file not in `trained` (the sets still held out)."""
    names = {p.resolve() for p in trained}
    out = []
    for f in sorted((ROOT / "benchmarks").glob("*.toml")):
        if f.resolve() in names or "[[task]]" not in f.read_text(encoding="utf-8"):
            continue
        out += [(f"{f.name}:{t.id}", _words(t.prompt)) for t in load_bench(f)]
    return out


def near_copy_of(prompt: str, held: list[tuple[str, set[str]]]) -> str | None:
    """The first held-out prompt (as "FILE:ID") that `prompt` nearly copies, else None."""
    w = _words(prompt)
    for where, hw in held:
        if w and hw and len(w & hw) / len(w | hw) >= NEAR_COPY:
            return where
    return None


def extra_curated_paths(spec, paraphrases=None) -> list[Path]:
    """The extra curated files of `spec` (a comma-separated string or a list), resolved and checked: each must
    exist, none may be the paraphrase benchmark or `public.toml` (the held-out measures), none twice."""
    items = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else [str(s) for s in spec]
    out: list[Path] = []
    held = {(ROOT / "benchmarks" / "public.toml").resolve(), PARAPHRASES.resolve()}
    if paraphrases:
        held.add(resolve_path(paraphrases).resolve())
    for s in filter(None, items):
        p = resolve_path(s)
        if not p.is_file():
            raise UserError(f"extra curated file not found: {s}")
        if p.resolve() in held:
            raise UserError(f"{s} is a held-out benchmark (public or paraphrases): it cannot join the training data")
        if p.resolve() in {q.resolve() for q in out}:
            raise UserError(f"extra curated file given twice: {s}")
        out.append(p)
    return out


def resolve_path(p) -> Path:
    """A project path from the config: as given if it exists (relative to the cwd), else under the repo root."""
    p = Path(p)
    return p if p.is_absolute() or p.exists() else ROOT / p


def build(out_dir, count: int | None = None, seed: int | None = None, workers: int = 2, verify: bool = True,
          progress: bool = True, curated: Path | None | str = "default", paraphrases: Path | None | str = "default",
          val_fraction: float | None = None, extra_curated: list | tuple | str = "default") -> dict:
    """Generate, verify and write a dataset directory; returns the manifest (also written).

    `curated`/`paraphrases`: a path, None to skip, or "default" (the [dataset] config paths).
    `extra_curated`: benchmark files whose tasks join the curated pairs, or "default" (the config's list).
    """
    dflt = defaults()
    curated = resolve_path(dflt["curated_path"]) if curated == "default" else curated
    paraphrases = resolve_path(dflt["paraphrase_path"]) if paraphrases == "default" else paraphrases
    extra = extra_curated_paths(dflt["extra_curated"] if extra_curated == "default" else extra_curated, paraphrases)
    val_fraction = dflt["val_fraction"] if val_fraction is None else val_fraction
    count = dflt["synthetic_count"] if count is None else count
    seed = dflt["seed"] if seed is None else seed
    if count <= 0:
        raise UserError(f"--count must be positive, got {count}")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot create output directory {out}: {e}") from None
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    bar = _Progress(progress)
    with bar:
        task = bar.add("generating pairs", count)
        pairs = generate(count, seed, on_progress=lambda k: bar.advance(task, k), val_fraction=val_fraction)
        timings["generate_s"] = round(time.perf_counter() - t0, 3)
        records = [pair_record(p, n) for n, p in enumerate(pairs)]
        cur: list[dict] = []
        dropped_extra: list[dict] = []
        if curated is not None and Path(curated).exists():
            cur = curated_records(Path(curated))
        held = held_out_prompts(extra) if extra else []  # read the benchmarks only when they matter
        for p in extra:
            for r in curated_records(p, tag=p.stem):
                near = near_copy_of(r["prompt"], held)
                if near:
                    dropped_extra.append({"id": r["id"], "near_copy_of": near})
                else:
                    cur.append(r)
        failures: list[dict] = []
        vstats: dict = {"shaders": 0, "seconds": 0.0, "shaders_per_s": None, "workers": workers, "skipped": not verify}
        if verify:
            keys = [verify_key(r) for r in records + cur]
            distinct = {}
            for k, r in zip(keys, records + cur):
                distinct.setdefault(k, r)
            task = bar.add(f"verifying {len(distinct)} distinct shaders", len(distinct))
            t1 = time.perf_counter()
            verdicts, vstats = verify_many(distinct, workers=workers, on_done=lambda k: bar.advance(task, k))
            timings["verify_s"] = round(time.perf_counter() - t1, 3)
            kept, kept_cur = [], []
            per_key_fail: dict[str, dict] = {}
            for k, r in zip(keys, records + cur):
                probs = verdicts.get(k, ["not verified"])
                if probs:
                    f = per_key_fail.setdefault(k, {"variant": r["variant"], "source": r["source"], "key": k,
                                                    "reason": probs[0], "pairs": 0, "example_id": r["id"]})
                    f["pairs"] += 1
                else:
                    (kept if r["source"] == "synthetic" else kept_cur).append(r)
            failures = sorted(per_key_fail.values(), key=lambda f: f["variant"])
            records, cur = kept, kept_cur
    allrecs = cur + records
    by_split: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for r in allrecs:
        by_split[r["split"]].append(r)
    shards = _write(out, by_split)
    para_prompts: list[str] = []
    para_info: dict[str, Any] = {"path": None}
    if paraphrases is not None and Path(paraphrases).exists():
        try:
            ptasks = load_bench(paraphrases)
        except SpecError as e:
            raise UserError(str(e)) from None
        para_prompts = [t.prompt for t in ptasks]
        para_info = {"path": str(paraphrases), "tasks": len(ptasks),
                     "families": dict(Counter(t.extra.get("family", t.category) for t in ptasks))}
    train_p = [r["prompt"] for r in by_split["train"]]
    ov = {f"{n}gram": {"val_in_train": overlap(train_p, [r["prompt"] for r in by_split["val"]], n),
                       "test_in_train": overlap(train_p, [r["prompt"] for r in by_split["test"]], n),
                       "paraphrases_in_train": overlap(train_p, para_prompts, n) if para_prompts else None}
          for n in (3, 4)}
    timings["total_s"] = round(time.perf_counter() - t0, 3)
    fam = defaultdict(lambda: defaultdict(int))
    for r in allrecs:
        fam[r["family"]][r["split"]] += 1
    n_syn = sum(r["source"] == "synthetic" for r in allrecs)
    manifest = {
        "generator_version": GENERATOR_VERSION, "seed": seed, "count_requested": count, "val_fraction": val_fraction,
        "curated_path": str(curated) if curated else None, "extra_curated": [str(p) for p in extra],
        "extra_curated_dropped": dropped_extra,
        "synthetic_generated": len(pairs), "synthetic_kept": n_syn, "curated": len(cur),
        "counts": {s: len(v) for s, v in by_split.items()},
        "families": {f: dict(v) for f, v in sorted(fam.items())},
        "variants": dict(sorted(Counter(r["variant"] for r in records).items())),
        "test_variants": sorted(TEST_VARIANTS), "test_frames": sorted(TEST_FRAMES),
        "shards": shards, "failures": failures, "failed_pairs": sum(f["pairs"] for f in failures),
        "verification": vstats, "ngram_overlap": ov, "paraphrases": para_info, "timings": timings,
        "pairs_per_s": round(len(pairs) / timings["total_s"], 1) if timings["total_s"] else None,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _write(out: Path, by_split: dict[str, list[dict]]) -> dict[str, dict]:
    for old in list(out.glob("train-*.jsonl")) + [out / "val.jsonl", out / "test.jsonl"]:
        if old.exists():
            old.unlink()
    files: list[tuple[str, list[dict]]] = []
    train = by_split["train"]
    for k in range(max(1, -(-len(train) // SHARD_SIZE))):
        files.append((f"train-{k:03d}.jsonl", train[k * SHARD_SIZE:(k + 1) * SHARD_SIZE]))
    files += [("val.jsonl", by_split["val"]), ("test.jsonl", by_split["test"])]
    shards = {}
    for name, recs in files:
        p = out / name
        with open(p, "w", encoding="utf-8") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        shards[name] = {"records": len(recs), "sha256": file_hash(p)}
    return shards


# ------------------------------------------------------------------ loading
def load_records(path, split: str | None = None) -> list[dict]:
    """Records of a dataset dir (all shards), a JSONL file or a task TOML file; optionally one split.

    Raises UserError naming the file and line/record for malformed data.
    """
    from .check import read_file

    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("train-*.jsonl")) + [p / "val.jsonl", p / "test.jsonl"]
        files = [f for f in files if f.exists()]
        if split is not None:
            files = [f for f in files if f.name.startswith(split)]
        if not files:
            raise UserError(f"{p}: no dataset shards (train-*.jsonl, val.jsonl, test.jsonl); run `dataset build` first")
    elif p.exists():
        files = [p]
    else:
        raise UserError(f"{p}: no such file or directory")
    out: list[dict] = []
    for f in files:
        for _where, rec in read_file(f):
            out.append(rec)
    if split is not None:
        out = [r for r in out if r.get("split", "train") == split]
    return out


class _Progress:
    """A rich progress bar, or nothing when disabled / not a terminal-friendly context."""

    def __init__(self, enabled: bool):
        self.p = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.p = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                              transient=False)

    def __enter__(self):
        if self.p:
            self.p.__enter__()
        return self

    def __exit__(self, *a):
        if self.p:
            self.p.__exit__(*a)

    def add(self, desc: str, total: int):
        return self.p.add_task(desc, total=total) if self.p else None

    def advance(self, task, k: int = 1):
        if self.p is not None and task is not None:
            self.p.advance(task, k)
