"""Decoding engine: greedy/beam/sampling agreement, batching, KV cache vs recompute, determinism."""
from __future__ import annotations

import pytest
import torch

from test_inference_support import SHADERS, one_thread, tiny_model, tokenizer  # noqa: F401
from tiny_agent_trainer.inference.decoding import DecodeConfig, Decoder, _top_p_filter


@pytest.fixture(scope="module")
def setup(one_thread):
    tok = tokenizer()
    model = tiny_model(tok)
    dec = Decoder(model, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id)
    prompts = [tok.encode_prompt(p) for p, _ in SHADERS]
    assert len({len(p) for p in prompts}) > 1  # different lengths, so batching pads
    return tok, model, dec, prompts


def test_greedy_equals_beam_one(setup):
    _, _, dec, prompts = setup
    g = dec.generate(prompts, DecodeConfig("greedy", max_new_tokens=40))
    b = dec.generate(prompts, DecodeConfig("beam", beams=1, num_return=1, max_new_tokens=40))
    for gh, bh in zip(g, b):
        assert gh[0].tokens == bh[0].tokens
        assert gh[0].finished == bh[0].finished
        assert gh[0].logprob == pytest.approx(bh[0].logprob, abs=1e-3)


def test_batched_greedy_equals_unbatched(setup):
    _, _, dec, prompts = setup
    batched = dec.generate(prompts, DecodeConfig("greedy", max_new_tokens=40))
    for p, bh in zip(prompts, batched):
        single = dec.generate([p], DecodeConfig("greedy", max_new_tokens=40))[0][0]
        assert single.tokens == bh[0].tokens


def test_batched_beam_equals_unbatched(setup):
    _, _, dec, prompts = setup
    cfg = DecodeConfig("beam", beams=3, num_return=3, max_new_tokens=30)
    batched = dec.generate(prompts, cfg)
    for p, bh in zip(prompts, batched):
        single = dec.generate([p], cfg)[0]
        assert [h.tokens for h in single] == [h.tokens for h in bh]


def test_kv_cache_equals_full_recompute(setup):
    tok, model, dec, prompts = setup
    src = torch.tensor([prompts[1]])
    pad = src == tok.pad_id
    out = dec.generate([prompts[1]], DecodeConfig("greedy", max_new_tokens=25, min_new_tokens=25))[0][0].tokens
    assert len(out) == 25
    with torch.inference_mode():
        mem = model.encode(src, pad)
        cache = model.new_cache(1, 30)
        steps = []
        for t in [tok.bos_id] + out[:-1]:
            steps.append(model.decode_step(torch.tensor([[t]]), mem, pad, cache))
        full = model(src, pad, torch.tensor([[tok.bos_id] + out[:-1]]))[0]
    torch.testing.assert_close(torch.cat(steps), full, atol=1e-4, rtol=1e-4)


def test_sampling_is_deterministic_for_a_seed(setup):
    _, _, dec, prompts = setup
    cfg = DecodeConfig("sample", temperature=1.0, top_p=0.9, num_return=3, max_new_tokens=30, seed=123)
    a = dec.generate(prompts[:2], cfg)
    b = dec.generate(prompts[:2], cfg)
    assert [[h.tokens for h in r] for r in a] == [[h.tokens for h in r] for r in b]
    cfg.seed = 124
    c = dec.generate(prompts[:2], cfg)
    assert [[h.tokens for h in r] for r in a] != [[h.tokens for h in r] for r in c]


def test_sampling_low_temperature_is_greedy(setup):
    _, _, dec, prompts = setup
    g = dec.generate(prompts[:1], DecodeConfig("greedy", max_new_tokens=30))[0][0]
    s = dec.generate(prompts[:1], DecodeConfig("sample", temperature=1e-4, max_new_tokens=30, seed=0))[0][0]
    assert s.tokens == g.tokens


