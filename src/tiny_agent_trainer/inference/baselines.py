"""Non-neural baselines that any trained model must beat: `template`, `retrieval` and `reference`.

- `TemplateSource` ("template"): keyword match of the prompt to the built-in chromatic templates
  (`tiny_agent_trainer.templates.match_template`); no match gives an empty candidate (judged invalid).
- `RetrievalSource` ("retrieval"): the training example whose prompt is nearest to the request by
  TF-IDF cosine similarity of words and of character n-grams (`HybridIndex` of two `TfIdfIndex`, a small
  sparse implementation on NumPy), returned verbatim.
  Its corpus is the train split: the curated `config/wgsl_training_data.toml` (benchmark format) and
  `data/train*.jsonl` records from `dataset build`, or any files/directories passed in (`.jsonl.gz`
  too). `write_corpus` makes the compact corpus a model bundle ships for `generate`'s fallback.
- `ReferenceSource` ("reference"): the task's own reference shader (an upper bound that checks the
  judge); it needs the task, so the evaluation loop calls `sample_task` instead of `sample`.

All baselines are deterministic: the n samples of one prompt are the same text, so pass@k = pass@1.
This module does NOT judge anything and does NOT load neural models (see `registry`).
"""
from __future__ import annotations

import glob
import gzip
import json
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import UserError

DEFAULT_CORPUS = ("config/wgsl_training_data.toml", "data/train*.jsonl")
FALLBACK_CORPUS = "retrieval.jsonl.gz"  # inside a model bundle: the corpus of `generate`'s retrieval fallback

_WORD_RE = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an the of to and or in on by for with from into each every its it is be that this as at "
                  "all then which what write kernel shader compute please".split())


# "and" / "or" as operations, not conjunctions: "bitwise AND", "logical or", "AND of a and b"
_BIT_OP = re.compile(r"\b(?:(?<=bitwise )|(?<=bitwise-)|(?<=logical ))(?:and|or)\b|\b(?-i:AND|OR)\b", re.I)


def words(text: str) -> list[str]:
    """Lower-case word tokens with stop words dropped and a light plural strip ("values" -> "value"); "and" and
    "or" stay as the operations "bitand" / "bitor" after "bitwise" or "logical" or when written AND / OR."""
    out = []
    text = _BIT_OP.sub(lambda m: "bit" + m.group(0).lower(), text)
    for w in _WORD_RE.findall(text.lower()):
        if w in _STOP:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


def features(text: str) -> list[str]:
    """Unigrams plus adjacent bigrams (so "prefix sum" differs from "sum ... prefix")."""
    return _with_bigrams(words(text))


def _with_bigrams(ws: list[str]) -> list[str]:
    return ws + [f"{a} {b}" for a, b in zip(ws, ws[1:])]


def _ngrams(word: str) -> list[str]:
    w = f"<{word}>"
    return [w[i:i + n] for n in (3, 4) for i in range(len(w) - n + 1)]


def char_ngrams(text: str) -> list[str]:
    """Character 3- and 4-grams of each word (as `words` gives them), with word-boundary marks: "<halve>"
    shares "<hal" with "half" and "alv" with "halving", which the word features cannot see."""
    return [g for w in words(text) for g in _ngrams(w)]


class _Nearest:
    """`nearest` for an index whose `query(text)` scores every document."""

    def query(self, text: str) -> np.ndarray:
        raise NotImplementedError

    def nearest(self, text: str, k: int = 1) -> list[tuple[int, float]]:
        """Indices and scores of the k most similar documents (ties: the earlier document)."""
        s = self.query(text)
        order = np.argsort(-s, kind="stable")[:k]
        return [(int(i), float(s[i])) for i in order]


