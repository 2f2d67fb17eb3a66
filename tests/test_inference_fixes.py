"""Name fixes: undeclared identifiers and uniform fields are renamed to declared ones, a repeated
field is dropped; only whole identifiers change; the fixed shaders really validate with naga."""
from tiny_agent_trainer.inference.fixes import name_fixes, rename
from tiny_agent_trainer.validation import validate

HEAD = """@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
"""
BODY = """
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {{
    let i = gid.x;
    if (i >= arrayLength(&{out})) {{ return; }}
    {out}[i] = {expr};
}}
"""
UNI = """struct Params {{
{fields}}};
@group(0) @binding(2) var<uniform> params: Params;
"""


def _first_valid(code):
    res = validate(code, deep=True)
    assert not res.ok
    diags = [d.to_dict() for d in res.diagnostics]
    for cand in name_fixes(code, diags):
        if validate(cand, deep=True).ok:
            return cand
    return None


def test_undeclared_output_becomes_the_read_write_buffer():
    code = HEAD + BODY.format(out="out", expr="src[i] * 2.0")
    fixed = _first_valid(code)
    assert fixed == HEAD + BODY.format(out="dst", expr="src[i] * 2.0")


def test_misspelt_input_is_matched_by_spelling():
    code = HEAD + BODY.format(out="dst", expr="srcs[i] + 1.0")
    assert "dst[i] = src[i] + 1.0;" in _first_valid(code)


def test_unknown_uniform_field_prefers_a_field_never_read():
    fields = "    lo: f32,\n    hi: f32,\n"
    code = HEAD + UNI.format(fields=fields) + BODY.format(out="dst", expr="clamp(src[i], params.lo, params.limit)")
    fixed = _first_valid(code)
    assert "clamp(src[i], params.lo, params.hi)" in fixed


def test_repeated_field_is_dropped():
    fields = "    k: f32,\n    k: f32,\n"
    code = HEAD + UNI.format(fields=fields) + BODY.format(out="dst", expr="src[i] * params.k")
    fixed = _first_valid(code)
    assert fixed is not None and fixed.count("k: f32") == 1


def test_reserved_words_as_names_get_a_trailing_underscore():
    head = HEAD.replace("src", "target")
    fields = "    filter: f32,\n    filter_: f32,\n"
    code = head + UNI.format(fields=fields) + BODY.format(out="dst", expr="target[i] * params.filter")
    # two reserved words: naga reports one at a time, so fixes chain (as Generator._fix_names does)
    step1 = next(name_fixes(code, [d.to_dict() for d in validate(code, deep=True).diagnostics]))
    assert "target_: array<f32>" in step1 and "target_[i]" in step1 and "target[" not in step1
    step2 = next(name_fixes(step1, [d.to_dict() for d in validate(step1, deep=True).diagnostics]))
    assert "filter__: f32" in step2 and "params.filter__" in step2 and validate(step2, deep=True).ok


def test_other_errors_get_no_guess_and_rename_touches_identifiers_only():
    code = HEAD + BODY.format(out="dst", expr="src[i] +* 1.0")
    res = validate(code, deep=True)
    assert list(name_fixes(code, [d.to_dict() for d in res.diagnostics])) == []
    assert rename("let out = 1; // out\nx.out2 = out;", "out", "y") == "let y = 1; // out\nx.out2 = y;"


def test_generator_returns_a_fixed_candidate_marked_as_such():
    from tiny_agent_trainer.inference.api import Generator, Options
    from tiny_agent_trainer.inference.decoding import Hypothesis

    g = Generator.__new__(Generator)
    g.validator = lambda c: validate(c, deep=True)
    g.id = "fake"
    bad = HEAD + BODY.format(out="out", expr="src[i]")
    diags = [d.to_dict() for d in validate(bad, deep=True).diagnostics]
    h = Hypothesis(tokens=[1, 2, 3], logprob=-1.0, score=-1.0, finished=True)
    won = g._fix_names([(h, bad, diags)], {"validate": 0.0})
    assert won.ok and won.fixed and won.code == HEAD + BODY.format(out="dst", expr="src[i]")
    assert g._fix_names([(h, bad, diags)], {"validate": 0.0}, budget=0) is None
    assert Options().fix_names is True


