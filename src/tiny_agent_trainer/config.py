"""Typed configuration: the single source of truth for TOML files, CLI defaults and docs.

Two files: the engine config (`[engine]`, `[paths]`: where logs, journals and checkpoints go) and
a task config (`[task]`, `[model]`, `[training]`, `[tokenizer]`, `[dataset]`). Every field is a
dataclass field with a default and `metadata` (`help`, and optionally `choices`, `min`, `max`,
`min_exclusive`, `max_exclusive`, `pattern`). From that one description this module

- loads TOML (`tomllib`), checking types, ranges and choices, rejecting unknown sections or keys
  with a "did you mean" hint; every problem is a `UserError` naming the file, the key, its line
  and what was expected;
- applies presets (`presets/*.toml`, small diffs from the defaults) and `section.key=value` overrides;
- writes commented TOML back (`to_toml`) and lists the fields for docs (`describe_fields`).

Precedence: defaults < config file < preset < overrides. The dataclasses are plain (mutable)
values; this module does NOT know what the fields mean to training and does NOT read env vars.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
import re
import tomllib
import typing
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import UserError


def _f(default: Any, help: str, **checks: Any) -> Any:
    return field(default=default, metadata={"help": help, **checks})


def _section(cls: type, help: str) -> Any:
    return field(default_factory=cls, metadata={"help": help})


# ---------------------------------------------------------------- engine config

@dataclass
class EngineOptions:
    log_level: str = _f("INFO", "logging level", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
    debug: bool = _f(False, "debug mode: extra checks and tracebacks")


@dataclass
class PathsConfig:
    logs: str = _f("logs", "directory for log files", min_len=1)
    journals: str = _f("journals", "directory for run journals (JSONL, one per run)", min_len=1)
    checkpoints: str = _f("checkpoints", "directory for training runs and their checkpoints", min_len=1)


@dataclass
class EngineConfig:
    engine: EngineOptions = _section(EngineOptions, "Engine behaviour")
    paths: PathsConfig = _section(PathsConfig, "Where outputs go (relative to the working directory)")


# ---------------------------------------------------------------- task config

@dataclass
class TaskInfo:
    name: str = _f("wgsl_generation", "task name (used to name runs)", pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = _f("Translate English descriptions into WGSL compute shaders",
                          "free-text description of the task")
    direction: str = _f("nl2wgsl", "what the model maps: nl2wgsl = description -> shader (a generator); wgsl2nl = "
                        "shader -> description (a reviewer that reranks a generator's candidates; its encoder "
                        "reads code, so [model] max_prompt_len bounds the code and max_seq_len the description)",
                        choices=("nl2wgsl", "wgsl2nl"))


@dataclass
class ModelConfig:
    d_model: int = _f(256, "width of the transformer (embedding size)", min=1)
    nhead: int = _f(8, "attention heads (must divide d_model)", min=1)
    num_layers: int = _f(3, "decoder layers", min=1)
    num_encoder_layers: int = _f(3, "encoder layers (the prompt encoder)", min=1)
    dim_feedforward: int = _f(1024, "hidden size of the feed-forward blocks", min=1)
    dropout: float = _f(0.1, "dropout probability", min=0.0, max_exclusive=1.0)
    max_seq_len: int = _f(448, "maximum target (WGSL) length in tokens", min=1)
    max_prompt_len: int = _f(96, "maximum prompt length in tokens", min=1)
    tie_embeddings: bool = _f(True, "share the decoder input embedding with the output projection")
    copy_attention: bool = _f(True, "pointer-generator copy head: the decoder may copy prompt tokens "
                              "(names, numbers) verbatim")


@dataclass
class TrainingConfig:
    num_epochs: int = _f(20, "passes over the training data (when max_steps = 0)", min=1)
    max_steps: int = _f(0, "optimizer steps to run; 0 = use num_epochs", min=0)
    batch_size: int = _f(64, "examples per optimizer micro-batch", min=1)
    learning_rate: float = _f(1e-3, "peak learning rate", min_exclusive=0.0)
    weight_decay: float = _f(0.01, "weight decay (decoupled for adamw)", min=0.0)
    warmup_steps: int = _f(200, "linear warm-up steps", min=0)
    min_lr_ratio: float = _f(0.1, "final learning rate as a fraction of the peak (cosine decay)", min=0.0, max=1.0)
    grad_clip: float = _f(1.0, "clip the gradient norm to this value; 0 = no clipping", min=0.0)
    grad_accum: int = _f(1, "micro-batches accumulated per optimizer step", min=1)
    optimizer: str = _f("adamw", "optimizer", choices=("adamw", "adam", "sgd"))
    label_smoothing: float = _f(0.0, "label smoothing of the cross-entropy loss", min=0.0, max_exclusive=1.0)
    prompt_noise: float = _f(0.0, "generators only: probability that a prompt token the shader does not copy is "
                             "replaced by a random prompt token or deleted at each step (robustness to unfamiliar "
                             "wording); 0 = off", min=0.0, max_exclusive=1.0)
    contrastive_weight: float = _f(0.0, "reviewers only: weight of a margin loss that makes each description likelier "
                                   "under its shader than under the shader with one operation swapped "
                                   "(wgsl/mutate.py); 0 = off", min=0.0)
    contrastive_margin: float = _f(0.5, "the margin of that loss, in mean log-probability per description token",
                                   min=0.0)
    contrastive_shaders: float = _f(0.0, "fraction of those negatives that are another training shader with the "
                                    "same interface, renamed to this one's names (the rest: operation mutants)",
                                    min=0.0, max=1.0)
    early_stopping: bool = _f(True, "stop when the early-stopping metric stops improving")
    patience: int = _f(5, "evaluations without improvement before stopping", min=1)
    early_stopping_metric: str = _f("val_loss", "metric for early stopping and the best checkpoint",
                                    choices=("val_loss", "exec_pass"))
    eval_every: int = _f(500, "steps between validation-loss evaluations", min=1)
    exec_eval_every: int = _f(0, "steps between execution-based evaluations; 0 = never", min=0)
    exec_eval_tasks: int = _f(16, "tasks decoded and run per execution-based evaluation", min=1)
    checkpoint_every: int = _f(500, "steps between checkpoints", min=1)
    seed: int = _f(1234, "random seed", min=0)
    compile: bool = _f(False, "use torch.compile")
    precision: str = _f("auto", "numeric precision: auto = bf16 on a capable GPU, else fp32",
                        choices=("auto", "fp32", "bf16"))
    device: str = _f("auto", "device: auto, cpu, cuda, cuda:N or mps", pattern=r"^(auto|cpu|mps|cuda(:[0-9]+)?)$")


@dataclass
class TokenizerConfig:
    vocab_size: int = _f(2000, "BPE vocabulary size", min=1)
    min_frequency: int = _f(2, "minimum pair frequency for a BPE merge", min=1)
    path: str = _f("", "existing tokenizer.json to use; empty = train one on the dataset")


@dataclass
class DatasetConfig:
    data_dir: str = _f("data", "directory of the generated dataset (JSONL splits)", min_len=1)
    curated_path: str = _f("config/wgsl_training_data.toml", "hand-written NL->WGSL pairs (benchmark format)")
    synthetic_count: int = _f(20000, "synthetic examples to generate", min=0)
    seed: int = _f(0, "seed of the dataset generator", min=0)
    paraphrase_path: str = _f("benchmarks/paraphrases.toml", "held-out paraphrase benchmark (kept out of training)")
    val_fraction: float = _f(0.05, "fraction of examples held out for validation", min=0.0, max_exclusive=1.0)
    curated_repeat: int = _f(1, "times each hand-written (curated) training pair is repeated per epoch", min=1)
    extra_curated: str = _f("", "comma-separated benchmark files whose tasks also join training as curated pairs "
                            "(`dataset build --extra-curated`; recorded here; those sets then stop being held-out "
                            "measures; never the public or paraphrase sets)")
    train_splits: str = _f("train", "comma-separated dataset splits to train on ('train,test' trains on the "
                           "held-out operations too: only for a model to ship, never for measuring generalization)",
                           pattern=r"^(train|test)(,(train|test))*$")


@dataclass
class TaskConfig:
    task: TaskInfo = _section(TaskInfo, "What is being learned")
    model: ModelConfig = _section(ModelConfig, "Transformer encoder-decoder shape")
    training: TrainingConfig = _section(TrainingConfig, "Optimisation, evaluation and checkpoints")
    tokenizer: TokenizerConfig = _section(TokenizerConfig, "Subword tokenizer")
    dataset: DatasetConfig = _section(DatasetConfig, "Training data")


# ---------------------------------------------------------------- loading

_PY_TYPES = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}


def _types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _line_of(text: str | None, section: str, key: str | None) -> int | None:
    """Best-effort line number of `[section] key` (or of the header when key is None) in TOML text."""
    if not text:
        return None
    current = None
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        m = re.match(r"^\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]", s)
        if m and not s.startswith("[["):
            current = m.group(1).strip("\"' ")
            if key is None and current == section:
                return n
            continue
        if current == section and key is not None and re.match(rf"^[\"']?{re.escape(key)}[\"']?\s*=", s):
            return n
        if current is None and key is not None and re.match(rf"^{re.escape(section)}\s*\.\s*{re.escape(key)}\s*=", s):
            return n
    return None


def _where(origin: str, section: str, key: str | None, text: str | None) -> str:
    line = _line_of(text, section, key)
    loc = f"[{section}]" + (f" {key}" if key else "")
    return f"{origin}: {loc}" + (f" (line {line})" if line else "")


def _suggest(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(options)}"


def _check_value(f: dataclasses.Field, typ: type, value: Any, where: str) -> Any:
    meta = f.metadata
    if typ is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, typ) and (typ is bool or not isinstance(value, bool))
    if not ok:
        raise UserError(f"{where}: expected {_PY_TYPES[typ]}, got {type(value).__name__} {value!r}")
    if typ is float:
        value = float(value)
    if "choices" in meta and value not in meta["choices"]:
        raise UserError(f"{where}: expected one of {', '.join(map(repr, meta['choices']))}, got {value!r}"
                        + (_suggest(value, list(meta["choices"])) if isinstance(value, str) else ""))
    if "pattern" in meta and not re.match(meta["pattern"], value):
        raise UserError(f"{where}: {value!r} is not valid ({f.metadata['help']})")
    if "min_len" in meta and len(value) < meta["min_len"]:
        raise UserError(f"{where}: must not be empty")
    if "min" in meta and value < meta["min"]:
        raise UserError(f"{where}: expected a value >= {meta['min']}, got {value!r}")
    if "max" in meta and value > meta["max"]:
        raise UserError(f"{where}: expected a value <= {meta['max']}, got {value!r}")
    if "min_exclusive" in meta and value <= meta["min_exclusive"]:
        raise UserError(f"{where}: expected a value > {meta['min_exclusive']}, got {value!r}")
    if "max_exclusive" in meta and value >= meta["max_exclusive"]:
        raise UserError(f"{where}: expected a value < {meta['max_exclusive']}, got {value!r}")
    return value


def _apply(cfg: Any, data: dict, origin: str, text: str | None = None) -> Any:
    """A copy of `cfg` with the sections/keys of `data` checked and applied."""
    cfg = _copy(cfg)
    sections = {f.name: f for f in fields(cfg)}
    for sname, values in data.items():
        if sname not in sections:
            line = _line_of(text, sname, None)
            raise UserError(f"{origin}: unknown section [{sname}]" + (f" (line {line})" if line else "")
                            + _suggest(sname, list(sections)))
        if not isinstance(values, dict):
            raise UserError(f"{_where(origin, sname, None, text)}: expected a table [{sname}], got {values!r}")
        sec = getattr(cfg, sname)
        keys = {f.name: f for f in fields(sec)}
        hints = _types(type(sec))
        for key, value in values.items():
            if key not in keys:
                raise UserError(f"{_where(origin, sname, key, text)}: unknown key '{key}'" + _suggest(key, list(keys)))
            setattr(sec, key, _check_value(keys[key], hints[key], value, _where(origin, sname, key, text)))
    return cfg


def _copy(cfg: Any) -> Any:
    return type(cfg)(**{f.name: dataclasses.replace(getattr(cfg, f.name)) for f in fields(cfg)})


def _cross_check(cfg: TaskConfig, origin: str, text: str | None = None) -> None:
    m = cfg.model
    if m.d_model % m.nhead:
        key = "nhead" if _line_of(text, "model", "nhead") or not _line_of(text, "model", "d_model") else "d_model"
        raise UserError(f"{_where(origin, 'model', key, text)}: nhead = {m.nhead} must divide "
                        f"d_model = {m.d_model} (try nhead = {_divisor_hint(m.d_model, m.nhead)})")


def _divisor_hint(d: int, h: int) -> int:
    divs = [k for k in range(1, d + 1) if d % k == 0]
    return min(divs, key=lambda k: (abs(k - h), k))


def _read_toml(path: str | Path) -> tuple[dict, str]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, expected a TOML file") from None
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: not UTF-8 ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read ({e.strerror})") from None
    return _parse_toml(text, str(path)), text


def _parse_toml(text: str, origin: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UserError(f"{origin}: invalid TOML: {e}") from None


def load_task_config(path: str | Path | None, preset: str | None = None,
                     overrides: dict | None = None) -> TaskConfig:
    """Defaults, then the file at `path` (if any), then `preset`, then `overrides` ({'training.batch_size': 8}
    or {'training': {'batch_size': 8}}); checked at each step."""
    cfg, origin, text = TaskConfig(), "defaults", None
    if path is not None:
        data, text = _read_toml(path)
        origin = str(path)
        cfg = _apply(cfg, data, origin, text)
    if preset:
        cfg = apply_preset(cfg, preset, check=False)
        origin, text = f"{origin} + preset '{preset}'", None
    if overrides:
        cfg = _apply(cfg, normalize_overrides(overrides), "overrides")
        origin, text = f"{origin} + overrides", None
    _cross_check(cfg, origin, text)
    return cfg


def loads_task_config(text: str, origin: str = "<string>") -> TaskConfig:
    """A task config from TOML text (e.g. the `config.toml` saved in a checkpoint)."""
    cfg = _apply(TaskConfig(), _parse_toml(text, origin), origin, text)
    _cross_check(cfg, origin, text)
    return cfg


def load_engine_config(path: str | Path | None) -> EngineConfig:
    if path is None:
        return EngineConfig()
    data, text = _read_toml(path)
    return _apply(EngineConfig(), data, str(path), text)


def normalize_overrides(overrides: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for k, v in overrides.items():
        if isinstance(v, dict):
            out.setdefault(k, {}).update(v)
        elif "." in k:
            sec, key = k.split(".", 1)
            out.setdefault(sec, {})[key] = v
        else:
            raise UserError(f"override '{k}': expected 'section.key' (e.g. training.batch_size)")
    return out


def parse_override(item: str) -> tuple[str, Any]:
    """'training.batch_size=8' -> ('training.batch_size', 8); the value is read as TOML, else as a string."""
    if "=" not in item:
        raise UserError(f"--set {item!r}: expected section.key=value")
    key, raw = (s.strip() for s in item.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


# ---------------------------------------------------------------- presets

def _presets_dir():
    return resources.files("tiny_agent_trainer") / "presets"


def preset_names() -> list[str]:
    return sorted(p.name[:-5] for p in _presets_dir().iterdir() if p.name.endswith(".toml"))


def preset_text(name: str) -> str:
    names = preset_names()
    if name not in names:
        raise UserError(f"unknown preset '{name}'" + _suggest(name, names))
    return (_presets_dir() / f"{name}.toml").read_text(encoding="utf-8")


def apply_preset(cfg: TaskConfig, name: str, check: bool = True) -> TaskConfig:
    """A copy of `cfg` with the preset's diff applied."""
    text = preset_text(name)
    origin = f"preset '{name}'"
    cfg = _apply(cfg, _parse_toml(text, origin), origin, text)
    if check:
        _cross_check(cfg, origin)
    return cfg


