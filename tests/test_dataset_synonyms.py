"""Meaning-preserving substitutions: they happen, keep case, never touch or add a protected name or a number."""
import random
import re

from tiny_agent_trainer.dataset.synonyms import substitute


def test_substitutes_ordinary_words_and_keeps_capitalisation():
    text = "Compute the element-wise sum of each element of the array a, storing the result in out."
    seen = {substitute(text, {"a", "out"}, random.Random(k), p=1.0) for k in range(40)}
    assert len(seen) > 10
    for s in seen:
        assert s[0].isupper()
        assert re.search(r"\ba\b", s) and s.endswith(" out.")


def test_p_zero_changes_nothing():
    text = "Write a shader that adds the arrays x and y element-wise."
    assert substitute(text, {"x", "y"}, random.Random(0), p=0.0) == text


def test_protected_names_are_neither_rewritten_nor_introduced():
    # a buffer called `buffer` and an output called `output`: no rule may rewrite them or mention them anew
    text = "Scale each element of buffer by k, writing into result. The result is an array."
    names = {"buffer", "result", "output", "k"}
    for k in range(60):
        s = substitute(text, names, random.Random(k), p=1.0)
        words = re.findall(r"[A-Za-z_]\w*", s)
        assert words.count("buffer") == 1 and "output" not in words
        assert "result" in words


def test_no_numbers_added():
    text = "Convert the image to grayscale; each pixel is a colour. Use unsigned integers for the counts."
    for k in range(60):
        assert not re.search(r"\d", substitute(text, set(), random.Random(k), p=1.0))
