"""Baselines and the model registry: TF-IDF retrieval, template fallback, reference, unknown names (no GPU)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from tiny_agent_trainer.errors import UserError
from tiny_agent_trainer.inference import baselines as B
from tiny_agent_trainer.inference.registry import available, load_source

TOML = '''
[[task]]
id = "sum_pair"
prompt = "Add the two arrays a and b element by element."
reference = "// SUM"

[[task]]
id = "relu_it"
prompt = "Apply the ReLU activation to each element."
reference = "// RELU"

[[task]]
id = "held_out"
split = "val"
prompt = "Compute the prefix sum of the counts."
reference = "// VAL ONLY"
'''


@pytest.fixture()
def corpus(tmp_path):
    (tmp_path / "curated.toml").write_text(TOML)
    recs = [
        {"id": "scan", "prompt": "Inclusive prefix sum (scan) of 256 floats in one workgroup.",
         "reference": "// SCAN", "split": "train", "family": "reduction"},
        {"id": "gray", "prompt": "Convert RGBA pixels to grayscale with luma weights.",
         "reference": "// GRAY", "split": "train", "family": "chromatic"},
        {"id": "test_only", "prompt": "Transpose the matrix.", "reference": "// TEST", "split": "test"},
    ]
    (tmp_path / "train.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    return tmp_path


def test_retrieval_returns_the_nearest_example_verbatim(corpus):
    src = B.RetrievalSource(corpus=[corpus / "curated.toml", corpus / "train.jsonl"])
    assert src.id == "retrieval"
    assert {e.code for e in src.examples} == {"// SUM", "// RELU", "// SCAN", "// GRAY"}  # train split only
    assert src.sample("elementwise addition of arrays a and b", 3, seed=7) == ["// SUM"] * 3
    assert src.sample("running prefix sum over the values", 1, 0) == ["// SCAN"]
    assert src.sample("make the pixels grayscale", 1, 0) == ["// GRAY"]
    assert src.sample("relu activation please", 1, 0) == ["// RELU"]
    ex, score = src.nearest("Apply the ReLU activation to each element.")
    assert ex.code == "// RELU" and score == pytest.approx(1.0)


def test_retrieval_directory_corpus_and_errors(corpus, tmp_path):
    src = B.RetrievalSource(corpus=[corpus])  # a directory: all *.jsonl and *.toml in it
    assert len(src.examples) == 4
    with pytest.raises(UserError, match="no such file"):
        B.RetrievalSource(corpus=[tmp_path / "nope.jsonl"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match="corpus is empty"):
        B.RetrievalSource(corpus=[empty])


def test_tfidf_cosine_properties():
    idx = B.TfIdfIndex(["red green blue", "green apple", "blue sky blue sea"])
    s = idx.query("blue sea")
    assert s.argmax() == 2 and 0 < s[0] < s[2] <= 1.0 + 1e-9 and s[1] == 0.0
    assert idx.query("completely unrelated words").max() == 0.0
    self_sim = idx.query("green apple")
    assert self_sim[1] == pytest.approx(1.0)
    assert idx.nearest("apple", 2)[0][0] == 1


def test_char_ngrams_link_other_forms_of_a_word():
    grams = B.char_ngrams("Halve the values")
    assert {"<ha", "hal", "alv", "lve", "ve>", "<hal", "halv", "alve", "lve>"} <= set(grams)
    assert "the" not in " ".join(grams)  # stop words are dropped, as for the word features
    assert set(B.char_ngrams("values")) == set(B.char_ngrams("value"))  # the same plural strip


def test_hybrid_index_finds_another_form_of_a_word_and_equals_its_two_indexes():
    docs = ["square every element in place", "halving each element of the buffer", "copy the buffer",
            "negate each element", "halving each element of the buffer"]
    word = B.TfIdfIndex(docs)
    assert word.query("halve everything")[1] == 0.0  # the word index cannot see "halve" in "halving"
    idx = B.HybridIndex(docs)
    assert [i for i, _ in idx.nearest("halve everything", 2)] == [1, 4]  # ties: the earlier document
    char = B.TfIdfIndex(docs, B.char_ngrams)  # the generic path, one text at a time
    for q in ["halve everything", "square in place", "copy", "nothing matches zzz", ""]:
        want = (word.query(q) + 0.5 * char.query(q)) / 1.5
        assert np.allclose(idx.query(q), want, atol=1e-12), q
    assert idx.query("halving each element of the buffer")[1] == pytest.approx(1.0)
    assert B.HybridIndex([]).query("anything").shape == (0,)


@pytest.mark.parametrize("text, want", [
    ("Bitwise AND two arrays", ["bitwise", "bitand", "two", "array"]),
    ("combine x with y using a bitwise or", ["combine", "x", "y", "using", "bitwise", "bitor"]),
    ("logical OR of the flags", ["logical", "bitor", "flag"]),
    ("x and y or z", ["x", "y", "z"]),  # conjunctions stay stop words
])
def test_and_and_or_count_as_words_only_as_operations(text, want):
    assert B.words(text) == want


def test_a_bitwise_and_prefers_the_and_to_the_or_of_the_same_words():
    docs = ["bitwise or of the u32 buffers a and b", "Bitwise AND of the u32 buffers a and b", "negate y"]
    idx = B.HybridIndex(docs)  # without the operation words the two would tie, and the first would win
    (best, s1), (second, s2) = idx.nearest("Bitwise AND two arrays of unsigned 32-bit integers", 2)
    assert (best, second) == (1, 0) and s1 > s2


def test_template_baseline_is_empty_without_a_match(monkeypatch):
    src = B.TemplateSource()
    src._match = lambda prompt: None
    assert src.sample("multiply two matrices", 2, 0) == ["", ""]
    src._match = lambda prompt: SimpleNamespace(wgsl="// TEMPLATE")
    assert src.sample("mix two chromatic images", 1, 0) == ["// TEMPLATE"]
    src._match = lambda prompt: SimpleNamespace(source="// SOURCE")
    assert src.sample("mix two chromatic images", 1, 0) == ["// SOURCE"]


def test_template_baseline_with_the_real_templates():
    pytest.importorskip("tiny_agent_trainer.templates")
    src = B.TemplateSource()
    code = src.sample("Mix the RGBA colours a and b additively", 1, 0)[0]
    assert "@compute" in code and "fn main" in code
    assert src.sample("multiply two matrices", 1, 0) == [""]


def test_reference_source_uses_the_task():
    src = load_source("reference")
    task = SimpleNamespace(reference="// REF")
    assert src.needs_task and src.sample_task(task, 2, 0) == ["// REF", "// REF"]


def test_registry_names_and_unknown_model(corpus):
    assert available() == ["reference", "retrieval", "template"]
    assert load_source("template").id == "template"
    assert load_source("retrieval", retrieval_corpus=[corpus]).id == "retrieval"
    with pytest.raises(UserError, match=r"unknown model 'no-such-model'.*reference, retrieval, template"):
        load_source("no-such-model")
