"""Synthetic families: every variant draws valid, convention-following tasks whose reference
shader runs on the (software) GPU and matches the family's NumPy oracle; names used in code are
legal WGSL identifiers and appear in the prompt."""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
try:
    import tiny_agent_trainer  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))

from tiny_agent_trainer.dataset import naming as nm  # noqa: E402
from tiny_agent_trainer.dataset.build import pair_record  # noqa: E402
from tiny_agent_trainer.dataset.families import all_variants  # noqa: E402
from tiny_agent_trainer.dataset.generate import Pair, _register_verbs  # noqa: E402
from tiny_agent_trainer.dataset.oracle import parse_bindings, parse_struct_fields  # noqa: E402
from tiny_agent_trainer.dataset.core import MapOp  # noqa: E402
from tiny_agent_trainer.dataset.phrasing import FRAMES, TEST_FRAMES, compose, frames_for, workgroup_mention  # noqa: E402
from tiny_agent_trainer.spec import parse_task  # noqa: E402

VARIANTS = all_variants()
RANK = {"storage,read": 0, "storage,read_write": 1, "uniform": 2}


@pytest.fixture(scope="module")
def runtime(wgpu_runtime):
    """The shared real wgpu runtime (conftest.py); skips without an adapter."""
    return wgpu_runtime


def _samples(v, seed=0):
    _register_verbs(VARIANTS)
    rng = random.Random(f"test/{seed}/{v.id}")
    out = []
    for named in (True, False):
        inst = v.draw(rng, named)
        frame = rng.choice(frames_for(inst, set(FRAMES)))
        out.append((inst, pair_record(Pair(inst, compose(inst, frame, rng), frame, "train", 0), 0)))
    return out


def test_family_coverage():
    fams = {v.family for v in VARIANTS}
    assert {"unary", "binary", "parametric", "constant", "chromatic", "integer", "2d", "reduction", "inplace"} <= fams
    assert len(VARIANTS) >= 200
    assert len(FRAMES) >= 60
    assert 0.15 <= len(TEST_FRAMES) / len(FRAMES) <= 0.3


@pytest.mark.parametrize("v", VARIANTS, ids=[v.id for v in VARIANTS])
def test_every_fragment_names_uniform_fields_in_struct_order(v):
    """Whatever fragment is drawn, the uniform fields are all mentioned, first mentions in struct order."""
    rng = random.Random(f"order/{v.id}")
    for k in range(6):
        inst = v.draw(rng, k % 2 == 0)
        fields = [f for f, _ in re.findall(r"^    (\w+): (\w+),$", inst.code, re.M)]
        if not fields:
            continue
        by_name = {s.later: key for key, s in inst.slots.items() if s.uniform}
        assert set(fields) <= set(by_name), (v.id, fields, by_name)
        for need, frags in inst.forms.items():
            for frag in frags:
                keys = list(dict.fromkeys(re.findall(r"\{(\w+)\}", frag)))
                got = [inst.slots[key].later for key in keys if key in inst.slots and inst.slots[key].uniform]
                assert got == fields, (v.id, need, frag, fields)


def test_workgroup_mention_matches_code():
    rng = random.Random(0)
    hits = 0
    for v in VARIANTS:
        inst = v.draw(rng, True)
        text = workgroup_mention(inst, rng)
        m = re.search(r"@workgroup_size\(([^)]*)\)", inst.code)
        sizes = [t.strip() for t in m.group(1).split(",")]
        if not all(t.isdigit() for t in sizes):
            assert text == ""
            continue
        hits += 1
        assert re.findall(r"\d+", text) == sizes, (text, sizes)
    assert hits > 100


