"""Operations named in words (`inference/named_ops.py`): Gray decoding and encoding, byte swaps, popcounts, bit
reversal, MIDI notes to Hz and a matrix transpose become kernels over the prompt's buffers that compute what NumPy
computes (on the wgpu adapter); prompts naming none, or more than one, or a variant (parity, a bit field, a
distance), get nothing. The prompts here are written for this test, not taken from any benchmark."""
from __future__ import annotations

import numpy as np
import pytest

from tiny_agent_trainer.inference.named_ops import named_candidates, named_element, transpose_candidates
from tiny_agent_trainer.spec import BufferSpec
from tiny_agent_trainer.validation import validate

N = 256
WORDS = np.random.default_rng(7).integers(0, 2**32, N, dtype=np.uint64).astype(np.uint32)


def _gray_decode(g: np.ndarray) -> np.ndarray:
    b = g.copy()
    shift = g >> 1
    while shift.any():
        b ^= shift
        shift >>= 1
    return b


def _bswap(v: np.ndarray) -> np.ndarray:
    return v.byteswap()


def _reverse(v: np.ndarray) -> np.ndarray:
    return np.array([int(f"{int(x):032b}"[::-1], 2) for x in v], np.uint32)


@pytest.mark.parametrize("prompt, want", [
    ("the sensor reports Gray-coded angles in `ang_gray`; decode each u32 back to plain binary into `ang_bin`",
     _gray_decode),
    ("convert each u32 of `idx_bin` into reflected Gray code, written to `idx_gray`", lambda v: v ^ (v >> 1)),
    ("byte-swap every u32 of `net_words` (big-endian to little-endian) into `host_words`", _bswap),
    ("for each u32 occupancy mask in `occ`, write the number of set bits to `occ_n`",
     lambda v: np.array([bin(int(x)).count("1") for x in v], np.uint32)),
    ("reverse the bits of every u32 in `fwd_bits`, results into `rev_bits`", _reverse),
])
def test_a_named_integer_operation_runs_like_numpy(prompt, want, wgpu_runtime):
    codes = named_candidates(prompt)
    assert len(codes) == 1 and validate(codes[0]).ok, codes
    specs = (BufferSpec(0, "read", "array<u32>", N), BufferSpec(1, "read_write", "array<u32>", N))
    out = wgpu_runtime.run(codes[0], specs, {0: WORDS, 1: np.zeros(N, np.uint32)}, (N,))
    np.testing.assert_array_equal(np.asarray(out[1], np.uint32), want(WORDS))


def test_midi_notes_to_hz_with_the_reference_pitch_said():
    code = named_candidates("map the MIDI note numbers in `keys_f` (f32) to frequencies in Hz, A4 = 442 Hz, into `f_hz`")[0]
    assert "f_hz[i] = 442.0 * pow(2.0, (keys_f[i] - 69.0) / 12.0);" in code
    assert named_element("convert the frequencies in Hz of `f_hz` to MIDI note numbers in `nn`") is None


@pytest.mark.parametrize("prompt", [
    "write the parity (number of set bits mod 2) of each u32 of `w` into `p`",
    "count the set bits in the lowest 8 bits of each u32 of `w` into `p`",
    "byte-swap each u32 of `w` and write the number of set bits into `p`",  # two named operations
    "the Hamming distance between the u32 codes of `a` and `b` into `d` (number of set bits of a ^ b)",
    "scale every value of `w` by 2 into `p`",
])
def test_variants_and_other_prompts_get_no_named_element(prompt):
    assert named_element(prompt) is None


@pytest.mark.parametrize("grid_words, threads", [
    ("", "output"),
    (" Launch one invocation per element of `weights`.", "source"),
    (" The grid covers the source: gid.x walks its columns.", "source"),
])
def test_a_transpose_over_the_declared_sizes_runs_like_numpy(grid_words, threads, wgpu_runtime):
    prompt = ("Transpose `weights` (n_rows x n_cols, row-major f32) into `weights_t`. The uniform holds n_rows then "
              "n_cols (both u32)." + grid_words)
    codes = transpose_candidates(prompt)
    assert len(codes) == 1 and validate(codes[0]).ok, codes
    rows, cols = 5, 7
    m = np.arange(rows * cols, dtype=np.float32).reshape(rows, cols) * 0.5
    specs = (BufferSpec(0, "read", "array<f32>", rows * cols), BufferSpec(1, "read_write", "array<f32>", rows * cols),
             BufferSpec(2, "uniform", scalars=("u32", "u32"), values=(rows, cols)))
    grid = (rows, cols) if threads == "output" else (cols, rows)  # x over the columns of the grid's matrix
    out = wgpu_runtime.run(codes[0], specs, {0: m.ravel(), 1: np.zeros(rows * cols, np.float32),
                                             2: np.array([rows, cols], np.uint32)}, grid)
    np.testing.assert_array_equal(np.asarray(out[1]).reshape(cols, rows), m.T)


def test_a_transpose_needs_its_sizes_and_two_buffers():
    assert transpose_candidates("transpose `a` into `b`") == []  # no uniform declared
    assert transpose_candidates("transpose the colours of `px` into `py`; uniform rows, cols (u32)") == []
    assert transpose_candidates("multiply `a` by the transpose of `b` into `c`; uniform rows, cols (u32)") == []


def test_transpose_sizes_said_without_a_list():
    code = transpose_candidates("Transpose a row-major matrix: `w_in` has `n_rows` rows and `n_cols` columns (both u32 "
                                "uniforms, in that order). Write the n_cols x n_rows transpose into `w_out`.")[0]
    assert code.index("n_rows: u32") < code.index("n_cols: u32")
    assert "w_out[y * params.n_rows + x] = w_in[x * params.n_cols + y];" in code  # one invocation per output element