def _tiny_corpus(tmp_path):
    from tiny_agent_trainer.inference.baselines import Example, write_corpus

    add = HEAD + BODY.format(out="dst", expr="src[i] + 1.0")
    neg = HEAD + BODY.format(out="dst", expr="-src[i]")
    path = tmp_path / "retrieval.jsonl.gz"
    n = write_corpus([Example("add one to every element", add, "a"), Example("increment each value by 1", add, "b"),
                      Example("plus one again", add, "c"), Example("negate every element", neg, "d")], path)
    assert n == 3  # at most two prompts per distinct shader
    return path, add, neg


def test_retrieval_fallback_answers_only_with_a_valid_neighbour(tmp_path):
    from tiny_agent_trainer.inference.api import Generation, Generator
    from tiny_agent_trainer.inference.baselines import load_examples

    path, add, neg = _tiny_corpus(tmp_path)
    assert {e.prompt for e in load_examples([path])} == {"add one to every element", "increment each value by 1",
                                                         "negate every element"}
    from tiny_agent_trainer.inference.api import Options

    g = Generator.__new__(Generator)  # no reviewer: the nearest neighbour answers (with one: test_inference_rerank)
    g.validator = lambda c: validate(c, deep=True)
    g.id, g._fallback_corpus, g._retrieval, g.options, g._reviewer_path = "fake", path, None, Options(), None
    failed = Generation(code="broken", ok=False, message="no valid shader could be produced", timings={})
    won = g._fall_back("please negate every element of the buffer", failed)
    assert won.ok and won.source == "retrieval" and won.code == neg
    assert "retrieval fallback" in won.warnings[0]
    g.validator = lambda c: validate(c.replace("-src", "-srcx"), deep=True)  # the neighbour fails validation
    assert g._fall_back("negate every element", failed) is failed


def test_adopt_names_takes_the_donors_buffer_and_field_names():
    from tiny_agent_trainer.inference.fixes import adopt_names

    fields = "    k: f32,\n"
    retrieved = HEAD + UNI.format(fields=fields) + BODY.format(out="dst", expr="src[i] * params.k + 1.0")
    donor = (HEAD.replace("src", "heights").replace("dst", "scaled") + UNI.format(fields="    gain: f32,\n")
             + BODY.format(out="scaled", expr="heights[i] * params.gain"))
    got = adopt_names(retrieved, donor)
    assert got == (HEAD.replace("src", "heights").replace("dst", "scaled") + UNI.format(fields="    gain: f32,\n")
                   + BODY.format(out="scaled", expr="heights[i] * params.gain + 1.0"))
    assert validate(got, deep=True).ok
    assert adopt_names(retrieved, retrieved) == retrieved  # same names: unchanged