# ---------------------------------------------------------------- output

def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)


def _field_note(f: dataclasses.Field, typ: type) -> str:
    m = f.metadata
    parts = [m.get("help", "")]
    if "choices" in m:
        parts.append("one of: " + " | ".join(m["choices"]))
    lo = ">= %s" % m["min"] if "min" in m else ("> %s" % m["min_exclusive"] if "min_exclusive" in m else "")
    hi = "<= %s" % m["max"] if "max" in m else ("< %s" % m["max_exclusive"] if "max_exclusive" in m else "")
    if lo or hi:
        parts.append(" and ".join(x for x in (lo, hi) if x))
    parts.append(f"default: {_toml_value(f.default)}")
    return "; ".join(p for p in parts if p)


def to_toml(cfg: Any, comments: bool = True) -> str:
    """TOML text for a config (every field, commented with its help, choices, range and default)."""
    lines: list[str] = []
    if comments:
        kind = "engine" if isinstance(cfg, EngineConfig) else "task"
        lines += [f"# tiny-agent-trainer {kind} configuration (generated; every key is optional).", ""]
    for sf in fields(cfg):
        sec = getattr(cfg, sf.name)
        if comments:
            lines.append(f"# {sf.metadata.get('help', '')}")
        lines.append(f"[{sf.name}]")
        hints = _types(type(sec))
        for f in fields(sec):
            if comments:
                lines.append(f"# {_field_note(f, hints[f.name])}")
            lines.append(f"{f.name} = {_toml_value(getattr(sec, f.name))}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def to_dict(cfg: Any) -> dict:
    return dataclasses.asdict(cfg)


def describe_fields(cls: type = TaskConfig) -> list[dict]:
    """One row per field (section, key, type, default, help, constraints): for docs and --help text."""
    rows = []
    for sf in fields(cls):
        sec_cls = _types(cls)[sf.name]
        hints = _types(sec_cls)
        for f in fields(sec_cls):
            rows.append({"section": sf.name, "key": f.name, "type": hints[f.name].__name__,
                         "default": f.default, "help": f.metadata.get("help", ""),
                         "note": _field_note(f, hints[f.name])})
    return rows


def config_kind(data: dict) -> str | None:
    """'task', 'engine' or None for parsed TOML data (used to tell config files from data files)."""
    keys = set(data)
    if not keys or not all(isinstance(v, dict) for v in data.values()):
        return None  # e.g. a benchmark or data file: arrays of [[task]] tables
    if keys <= {f.name for f in fields(EngineConfig)}:
        return "engine"
    if keys <= {f.name for f in fields(TaskConfig)}:
        return "task"
    return None


def resolve_config(name: str, config_dir: str | Path = "config") -> Path | None:
    """A path as given, or `<config_dir>/<name>.toml`; None when neither exists."""
    p = Path(name)
    if p.is_file():
        return p
    q = Path(config_dir) / (name if name.endswith(".toml") else f"{name}.toml")
    return q if q.is_file() else None
