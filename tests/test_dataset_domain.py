"""The domain family (dataset/families/domain.py, domain2.py): named formulas give the textbook values
(MIDI 69 -> 440 Hz, 2 ohm || 2 ohm -> 1 ohm, next power of two of 5 -> 8...), the vec4 updates keep w,
every fragment resolves and names its prompt constants, no fragment is a near-copy of a benchmark
prompt, and the family gets about a tenth of the generated pairs."""
from __future__ import annotations

import random
import re

import numpy as np
import pytest

from tiny_agent_trainer.dataset.families import all_variants, by_id, domain, domain2
from tiny_agent_trainer.dataset.generate import TEST_VARIANTS, generate
from tiny_agent_trainer.dataset.oracle import parse_bindings, parse_struct_fields
from tiny_agent_trainer.dataset.phrasing import _resolve
from tiny_agent_trainer.spec import SCALARS
from test_curated_data import benchmark_near_copies

DOMAIN = domain.VARIANTS + domain2.VARIANTS


def run(vid: str, inputs, params=(), out=None, seed=0):
    """The variant's NumPy oracle on the given inputs and uniform values (in struct order)."""
    inst = by_id()[vid].draw(random.Random(seed), False)
    ns = {"np": np}
    decl = [d for _, d in sorted(parse_bindings(inst.code).items())]
    reads = [(n, t) for acc, n, t in decl if acc == "storage,read"]
    (_, o_name, o_type), = [d for d in decl if d[0] == "storage,read_write"]

    def arr(values, typ):
        a = np.asarray(values, SCALARS[re.findall(r"[fiu]32", typ)[0]])
        return a.reshape(-1, 4) if "vec4" in typ else a

    if not reads and out is None:  # in place: the one input is the buffer updated
        inputs, out = [], inputs[0]
    for (name, typ), values in zip(reads, inputs):
        ns[name] = arr(values, typ)
    fields = parse_struct_fields(inst.code, "Params") if "struct Params" in inst.code else []
    assert len(fields) == len(params), (vid, fields)
    for (f, t), val in zip(fields, params):
        ns[f] = SCALARS[t](val)
    if out is not None:
        ns[o_name] = arr(out, o_type)
    exec(inst.oracle, ns)  # noqa: S102 - the project's own oracle
    return np.asarray(ns[o_name])


def test_textbook_values():
    close = np.testing.assert_allclose
    close(run("domain/midi_to_hz", [[69, 81, 57]]), [440, 880, 220], rtol=1e-6)
    close(run("domain/hz_to_midi", [[440, 880]]), [69, 81], rtol=1e-6)
    close(run("domain/parallel_resistance", [[2, 100], [2, 100]]), [1, 50], rtol=1e-6)
    close(run("domain/kinetic_energy", [[2], [3]]), [9])
    close(run("domain/power_vr", [[10], [5]]), [20])
    close(run("domain/projectile_height", [[10], [20]], params=(2.0, 10.0)), [30])
    close(run("domain/lorentz_factor", [[0.6, 0.0]]), [1.25, 1.0], rtol=1e-6)
    close(run("domain/spring_force", [[0.5]], params=(10.0,)), [-5])
    close(run("domain/celsius_to_kelvin", [[0, 100]]), [273.15, 373.15], rtol=1e-6)
    close(run("domain/amp_to_db", [[1, 0.1, 10]]), [0, -20, 20], atol=1e-5)
    close(run("domain/db_to_amp", [[0, -20, 20]]), [1, 0.1, 10], rtol=1e-6)
    close(run("domain/bitcrush", [[0.3, -0.62]], params=(4.0,)), [0.25, -0.5])
    close(run("domain/compressor", [[0.9, -0.9, 0.2]], params=(0.5, 4.0)), [0.6, -0.6, 0.2], rtol=1e-6)
    close(run("domain/osc_sine", [[0.25, 0.75]]), [1, -1], atol=1e-6)
    close(run("domain/osc_saw", [[0.0, 0.5, 1.75]]), [-1, 0, 0.5])
    close(run("domain/osc_square", [[0.25, 0.75, 2.1]]), [1, -1, 1])
    close(run("domain/osc_triangle", [[0.0, 0.5, 0.25, 3.0]]), [1, -1, 0, 1])
    close(run("domain/pan_equal_power", [[1.0]], params=(0.0,)).reshape(-1), [0.70710677, 0.70710677], rtol=1e-6)
    close(run("domain/pan_equal_power", [[2.0]], params=(-1.0,)).reshape(-1), [2, 0], atol=1e-6)
    close(run("domain/mix_into_bus", [[1.0, 2.0]], params=(0.5,), out=[1.0, 1.0]), [1.5, 2.0])
    close(run("domain/percent_change", [[100, 50], [110, 25]]), [10, -50], rtol=1e-6)
    close(run("domain/log_return", [[100], [100 * np.e]]), [1], rtol=1e-6)
    close(run("domain/compound_interest", [[1000]], params=(0.1, 1, 2.0)), [1210], rtol=1e-6)
    close(run("domain/compound_interest", [[1000]], params=(0.12, 12, 1.0)), [1126.825], rtol=1e-5)
    close(run("domain/present_value", [[121], [2]], params=(0.1,)), [100], rtol=1e-6)
    close(run("domain/heading_deg", [[0, 1, -1], [1, 1, 0]]), [90, 45, 180], rtol=1e-6)
    close(run("domain/wrap_angle", [[3 * np.pi / 2, -np.pi, 0.5]]), [-np.pi / 2, -np.pi, 0.5], rtol=1e-6)
    close(run("domain/armor_damage", [[200], [100]]), [100])
    close(run("domain/cooldown_tick", [[0.5, 0.01]], params=(0.1,)), [0.4, 0])
    close(run("domain/move_towards", [[0, 0, 5], [10, -0.2, 5]], params=(1.0,)), [1, -0.2, 5])