def test_adopt_names_refuses_other_interfaces_and_renames_clashing_locals():
    from tiny_agent_trainer.inference.fixes import adopt_names

    one_in = HEAD + BODY.format(out="dst", expr="src[i]")
    two_in = ("@group(0) @binding(0) var<storage, read> a: array<f32>;\n"
              "@group(0) @binding(1) var<storage, read> b: array<f32>;\n"
              "@group(0) @binding(2) var<storage, read_write> c: array<f32>;\n" + BODY.format(out="c", expr="a[i]"))
    assert adopt_names(one_in, two_in) is None  # different bindings
    u32 = HEAD.replace("array<f32>", "array<u32>") + BODY.format(out="dst", expr="src[i]")
    assert adopt_names(one_in, u32) is None  # different element type
    clash = HEAD + BODY.format(out="dst", expr="src[i] * v").replace("let i = gid.x;", "let i = gid.x;\n    let v = 2.0;")
    donor = HEAD.replace("src", "v") + BODY.format(out="dst", expr="v[i]")
    got = adopt_names(clash, donor)  # `v` is a local of the retrieved shader: the local becomes v_tmp first
    assert got == HEAD.replace("src", "v") + BODY.format(out="dst", expr="v[i] * v_tmp").replace(
        "let i = gid.x;", "let i = gid.x;\n    let v_tmp = 2.0;")
    assert validate(got, deep=True).ok
    builtin = HEAD + BODY.format(out="dst", expr="exp(src[i])")
    assert adopt_names(builtin, HEAD.replace("src", "exp") + BODY.format(out="dst", expr="exp[i]")) is None  # a builtin
    swap = HEAD.replace("src", "tmp").replace("dst", "src").replace("tmp", "dst")  # names swapped
    assert adopt_names(HEAD + BODY.format(out="dst", expr="src[i]"), swap + BODY.format(out="src", expr="dst[i]")) \
        == swap + BODY.format(out="src", expr="dst[i]")


def test_adopt_numbers_replaces_drifted_constants_in_order():
    from tiny_agent_trainer.inference.fixes import adopt_numbers

    code = HEAD + BODY.format(out="dst", expr="clamp(src[i], -1.5, 1.5)")
    fixed = adopt_numbers(code, "Clamp src to the range [-12.5, 12.5] into dst.")
    assert fixed == HEAD + BODY.format(out="dst", expr="clamp(src[i], -12.5, 12.5)") and validate(fixed, deep=True).ok
    two = HEAD + BODY.format(out="dst", expr="src[i] * 0.5 + 2.0")
    assert "src[i] * 3.0 + 4.0" in adopt_numbers(two, "scale src by 3 and add 4, into dst")
    # nothing drifted, structural constants (0.0, 1.0) untouched, unequal counts: no rewrite
    assert adopt_numbers(HEAD + BODY.format(out="dst", expr="src[i] * 3.7"), "scale by 3.7") is None
    assert adopt_numbers(HEAD + BODY.format(out="dst", expr="1.0 - src[i]"), "invert with 0.25 and 0.5") is None
    assert adopt_numbers(HEAD + BODY.format(out="dst", expr="src[i] * 2.5 + 0.5"), "scale by 3.7") is None


def test_adopt_integers_replaces_drifted_whole_numbers_keeping_suffixes():
    """Seventeenth session: "clamp(a - b, -128, 127)" answered with the i16 range; bindings, workgroup sizes and
    array lengths are not the prompt's numbers, and a shader with loops or workgroup memory is left alone."""
    from tiny_agent_trainer.inference.fixes import adopt_integers, adopt_numbers, adopt_prompt_numbers

    ints = HEAD.replace("f32", "i32")
    code = ints + BODY.format(out="dst", expr="clamp(src[i], -32768, 32767)")
    fixed = adopt_integers(code, "saturate into the int8 range: dst = clamp(src, -128, 127), i32 buffers")
    assert fixed == ints + BODY.format(out="dst", expr="clamp(src[i], -128, 127)") and validate(fixed, deep=True).ok
    u32 = HEAD.replace("f32", "u32")
    capped = adopt_integers(u32 + BODY.format(out="dst", expr="min(src[i] + 1u, 255u)"), "add one, capped at 99")
    assert capped is not None and "min(src[i] + 1u, 99u)" in capped  # the suffix stays; 1 is structural
    assert adopt_integers(u32 + BODY.format(out="dst", expr="min(src[i], 99u)"), "cap at 99 with 64 threads") is None
    assert adopt_integers(u32 + BODY.format(out="dst", expr="src[i] >> 3u"), "shift right by 4 and by 5") is None
    folded = u32 + BODY.format(out="dst", expr="(src[i] >> 16u) ^ (src[i] & 65535u)")  # 0xFFFF is 65535, and
    assert adopt_integers(folded, "dst = (src >> 16) ^ (src & 0xFFFF): fold each 32-bit hash") is None  # 32-bit: a word
    loop = u32 + BODY.format(out="dst", expr="src[i]").replace("let i = gid.x;", "let i = gid.x;\n    for (var k = 0u; k < 8u; k++) { }")
    assert adopt_integers(loop, "sum 16 values") is None
    # floats first (here they do not fit: two prompt numbers, one drifted float), then whole numbers
    mixed = u32 + BODY.format(out="dst", expr="u32(f32(src[i]) * 0.5) + 7u")
    assert "u32(f32(src[i]) * 0.5) + 9u" in adopt_prompt_numbers(mixed, "scale by 0.25 then add 9")
    floats = HEAD + BODY.format(out="dst", expr="clamp(src[i], -1.5, 1.5)")
    assert adopt_prompt_numbers(floats, "clamp to [-12.5, 12.5]") == adopt_numbers(floats, "clamp to [-12.5, 12.5]")