@pytest.mark.parametrize("v", VARIANTS, ids=[v.id for v in VARIANTS])
def test_variant_conventions_and_prompt(v):
    for inst, rec in _samples(v):
        task = parse_task(rec)
        src = task.reference
        assert re.search(r"@compute @workgroup_size\([^)]*\)\nfn main\(@builtin\(global_invocation_id\) gid: vec3<u32>\)", src)
        decl = parse_bindings(src)
        assert sorted(decl) == [b.binding for b in task.buffers]
        ranks = [RANK[decl[b][0]] for b in sorted(decl)]
        assert ranks == sorted(ranks), "bindings must be inputs -> outputs -> uniform"
        for b in task.buffers:
            acc, name, typ = decl[b.binding]
            if b.access == "uniform":
                assert (name, typ) == ("params", "Params")
                fields = parse_struct_fields(src, "Params")
                assert [t for _, t in fields] == list(b.scalars)
                # uniform fields are named in the prompt, in struct order
                pos = [re.search(rf"(?<![\w.]){re.escape(f)}(?!\w)", rec["prompt"]) for f, _ in fields]
                assert all(pos), (rec["prompt"], fields)
                firsts = [p.start() for p in pos]
                assert firsts == sorted(firsts), (rec["prompt"], fields)
            else:
                assert typ == b.type
                if inst.named or b.access == "read_write" and inst.out_named:
                    assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", rec["prompt"]), (name, rec["prompt"])
        for k in ("family", "variant", "oracle", "source", "split", "phrasing"):
            assert rec[k]
        assert "{" not in rec["prompt"] and "}" not in rec["prompt"], rec["prompt"]


@pytest.mark.parametrize("family", sorted({v.family for v in VARIANTS}))
def test_family_runs_against_oracle(family, runtime):
    from tiny_agent_trainer.dataset.verify import check_record

    problems = []
    for v in [v for v in VARIANTS if v.family == family]:
        for _inst, rec in _samples(v, seed=1):
            for p in check_record(rec, runtime, seeds=(5,)):
                problems.append(f"{v.id}: {p}\n{rec['reference']}")
    assert not problems, "\n".join(problems)


def test_name_pools_are_legal_wgsl(runtime):
    names = set(nm.F_IN + nm.F_OUT + nm.C_IN + nm.C_OUT + nm.U_IN + nm.U_OUT + nm.M_IN)
    for pool in (nm.F_PAIRS, nm.C_PAIRS, nm.U_PAIRS, nm.M_PAIRS, nm.P_RANGE, nm.P_SIZE2):
        for pair in pool:
            names.update(pair)
    fields = set(nm.P_SCALE + nm.P_BIAS + nm.P_THRESH + nm.P_T + nm.P_ALPHA + nm.P_POW + nm.P_EDGE + nm.P_SHIFT + nm.P_MASK)
    for v in VARIANTS:  # every parameter pool of every table-driven op
        for p in getattr(v, "params", ()) if isinstance(v, MapOp) else ():
            for n in p.names:
                fields.update(n if isinstance(n, tuple) else (n,))
    rng = random.Random(0)
    for v in VARIANTS:  # names drawn by the class-based variants
        for k in range(8):
            code = v.draw(rng, True).code
            names.update(re.findall(r"var<storage[^>]*> (\w+):", code))
            fields.update(re.findall(r"^    (\w+): \w+,$", code, re.M))
    names -= fields
    assert not (names | fields) & nm.RESERVED
    decls = "\n".join(f"@group(0) @binding({k}) var<storage, read_write> {n}: array<f32>;" for k, n in enumerate(sorted(names)))
    struct = "struct Params {\n" + "".join(f"    {f}: f32,\n" for f in sorted(fields)) + "}\n"
    src = struct + decls + f"\n@group(1) @binding(0) var<uniform> params: Params;\n" \
        "@compute @workgroup_size(1)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {}\n"
    runtime.compile(src)


def test_number_literals():
    assert nm.f32_lit("3") == "3.0"
    assert nm.f32_lit("0.25") == "0.25"
    assert nm.f32_lit("1e-3") == "1e-3"
    assert nm.f32_lit("-2") == "-2.0"
    assert nm.u32_lit("0xFF") == "0xFFu"
    assert nm.third_person("apply relu to x") == "applies relu to x"
    assert nm.gerund("compute the sum") == "computing the sum"