def test_integer_values():
    eq = np.testing.assert_array_equal
    eq(run("domain/next_pow2", [[1, 2, 5, 8, 1000, 2 ** 31]]), [1, 2, 8, 8, 1024, 2 ** 31])
    eq(run("domain/health_regen", [[-5, 0, 50, 99, 100]], params=(5, 100)), [-5, 0, 55, 100, 100])
    eq(run("domain/zigzag_encode", [[0, -1, 1, -2, 2147483647, -2147483648]]), [0, 1, 2, 3, 4294967294, 4294967295])
    eq(run("domain/zigzag_decode", [[0, 1, 2, 3, 4294967295]]), [0, -1, 1, -2, -2147483648])
    eq(run("domain/gcd", [[12, 17, 100], [18, 5, 75]]), [6, 1, 25])
    eq(run("domain/reverse_low_bits", [[1, 0b0011, 0b1010]], params=(4,)), [8, 0b1100, 0b0101])
    eq(run("domain/rgba8_to_565", [[0xFFFFFFFF, 0x000000FF, 0x0000FF00, 0x00FF0000]]), [0xFFFF, 0xF800, 0x07E0, 0x001F])
    eq(run("domain/manhattan_packed", [[3 | (4 << 16), 10 | (1 << 16)]], params=(5, 5)), [3, 9])


W = [0.1, 0.7, 1.0, -3.0]


def test_vec4_ops_keep_w():
    v = [[3.0, 0.0, 4.0, W[0]], [1.0, 1.0, 1.0, W[1]], [0.0, -2.0, 0.0, W[2]], [2.0, 3.0, 6.0, W[3]]]
    vel = [[1.0, 2.0, 3.0, 9.0]] * 4
    cases = {"domain/integrate_positions": run("domain/integrate_positions", [vel], params=(0.5,), out=v),
             "domain/normalize_xyz": run("domain/normalize_xyz", [v]),
             "domain/fade_to_black": run("domain/fade_to_black", [], params=(0.5,), out=v),
             "domain/damp_velocities": run("domain/damp_velocities", [], params=(0.9,), out=v),
             "domain/apply_gravity": run("domain/apply_gravity", [], params=(10.0, 0.1), out=v)}
    for vid, got in cases.items():
        np.testing.assert_allclose(got[:, 3], W, err_msg=vid)
        code = by_id()[vid].draw(random.Random(1), True).code
        assert re.search(r"\.(w|a)\);\n}\n$", code), (vid, code)  # the shader copies the fourth component
    np.testing.assert_allclose(cases["domain/integrate_positions"][0], [3.5, 1.0, 5.5, W[0]])
    np.testing.assert_allclose(cases["domain/normalize_xyz"][0], [0.6, 0.0, 0.8, W[0]], rtol=1e-6)
    np.testing.assert_allclose(cases["domain/apply_gravity"][2], [0.0, -3.0, 0.0, W[2]], rtol=1e-6)
    np.testing.assert_allclose(run("domain/length_xyz", [v]), [5, np.sqrt(3), 2, 7], rtol=1e-6)
    np.testing.assert_allclose(run("domain/distance_to_point", [v], params=(3.0, 0.0, 0.0)), [4, np.sqrt(6), np.sqrt(13), np.sqrt(46)],
                               rtol=1e-6)
    np.testing.assert_allclose(run("domain/lambert", [v], params=(0.0, 1.0, 0.0)), [0, 1, 0, 3])


@pytest.mark.parametrize("v", DOMAIN, ids=[v.id for v in DOMAIN])
def test_every_fragment_resolves_and_names_its_constants(v):
    rng = random.Random(f"domain/{v.id}")
    for k in range(4):
        inst = v.draw(rng, k % 2 == 0)
        slots = dict(inst.slots, oi=inst.slots["O"])
        consts = [key for key, s in inst.slots.items() if re.fullmatch(r"K\d?", key) and not s.uniform]
        for need, frags in inst.forms.items():
            assert frags, (v.id, need)
            for frag in frags:
                text, _ = _resolve(frag, slots)  # raises on a placeholder without a slot
                assert "{" not in text
                for key in consts:  # a number the code uses must be in every wording
                    assert "{%s}" % key in frag, (v.id, frag)
        if inst.inplace:
            assert all("in place" in f for f in inst.forms["vp"]), v.id


def test_family_size_weight_and_no_held_out_ops():
    fams = {v.family for v in DOMAIN}
    assert fams == {"domain"} and all(v.id.startswith("domain/") for v in DOMAIN)
    assert 40 <= len(DOMAIN) <= 60
    assert not {v.id for v in DOMAIN} & TEST_VARIANTS
    everything = all_variants()
    share = sum(v.weight for v in DOMAIN) / sum(v.weight for v in everything)
    assert 0.10 <= share <= 0.12, share
    pairs = generate(2000, seed=5, augment_p=0.0, spec_p=0.0)
    got = [p for p in pairs if p.inst.family == "domain"]
    assert 0.09 <= len(got) / len(pairs) <= 0.13
    assert len({p.inst.variant for p in got}) >= 0.9 * len(DOMAIN)


def test_fragments_are_not_copies_of_benchmark_prompts():
    """Same rule as the hand-written descriptions (word-set Jaccard below MAX_JACCARD against every benchmark)."""
    close = benchmark_near_copies([f for v in DOMAIN for fs in (v.vp, v.np_, v.el, v.fx) for f in fs])
    assert not close, close[:10]