class TfIdfIndex(_Nearest):
    """Sparse TF-IDF vectors (sublinear tf, smoothed idf, L2-normalised) with an inverted index.

    `query(text)` returns the cosine similarity of `text` to every document; `featurize` turns a text into
    its terms (default: `features`).
    """

    def __init__(self, docs: Sequence[str], featurize: Callable[[str], list[str]] = features):
        self._from_terms([featurize(text) for text in docs], featurize)

    @classmethod
    def from_terms(cls, per_doc: Sequence[list[str]], featurize: Callable[[str], list[str]]) -> "TfIdfIndex":
        """The index of documents already turned into their terms (`featurize` is for queries)."""
        self = cls.__new__(cls)
        self._from_terms(per_doc, featurize)
        return self

    @classmethod
    def from_ids(cls, terms: np.ndarray, lens: np.ndarray, vocab: dict[str, int],
                 featurize: Callable[[str], list[str]]) -> "TfIdfIndex":
        """The index of documents already turned into term ids: `terms` holds every document's ids one after
        the other, `lens` how many each has (`vocab`: term -> id); `featurize` is for queries."""
        self = cls.__new__(cls)
        self._fit(terms, lens, vocab, featurize)
        return self

    def _from_terms(self, per_doc: Sequence[list[str]], featurize: Callable[[str], list[str]]) -> None:
        vocab: dict[str, int] = {}
        lens = np.fromiter((len(t) for t in per_doc), np.int64, len(per_doc))
        terms = np.fromiter((vocab.setdefault(f, len(vocab)) for t in per_doc for f in t), np.int64, int(lens.sum()))
        self._fit(terms, lens, vocab, featurize)

    def _fit(self, terms: np.ndarray, lens: np.ndarray, vocab: dict[str, int],
             featurize: Callable[[str], list[str]]) -> None:
        self.featurize = featurize
        self.vocab = vocab
        self.n_docs = n = len(lens)
        # one entry per (term, document), sorted by term then document: the postings, in order
        keys, counts = np.unique(terms * max(1, n) + np.repeat(np.arange(n, dtype=np.int64), lens), return_counts=True)
        cols_a, rows_a = keys // max(1, n), keys % max(1, n)
        df = np.bincount(cols_a, minlength=len(vocab)).astype(np.float64)
        self.idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        w = (1.0 + np.log(counts)) * self.idf[cols_a]
        norms = np.sqrt(np.bincount(rows_a, weights=w * w, minlength=n))
        self._docs = rows_a
        self._weights = w / np.maximum(norms[rows_a], 1e-12)
        self._ptr = np.concatenate([[0], np.cumsum(df.astype(np.int64))]).astype(np.int64)

    def query(self, text: str) -> np.ndarray:
        counts: dict[int, int] = {}
        for f in self.featurize(text):
            j = self.vocab.get(f)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(self.n_docs)
        q = {j: (1.0 + math.log(c)) * self.idf[j] for j, c in counts.items()}
        qn = math.sqrt(sum(v * v for v in q.values()))
        spans = [(self._ptr[j], self._ptr[j + 1], v / qn) for j, v in q.items()]
        docs = np.concatenate([self._docs[lo:hi] for lo, hi, _ in spans])
        weights = np.concatenate([self._weights[lo:hi] * f for lo, hi, f in spans])
        return np.bincount(docs, weights=weights, minlength=self.n_docs)


class HybridIndex(_Nearest):
    """Word TF-IDF (`features`) plus character n-gram TF-IDF (`char_ngrams`, weight `char_weight`): the
    similarity is their weighted mean. The n-grams match words the corpus writes in another form ("halve",
    "half", "halving"; "magnitudes", "magnitude"); on the development set they put a right shader among the
    5 nearest for 36 of 48 tasks instead of 34 (docs/inference.md)."""

    def __init__(self, docs: Sequence[str], char_weight: float = 0.5):
        self.char_weight = char_weight
        per_doc = [words(t) for t in docs]  # once for both indexes
        self.word = TfIdfIndex.from_terms([_with_bigrams(ws) for ws in per_doc], features)
        vocab = self.word.vocab  # its unigrams are the distinct words
        # each document's n-grams are its words' n-grams: computed once per distinct word, then gathered
        n_words = np.fromiter((len(ws) for ws in per_doc), np.int64, len(per_doc))
        occ = np.fromiter((vocab[w] for ws in per_doc for w in ws), np.int64, int(n_words.sum()))
        distinct = np.unique(occ)
        names = list(vocab)
        grams: dict[str, int] = {}
        per_word = [[grams.setdefault(g, len(grams)) for g in _ngrams(names[w])] for w in distinct]
        g_len = np.zeros(len(vocab), np.int64)
        g_len[distinct] = [len(g) for g in per_word]
        g_ptr = np.zeros(len(vocab), np.int64)
        g_ptr[distinct] = np.concatenate([[0], np.cumsum(g_len[distinct])[:-1]]) if len(distinct) else []
        g_ids = np.fromiter((g for gs in per_word for g in gs), np.int64, int(g_len.sum()))
        k = g_len[occ]  # n-grams per word occurrence
        starts = np.repeat(g_ptr[occ] - (np.cumsum(k) - k), k)
        char_terms = g_ids[starts + np.arange(int(k.sum()))]
        char_lens = np.bincount(np.repeat(np.arange(len(per_doc)), n_words), weights=k, minlength=len(per_doc))
        self.char = TfIdfIndex.from_ids(char_terms, char_lens.astype(np.int64), grams, char_ngrams)

    def query(self, text: str) -> np.ndarray:
        return (self.word.query(text) + self.char_weight * self.char.query(text)) / (1.0 + self.char_weight)


@dataclass(frozen=True)
class Example:
    prompt: str
    code: str
    origin: str  # "file:task-id" for reports and debugging


def _split_ok(rec: dict) -> bool:
    return rec.get("split", "train") == "train"


