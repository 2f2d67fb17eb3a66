"""training/soup.py: weighted weight averages of bundles, the refusals, and the command line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from tiny_agent_trainer.errors import UserError
from tiny_agent_trainer.training.soup import main, make_soup, parse_ingredient


def _bundle(path, tensors, tokenizer="tok-a", step=1):
    path.mkdir(parents=True)
    save_file(tensors, path / "model.safetensors", metadata={"format": "pt", "dtype": "fp16"})
    (path / "tokenizer.json").write_text(tokenizer)
    (path / "config.toml").write_text("[model]\n")
    (path / "meta.json").write_text(json.dumps({"step": step}))
    return path


def test_weighted_mean_keeps_dtype_metadata_and_files(tmp_path):
    a = _bundle(tmp_path / "a", {"w": torch.full((2, 3), 1.0, dtype=torch.float16),
                                 "b": torch.tensor([0.0, 4.0], dtype=torch.float16)}, step=10)
    b = _bundle(tmp_path / "b", {"w": torch.full((2, 3), 4.0, dtype=torch.float16),
                                 "b": torch.tensor([8.0, 0.0], dtype=torch.float16)}, step=20)
    out = make_soup(tmp_path / "soup", [(a, 2.0), (b, 1.0)])
    sd = load_file(out / "model.safetensors")
    assert sd["w"].dtype == torch.float16
    assert torch.allclose(sd["w"].float(), torch.full((2, 3), 2.0))  # (2 * 1 + 4) / 3
    assert torch.allclose(sd["b"].float(), torch.tensor([8 / 3, 8 / 3]), atol=1e-3)
    with safe_open(out / "model.safetensors", "pt") as f:
        assert f.metadata()["dtype"] == "fp16"
    assert (out / "tokenizer.json").read_text() == "tok-a" and (out / "config.toml").is_file()
    meta = json.loads((out / "meta.json").read_text())
    assert [(i["weight"], i["step"]) for i in meta["soup"]] == [(pytest.approx(2 / 3, abs=1e-6), 10),
                                                              (pytest.approx(1 / 3, abs=1e-6), 20)]
    assert not (tmp_path / "soup.tmp").exists()


def test_refuses_other_architectures_tokenizers_and_single_bundles(tmp_path):
    a = _bundle(tmp_path / "a", {"w": torch.zeros(2, 3)})
    wide = _bundle(tmp_path / "wide", {"w": torch.zeros(2, 4)})
    other = _bundle(tmp_path / "other", {"w": torch.zeros(2, 3)}, tokenizer="tok-b")
    extra = _bundle(tmp_path / "extra", {"w": torch.zeros(2, 3), "v": torch.zeros(1)})
    for bad, why in ((wide, "architecture"), (other, "tokenizer"), (extra, "architecture")):
        with pytest.raises(UserError, match=why):
            make_soup(tmp_path / "out", [(a, 1.0), (bad, 1.0)])
    with pytest.raises(UserError, match="at least two"):
        make_soup(tmp_path / "out", [(a, 1.0)])
    with pytest.raises(UserError, match="not a bundle"):
        make_soup(tmp_path / "out", [(a, 1.0), (tmp_path / "missing", 1.0)])
    assert not (tmp_path / "out").exists()


def test_ingredient_syntax_and_cli(tmp_path, capsys):
    assert parse_ingredient("runs/a:0.5") == (Path("runs/a"), 0.5)
    assert parse_ingredient("runs/a") == (Path("runs/a"), 1.0)
    with pytest.raises(UserError, match="positive"):
        parse_ingredient("runs/a:0")
    a = _bundle(tmp_path / "a", {"w": torch.ones(3)})
    b = _bundle(tmp_path / "b", {"w": torch.zeros(3)})
    assert main([str(tmp_path / "s"), f"{a}:3", str(b)]) == 0
    assert torch.allclose(load_file(tmp_path / "s" / "model.safetensors")["w"], torch.full((3,), 0.75))
    with pytest.raises(SystemExit) as e:
        main([str(tmp_path / "s2"), str(a)])
    assert e.value.code == 2 and "at least two" in capsys.readouterr().err
