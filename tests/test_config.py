"""Typed configs: defaults, checked loading with precise errors, presets, overrides, TOML output."""
from __future__ import annotations

import dataclasses
import tomllib

import pytest

from tiny_agent_trainer import config as C
from tiny_agent_trainer.errors import UserError


def write(tmp_path, text, name="cfg.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults():
    cfg = C.TaskConfig()
    assert (cfg.model.d_model, cfg.model.nhead, cfg.model.num_layers, cfg.model.num_encoder_layers) == (256, 8, 3, 3)
    assert cfg.model.max_seq_len == 448 and cfg.model.max_prompt_len == 96 and cfg.model.tie_embeddings is True
    assert cfg.training.optimizer == "adamw" and cfg.training.learning_rate == 1e-3
    assert cfg.training.early_stopping_metric == "val_loss" and cfg.training.precision == "auto"
    assert cfg.tokenizer.vocab_size == 2000 and cfg.dataset.curated_path == "config/wgsl_training_data.toml"
    eng = C.EngineConfig()
    assert eng.engine.log_level == "INFO" and eng.paths.checkpoints == "checkpoints"


def test_every_field_has_help():
    for cls in (C.TaskConfig, C.EngineConfig):
        rows = C.describe_fields(cls)
        assert rows and all(r["help"] for r in rows)
        for f in dataclasses.fields(cls):
            assert f.metadata.get("help")


def test_load_partial_file(tmp_path):
    p = write(tmp_path, "[model]\nd_model = 128\nnhead = 4\n\n[training]\nlearning_rate = 1\nbatch_size = 8\n")
    cfg = C.load_task_config(p)
    assert cfg.model.d_model == 128 and cfg.model.nhead == 4 and cfg.model.num_layers == 3
    assert cfg.training.learning_rate == 1.0 and isinstance(cfg.training.learning_rate, float)
    assert cfg.training.batch_size == 8


@pytest.mark.parametrize("text,needles", [
    ("[model]\nd_modle = 3\n", ["cfg.toml", "[model] d_modle", "line 2", "unknown key", "did you mean 'd_model'"]),
    ("[modle]\nd_model = 3\n", ["cfg.toml", "unknown section [modle]", "line 1", "did you mean 'model'"]),
    ("[training]\n\nbatch_size = \"big\"\n", ["[training] batch_size", "line 3", "expected an integer", "'big'"]),
    ("[model]\ntie_embeddings = 1\n", ["[model] tie_embeddings", "expected true or false"]),
    ("[model]\nd_model = 1.5\n", ["[model] d_model", "expected an integer", "float"]),
    ("[model]\nd_model = true\n", ["[model] d_model", "expected an integer", "bool"]),
    ("[model]\ndropout = 1.0\n", ["[model] dropout", "< 1.0"]),
    ("[model]\ndropout = -0.1\n", ["[model] dropout", ">= 0.0"]),
    ("[training]\nbatch_size = 0\n", ["[training] batch_size", ">= 1", "got 0"]),
    ("[training]\nlearning_rate = 0\n", ["[training] learning_rate", "> 0.0"]),
    ("[training]\noptimizer = \"adamx\"\n", ["[training] optimizer", "'adamw', 'adam', 'sgd'", "did you mean"]),
    ("[training]\nprecision = \"fp16\"\n", ["[training] precision", "'auto', 'fp32', 'bf16'"]),
    ("[training]\nearly_stopping_metric = \"acc\"\n", ["early_stopping_metric", "'val_loss', 'exec_pass'"]),
    ("[training]\ndevice = \"gpu\"\n", ["[training] device", "'gpu'"]),
    ("[model]\nnhead = 3\n", ["[model] nhead", "line 2", "must divide d_model = 256"]),
    ("[model]\nd_model = 100\n", ["[model] d_model", "nhead = 8 must divide d_model = 100"]),
    ("model = 3\n", ["[model]", "expected a table"]),
    ("[model\n", ["cfg.toml", "invalid TOML", "line 1"]),
])
def test_errors_name_file_key_and_expectation(tmp_path, text, needles):
    p = write(tmp_path, text)
    with pytest.raises(UserError) as ei:
        C.load_task_config(p)
    msg = str(ei.value)
    for n in needles:
        assert n in msg, (n, msg)


def test_io_errors(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        C.load_task_config(tmp_path / "missing.toml")
    bad = tmp_path / "bin.toml"
    bad.write_bytes(b"\xff\xfe[model]")
    with pytest.raises(UserError, match="not UTF-8"):
        C.load_task_config(bad)


def test_engine_config(tmp_path):
    p = write(tmp_path, "[engine]\nlog_level = \"DEBUG\"\n[paths]\ncheckpoints = \"runs\"\n")
    eng = C.load_engine_config(p)
    assert eng.engine.log_level == "DEBUG" and eng.paths.checkpoints == "runs" and eng.paths.logs == "logs"
    with pytest.raises(UserError, match=r"\[engine\] log_level.*'INFO'"):
        C.load_engine_config(write(tmp_path, "[engine]\nlog_level = \"LOUD\"\n"))
    with pytest.raises(UserError, match="unknown section"):
        C.load_engine_config(write(tmp_path, "[model]\nd_model = 3\n"))


def test_presets():
    assert {"tiny", "small", "base"} <= set(C.preset_names())
    tiny = C.apply_preset(C.TaskConfig(), "tiny")
    assert (tiny.model.d_model, tiny.model.nhead, tiny.model.dim_feedforward) == (64, 4, 128)
    assert (tiny.training.max_steps, tiny.training.batch_size, tiny.tokenizer.vocab_size) == (60, 16, 800)
    assert tiny.training.eval_every == 30 and tiny.training.checkpoint_every == 30
    base = C.apply_preset(C.TaskConfig(), "base")
    assert (base.model.d_model, base.model.num_layers, base.model.dim_feedforward) == (512, 6, 2048)
    small = C.apply_preset(C.TaskConfig(), "small")
    assert (small.model.d_model, small.model.num_layers, small.model.max_seq_len) == (256, 3, 512)
    assert small.dataset.train_splits == "train,test" and C.TaskConfig().dataset.train_splits == "train"
    with pytest.raises(UserError, match="did you mean 'tiny'"):
        C.apply_preset(C.TaskConfig(), "tiyn")


def test_apply_preset_does_not_mutate():
    cfg = C.TaskConfig()
    C.apply_preset(cfg, "tiny")
    assert cfg.model.d_model == 256


def test_precedence_file_preset_overrides(tmp_path):
    p = write(tmp_path, "[model]\ndropout = 0.2\nd_model = 128\n[training]\nbatch_size = 4\n")
    cfg = C.load_task_config(p, preset="tiny", overrides={"training.batch_size": 2, "model": {"dropout": 0.0}})
    assert cfg.model.d_model == 64  # preset over file
    assert cfg.training.batch_size == 2 and cfg.model.dropout == 0.0  # overrides over everything
    with pytest.raises(UserError, match="unknown key 'batchsize'"):
        C.load_task_config(None, overrides={"training.batchsize": 2})
    with pytest.raises(UserError, match="overrides"):
        C.load_task_config(None, overrides={"model.nhead": 7})


def test_parse_override():
    assert C.parse_override("training.batch_size=8") == ("training.batch_size", 8)
    assert C.parse_override("training.optimizer=sgd") == ("training.optimizer", "sgd")
    assert C.parse_override("model.tie_embeddings = false") == ("model.tie_embeddings", False)
    with pytest.raises(UserError):
        C.parse_override("nonsense")


@pytest.mark.parametrize("make", [C.TaskConfig, C.EngineConfig, lambda: C.apply_preset(C.TaskConfig(), "tiny")])
def test_to_toml_round_trip(make, tmp_path):
    cfg = make()
    text = C.to_toml(cfg)
    assert "# " in text
    data = tomllib.loads(text)
    assert data == C.to_dict(cfg)
    plain = C.to_toml(cfg, comments=False)
    assert "#" not in plain and tomllib.loads(plain) == data
    p = write(tmp_path, text)
    loaded = C.load_engine_config(p) if isinstance(cfg, C.EngineConfig) else C.load_task_config(p)
    assert loaded == cfg


def test_to_toml_comments_show_choices_and_defaults():
    text = C.to_toml(C.TaskConfig())
    assert "one of: adamw | adam | sgd" in text
    assert "default: 256" in text
    assert "[model]" in text and "[training]" in text


def test_loads_task_config():
    cfg = C.loads_task_config(C.to_toml(C.apply_preset(C.TaskConfig(), "base")))
    assert cfg.model.d_model == 512


def test_config_kind():
    assert C.config_kind({"model": {}}) == "task"
    assert C.config_kind({"paths": {}}) == "engine"
    assert C.config_kind({"task": [{"id": "x"}]}) is None
    assert C.config_kind({}) is None