def default_corpus() -> list[Path]:
    """`DEFAULT_CORPUS` under the current directory, else under the source checkout holding this package."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (root / DEFAULT_CORPUS[0]).exists() or list(root.glob(DEFAULT_CORPUS[1])):
            return [root / p for p in DEFAULT_CORPUS]
    return []


def load_examples(paths: Iterable[str | Path], missing_ok: bool = False) -> list[Example]:
    """Train-split examples from TOML (benchmark format) and JSONL (dataset records) files or directories."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if missing_ok and not any(ch in str(p) for ch in "*?[") and not p.exists():
            continue
        if p.is_dir():
            files += sorted(p.glob("*.jsonl")) + sorted(p.glob("*.jsonl.gz")) + sorted(p.glob("*.toml"))
        elif any(ch in str(p) for ch in "*?["):
            files += [Path(f) for f in sorted(glob.glob(str(p)))]  # a pattern may match nothing
        elif p.exists():
            files.append(p)
        else:
            raise UserError(f"retrieval corpus {p}: no such file or directory")
    out: list[Example] = []
    for f in files:
        if f.suffix == ".toml":
            try:
                data = tomllib.loads(f.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
                raise UserError(f"retrieval corpus {f}: {e}") from None
            recs = data.get("task", [])
        else:
            recs = []
            try:
                text = gzip.decompress(f.read_bytes()).decode("utf-8") if f.suffix == ".gz" else f.read_text(encoding="utf-8")
            except (OSError, EOFError, UnicodeDecodeError) as e:
                raise UserError(f"retrieval corpus {f}: unreadable ({e})") from None
            for n, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        recs.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        raise UserError(f"retrieval corpus {f}:{n}: bad JSON ({e.msg})") from None
        for r in recs:
            if isinstance(r, dict) and _split_ok(r) and isinstance(r.get("prompt"), str) \
                    and isinstance(r.get("reference"), str):
                out.append(Example(r["prompt"], r["reference"], f"{f}:{r.get('id', '?')}"))
    return out


def write_corpus(examples: Iterable[Example], out: str | Path, per_code: int = 2) -> int:
    """Write a compact gzipped JSONL corpus (at most `per_code` prompts per distinct shader); returns the
    number of records. Used to ship a model bundle's retrieval fallback (`FALLBACK_CORPUS`)."""
    kept: dict[str, list[str]] = {}
    for e in examples:
        lst = kept.setdefault(e.code, [])
        if len(lst) < per_code and e.prompt not in lst:
            lst.append(e.prompt)
    n = 0
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as f:
        for code, prompts in kept.items():
            for prompt in prompts:
                f.write(json.dumps({"prompt": prompt, "reference": code}) + "\n")
                n += 1
    return n


class RetrievalSource:
    """Nearest training example by TF-IDF cosine similarity of prompts (words and character n-grams,
    `HybridIndex`), returned verbatim."""

    id = "retrieval"

    def __init__(self, corpus: Sequence[str | Path] | None = None, examples: Sequence[Example] | None = None):
        if examples is None:
            examples = load_examples(corpus) if corpus else load_examples(default_corpus(), missing_ok=True)
            if not examples:
                where = ", ".join(map(str, corpus)) if corpus else " + ".join(DEFAULT_CORPUS)
                raise UserError(f"retrieval corpus is empty: no train-split records with prompt and reference in {where}")
        self.examples = list(examples)
        self.index = HybridIndex([e.prompt for e in self.examples])

    def nearest(self, prompt: str) -> tuple[Example | None, float]:
        if not self.examples:
            return None, 0.0
        i, score = self.index.nearest(prompt, 1)[0]
        return self.examples[i], score

    def sample(self, prompt: str, n: int, seed: int = 0) -> list[str]:
        ex, _ = self.nearest(prompt)
        return [ex.code if ex else ""] * n


class TemplateSource:
    """The built-in chromatic template matched by keywords, or "" when none matches."""

    id = "template"

    def __init__(self):
        try:
            from ..templates import match_template
        except ImportError:  # the templates module is optional for this baseline
            match_template = None
        self._match = match_template

    def sample(self, prompt: str, n: int, seed: int = 0) -> list[str]:
        code = ""
        if self._match is not None:
            t = self._match(prompt)
            if t is not None:
                code = _template_code(t)
        return [code] * n


def _template_code(t) -> str:
    """The WGSL text of a matched template (`.wgsl` or `.source`, attribute or method)."""
    for attr in ("wgsl", "source", "code"):
        v = getattr(t, attr, None)
        v = v() if callable(v) else v
        if isinstance(v, str):
            return v
    return ""


class ReferenceSource:
    """The task's own reference shader; the evaluation loop calls `sample_task(task, n, seed)`."""

    id = "reference"
    needs_task = True

    def sample_task(self, task, n: int, seed: int = 0) -> list[str]:
        return [task.reference] * n

    def sample(self, prompt: str, n: int, seed: int = 0) -> list[str]:
        raise UserError("the 'reference' model needs a benchmark task, not a bare prompt")
