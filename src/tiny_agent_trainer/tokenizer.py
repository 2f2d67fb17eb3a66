"""The model vocabulary: one Hugging Face `tokenizers` BPE model shared by English prompts and WGSL code.

Both prompts and code are first split by the WGSL lexer (`wgsl.lexer`) into significant tokens
(whitespace and comments dropped), joined by single spaces. The HF pipeline then marks token
starts with `▁` (Metaspace), splits every digit on its own (so any number in a prompt can be
copied digit by digit into code) and applies BPE. Because the same lexer sees prompt and code,
`alpha` or `2.5` in a prompt become exactly the same ids as in the shader. Decoding reverses the
pipeline to lexer-token texts and renders canonical WGSL with `wgsl.format.format_code`
(the model never predicts whitespace, so output is always canonically formatted).

Saved as the standard `tokenizer.json`. This module does NOT build datasets or run models.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from .wgsl.format import format_code
from .wgsl.lexer import significant, tokenize

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIALS = [PAD, BOS, EOS, UNK]
MARK = "\u2581"


def lex_texts(text: str) -> list[str]:
    """Significant WGSL-lexer token texts of any text (prompt or code)."""
    return [t.text for t in significant(tokenize(text))]


def _pipeline(tok: Tokenizer) -> Tokenizer:
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=MARK, prepend_scheme="always", split=True),
        pre_tokenizers.Digits(individual_digits=True),
    ])
    tok.decoder = decoders.Metaspace(replacement=MARK, prepend_scheme="always", split=True)
    return tok


class WgslTokenizer:
    def __init__(self, tok: Tokenizer):
        self.tok = tok
        self.pad_id, self.bos_id, self.eos_id, self.unk_id = (tok.token_to_id(s) for s in SPECIALS)
        if None in (self.pad_id, self.bos_id, self.eos_id, self.unk_id):
            raise ValueError("tokenizer.json lacks the special tokens " + ", ".join(SPECIALS))
        self._pieces: list[str] | None = None

    # -- building -------------------------------------------------------------------------
    @classmethod
    def train(cls, prompts: Iterable[str], codes: Iterable[str], vocab_size: int = 2000,
              min_frequency: int = 2) -> "WgslTokenizer":
        tok = _pipeline(Tokenizer(models.BPE(unk_token=UNK)))
        trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency,
                                      special_tokens=SPECIALS, show_progress=False,
                                      initial_alphabet=[MARK] + [chr(c) for c in range(32, 127)])
        corpus = [" ".join(lex_texts(p)) for p in prompts] + [" ".join(lex_texts(c)) for c in codes]
        tok.train_from_iterator(corpus, trainer=trainer, length=len(corpus))
        return cls(tok)

    @classmethod
    def load(cls, path: str | Path) -> "WgslTokenizer":
        path = Path(path)
        if path.is_dir():
            path = path / "tokenizer.json"
        if not path.is_file():
            raise FileNotFoundError(f"no tokenizer at {path}")
        return cls(Tokenizer.from_file(str(path)))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        if path.suffix != ".json":
            path = path / "tokenizer.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tok.save(str(path))
        return path

    # -- use ------------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return self.tok.get_vocab_size()

    @property
    def pieces(self) -> list[str]:
        """Piece string for each id (for constrained decoding)."""
        if self._pieces is None:
            self._pieces = [self.tok.id_to_token(i) for i in range(self.vocab_size)]
        return self._pieces

    def encode_prompt(self, prompt: str) -> list[int]:
        return self.tok.encode(" ".join(lex_texts(prompt))).ids

    def encode_code(self, source: str) -> list[int]:
        """Ids of the code's significant tokens (no BOS/EOS)."""
        return self.tok.encode(" ".join(lex_texts(source))).ids

    def encode_prompts(self, prompts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tok.encode_batch([" ".join(lex_texts(p)) for p in prompts])]

    def encode_codes(self, sources: list[str]) -> list[list[int]]:
        """Ids of each source; equal sources are lexed and encoded once (a dataset repeats each shader
        several times under different prompts, and lexing in Python is the slow part)."""
        distinct = list(dict.fromkeys(sources))
        ids = dict(zip(distinct, (e.ids for e in self.tok.encode_batch([" ".join(lex_texts(s)) for s in distinct]))))
        return [list(ids[s]) for s in sources]

    def decode_texts(self, ids: Iterable[int]) -> list[str]:
        """Lexer-token texts of generated ids (specials dropped)."""
        special = {self.pad_id, self.bos_id, self.eos_id}
        text = self.tok.decode([i for i in ids if i not in special], skip_special_tokens=False)
        return text.split()

    def decode_code(self, ids: Iterable[int]) -> str:
        """Canonically formatted WGSL for generated ids."""
        return format_code(self.decode_texts(ids))