def test_beam_scores_sorted_and_best_at_least_greedy(setup):
    tok = tokenizer()
    model = tiny_model(tok, seed=3, peaky=False)  # flat logits: beams actually differ from greedy
    dec = Decoder(model, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id)
    p = [tok.encode_prompt(SHADERS[0][0])]
    beams = dec.generate(p, DecodeConfig("beam", beams=4, num_return=4, max_new_tokens=12, length_penalty=0.0))[0]
    greedy = dec.generate(p, DecodeConfig("greedy", max_new_tokens=12))[0][0]
    assert len(beams) == 4
    scores = [h.score for h in beams if h.finished] or [h.score for h in beams]
    assert scores == sorted(scores, reverse=True)
    if all(h.finished == greedy.finished for h in beams[:1]) and len(greedy.tokens) == len(beams[0].tokens):
        assert beams[0].logprob >= greedy.logprob - 1e-4


def test_eos_suppression_and_max_length(setup):
    _, _, dec, prompts = setup
    out = dec.generate(prompts, DecodeConfig("greedy", max_new_tokens=17, min_new_tokens=17))
    for r in out:
        assert len(r[0].tokens) == 17 and not r[0].finished


def test_prefix_and_ban(setup):
    tok, _, dec, prompts = setup
    base = dec.generate(prompts[:1], DecodeConfig("greedy", max_new_tokens=20, min_new_tokens=20))[0][0].tokens
    forced = dec.generate(prompts[:1], DecodeConfig("greedy", max_new_tokens=20, min_new_tokens=20),
                          prefix=base[:5])[0][0].tokens
    assert forced[:20] == base  # max_new_tokens counts after the prefix
    banned = dec.generate(prompts[:1], DecodeConfig("greedy", max_new_tokens=10), prefix=base[:5],
                          ban_first=[base[5]])[0][0].tokens
    assert banned[:5] == base[:5] and banned[5] != base[5]


def test_never_emits_bos_or_pad(setup):
    tok, _, dec, prompts = setup
    for cfg in (DecodeConfig("greedy", max_new_tokens=30), DecodeConfig("sample", seed=1, max_new_tokens=30),
                DecodeConfig("beam", beams=2, num_return=2, max_new_tokens=30)):
        for r in dec.generate(prompts, cfg):
            for h in r:
                assert tok.bos_id not in h.tokens and tok.pad_id not in h.tokens


def test_top_p_keeps_the_nucleus():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    kept = torch.isfinite(_top_p_filter(logits, 0.7, 0))[0].tolist()
    assert kept == [True, True, False, False]
    assert torch.isfinite(_top_p_filter(logits, 0.01, 0))[0].tolist() == [True, False, False, False]
    assert torch.isfinite(_top_p_filter(logits, 1.0, 2))[0].tolist() == [True, True, False, False]


def test_bad_config_is_rejected(setup):
    _, _, dec, prompts = setup
    with pytest.raises(ValueError):
        dec.generate(prompts, DecodeConfig("nucleus"))
    with pytest.raises(ValueError):
        dec.generate(prompts, DecodeConfig("beam", beams=2, num_return=3))


def test_fast_step_matches_the_model(setup):
    tok, model, _, prompts = setup
    fast = Decoder(model, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id)
    slow = Decoder(model, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id, fast=False)
    assert fast.fast is not None and slow.fast is None
    for cfg in (DecodeConfig("greedy", max_new_tokens=30, min_new_tokens=30),
                DecodeConfig("beam", beams=3, num_return=3, max_new_tokens=30)):
        for a, b in zip(fast.generate(prompts, cfg), slow.generate(prompts, cfg)):
            assert [h.tokens for h in a] == [h.tokens for h in b]
            assert [h.logprob for h in a] == pytest.approx([h.logprob for h in b], abs=1e-3)


def test_fast_step_is_refused_for_a_model_it_does_not_match(setup):
    tok, model, _, _ = setup
    import copy

    odd = copy.deepcopy(model)
    odd.decoder[0].ff[1] = torch.nn.ReLU()  # a different activation than the fast path computes
    assert Decoder(odd, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id).fast is None