def test_adopt_names_leaves_member_accesses_alone_and_renames_fields_only_as_fields():
    from tiny_agent_trainer.inference.fixes import adopt_names

    code = ("struct P {\n    x: f32,\n}\n"
            "@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> out: array<f32>;\n"
            "@group(0) @binding(2) var<uniform> p: P;\n"
            "fn main(@builtin(global_invocation_id) gid: vec3<u32>) { let i = gid.x; out[i] = x[i] * p.x; }\n")
    donor = code.replace("read> x:", "read> heights:").replace("write> out:", "write> scaled:").replace(
        "    x: f32,", "    gain: f32,")
    got = adopt_names(code, donor)
    assert got == ("struct P {\n    gain: f32,\n}\n"
                   "@group(0) @binding(0) var<storage, read> heights: array<f32>;\n"
                   "@group(0) @binding(1) var<storage, read_write> scaled: array<f32>;\n"
                   "@group(0) @binding(2) var<uniform> p: P;\n"
                   "fn main(@builtin(global_invocation_id) gid: vec3<u32>) { let i = gid.x; scaled[i] = heights[i] * "
                   "p.gain; }\n")



def test_as_float_retypes_integer_storage_and_literals_but_not_atomics_or_bit_patterns():
    from tiny_agent_trainer.inference.fixes import as_float

    code = ("@group(0) @binding(0) var<storage, read> a: array<u32>;\n"
            "@group(0) @binding(1) var<storage, read> b: array<u32>;\n"
            "@group(0) @binding(2) var<storage, read_write> out: array<u32>;\n\n"
            "@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
            "    let i = gid.x;\n    if (i >= arrayLength(&out)) { return; }\n    out[i] = max(a[i], b[i]) + 1u;\n}\n")
    var = as_float(code)
    assert var == code.replace("array<u32>", "array<f32>").replace("1u;", "1.0;")  # gid stays vec3<u32>
    assert validate(var, deep=True).ok
    assert as_float(var) is None  # nothing integer left
    assert as_float(code.replace("+ 1u", "& 0xFFu")) is None  # a bit pattern is no float
    hist = code.replace("read_write> out: array<u32>", "read_write> out: array<atomic<u32>>")
    assert "array<atomic<u32>>" in as_float(hist)


def test_well_known_constants_never_drift_to_a_prompt_number():
    from tiny_agent_trainer.inference.fixes import adopt_numbers

    code = ("@group(0) @binding(0) var<storage, read> a: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> b: array<f32>;\n"
            "fn main() {\n    let i = 0u;\n    b[i] = a[i] * 180.0 / 3.141592653589793;\n}\n")
    assert adopt_numbers(code, "angles reach +/-20 rad; convert them to degrees (180 / pi)") is None  # not pi -> 20
    drifted = code.replace("3.141592653589793", "2.75")
    assert "3.5" in adopt_numbers(drifted, "scale by 180 / 3.5")  # a drifted digit still takes the prompt's
