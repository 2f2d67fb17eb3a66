"""The hand-written descriptions (`dataset/descriptions.py` and its `descriptions/*.toml`): every fragment
belongs to a real variant, resolves with that variant's placeholders, reaches generated prompts, and is
not a near-copy of any benchmark prompt (the benchmarks must stay unseen by the training data)."""
from __future__ import annotations

import random
import re

import pytest

from tiny_agent_trainer.dataset import descriptions as D
from tiny_agent_trainer.dataset import naming as nm
from tiny_agent_trainer.dataset.families import by_id
from tiny_agent_trainer.dataset.generate import generate
from tiny_agent_trainer.dataset.phrasing import compose
from test_curated_data import benchmark_near_copies



@pytest.fixture(scope="module")
def variants():
    return by_id()


def _slot_keys(variant, draws: int = 12) -> set[str]:
    keys = {"oi"}
    for s in range(draws):
        keys |= set(variant.draw(random.Random(s), s % 2 == 0).slots)
    return keys


def test_files_exist_and_cover_every_family(variants):
    table = D.table()
    assert len(table) >= 150, "the description files should cover most variants"
    fams = {vid.split("/")[0] for vid in table}
    assert {"unary", "binary", "parametric", "inplace", "integer", "reduction", "chromatic", "2d"} <= fams


def test_every_fragment_resolves_for_its_variant(variants):
    bad = []
    for vid, kinds in D.table().items():
        assert vid in variants, f"unknown variant id {vid!r} in a description file"
        keys = _slot_keys(variants[vid])
        for kind, frags in kinds.items():
            for f in frags:
                if not D.placeholders(f) <= keys or re.search(r"[{}]", re.sub(r"\{\w+\}", "", f)):
                    bad.append((vid, kind, f))
                if kind == "vp" and not re.match(r"[a-z]+\b", f):
                    bad.append((vid, "vp must start with a base-form verb", f))
    assert not bad, bad[:10]


def test_extend_adds_only_usable_fragments(tmp_path, variants):
    (tmp_path / "x.toml").write_text('["unary/relu"]\nvp = ["knock the negatives of {X} up to zero", '
                                     '"use {NOPE} somehow"]\ndesc = ["ReLU on {X}, please."]\n')
    inst = variants["unary/relu"].draw(random.Random(0), True)
    before = list(inst.forms["vp"])
    D.extend(inst, str(tmp_path))
    assert inst.forms["vp"] == before + ["knock the negatives of {X} up to zero"]
    assert inst.forms["desc"] == ["ReLU on {X}, please."]
    text = compose(inst, "D01", random.Random(1))
    assert inst.slots["X"].later in text and "{" not in text
    other = variants["unary/abs"].draw(random.Random(0), True)
    assert "desc" not in D.extend(other, str(tmp_path)).forms  # no entry for this variant: unchanged


def test_unknown_kind_is_rejected(tmp_path):
    (tmp_path / "bad.toml").write_text('["unary/relu"]\nverb = ["x"]\n')
    with pytest.raises(ValueError, match="unknown kind"):
        D.table(str(tmp_path))


def test_generated_prompts_use_the_descriptions():
    pairs = generate(3000, seed=3, augment_p=0.0)
    desc = [p for p in pairs if p.frame.startswith("D")]
    assert len(desc) > 30
    assert not [p.prompt for p in desc if re.search(r"[{}]", p.prompt)]
    assert all(p.split == "test" for p in desc if p.frame == "D05")  # the test-only frame stays in the test split
    frags = {f for kinds in D.table().values() for f in kinds.get("vp", ())}
    words = {f.split(" ", 1)[0] for f in frags}
    assert words <= nm.VERBS  # registered, so the grammar inflects them ("clip" -> "clips")


def test_descriptions_are_not_copies_of_benchmark_prompts():
    """A description must not be a near-copy (word-set Jaccard >= MAX_JACCARD, the curated pairs' rule) of any
    benchmark prompt. Word sets are computed once per fragment (3,000 fragments x 236 prompts)."""
    close = benchmark_near_copies([f for kinds in D.table().values() for fs in kinds.values() for f in fs])
    assert not close, close[:10]


# Wordings of paraphrase-benchmark prompts that leaked into the instructions given to the helpers who wrote
# the descriptions (the instructions quoted them as examples of style; docs/runs/descriptions-notes.txt).
# The fragments that echoed them were removed after the stage-9/R8 models had been trained on them.
LEAKED_WORDINGS = ("pinned to the nearest", "its own sigmoid", "times its sigmoid", "1 for even and 0 for odd",
                   "1 for odd", "++ on every", "++ every")


def test_no_fragment_echoes_a_leaked_benchmark_wording():
    hits = [f for kinds in D.table().values() for fs in kinds.values() for f in fs
            if any(w in f.lower() for w in LEAKED_WORDINGS)]
    assert not hits, hits
