"""Formula candidates (`inference/formula.py`): prompts that spell out an elementwise formula become a
conventions-following kernel that naga accepts and that computes what a hand-written reference computes
(run on the wgpu adapter, the software one in CI); prompts outside its scope get no candidate.
The prompts here are written for this test, not taken from any benchmark."""
from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tiny_agent_trainer.evaluation.judge import judge_source
from tiny_agent_trainer.evaluation.runner import load_tasks
from tiny_agent_trainer.inference.formula import formula_candidates

HEAD = "@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n    let i = gid.x;\n"

# (prompt, reference body line, inputs, output, uniforms with values, in place)
CASES = [
    ("Kinetic energy per particle: energy = 0.5 * mass * vel * vel, where mass and vel are arrays.",
     "energy[i] = 0.5 * mass[i] * vel[i] * vel[i];", ["mass", "vel"], "energy", [], False),
    ("Soft clipping for audio: out_sig = drive * tanh(in_sig / drive), drive being a uniform (around 2.0).",
     "out_sig[i] = params.drive * tanh(in_sig[i] / params.drive);", ["in_sig"], "out_sig", [("drive", 2.0)], False),
    ("Shift the `readings` buffer in place: readings += bias, with bias passed as a uniform float.",
     "readings[i] = readings[i] + params.bias;", [], "readings", [("bias", 0.75)], True),
    ("For each value in `levels`, write v * v * (3 - 2 * v) into `eased`.",
     "eased[i] = levels[i] * levels[i] * (3.0 - 2.0 * levels[i]);", ["levels"], "eased", [], False),
    ("Leaky activation from `pre` to `post`: post = pre if pre > 0 else slope * pre; slope is a uniform.",
     "post[i] = select(params.slope * pre[i], pre[i], pre[i] > 0.0);", ["pre"], "post", [("slope", 0.05)], False),
    ("gap = |lhs - rhs| for two equal-length arrays lhs and rhs",
     "gap[i] = abs(lhs[i] - rhs[i]);", ["lhs", "rhs"], "gap", [], False),
    ("Damped oscillation over the sample times in `ts`: y = amp * exp(-k * ts) * cos(w * ts). amp, k and w "
     "are uniforms.", "y[i] = params.amp * exp(-params.k * ts[i]) * cos(params.w * ts[i]);", ["ts"], "y",
     [("amp", 1.5), ("k", 0.4), ("w", 3.0)], False),
    # indexed elements, and no output named: the conventions' default name
    ("Given arrays lows and highs, compute highs[i] - lows[i] at every position.",
     "out[i] = highs[i] - lows[i];", ["lows", "highs"], "out", [], False),
    # a function applied to a name, and a formula that opens the prompt
    ("softsign raw_in -> squashed", "squashed[i] = raw_in[i] / (1.0 + abs(raw_in[i]));", ["raw_in"], "squashed", [], False),
    ("np.fmax(left_v, right_v) -> biggest", "biggest[i] = max(left_v[i], right_v[i]);", ["left_v", "right_v"], "biggest",
     [], False),
    # the element index itself: the other names are scalars, even one called like a WGSL builtin
    ("Fill a ramp where element i is base + i * step, base and step passed in.",
     "out[i] = params.base + f32(i) * params.step;", [], "out", [("base", 0.5), ("step", 0.25)], False),
    # eleventh session: a bare rule in one placeholder, a bound after the formula, steps and constants
    ("Bend the tape samples with the curve 1.25*s - 0.25*s^3 please",
     "out[i] = 1.25 * s[i] - 0.25 * (s[i] * s[i] * s[i]);", ["s"], "out", [], False),
    ("Health tick: hp += regen but never past hp_max; hp is a float buffer updated in place, regen and hp_max are "
     "uniforms", "hp[i] = min(hp[i] + params.regen, params.hp_max);", [], "hp", [("regen", 0.5), ("hp_max", 1.0)], True),
    ("Blend: w = 0.5 * (1 + tanh(s)); out = w * a + (1 - w) * b, for the arrays s, a and b",
     "let w = 0.5 * (1.0 + tanh(s[i]));\n    out[i] = w * a[i] + (1.0 - w) * b[i];", ["s", "a", "b"], "out", [], False),
    ("Smooth minimum of the arrays p and q (k = 0.5): h = clamp(0.5 + 0.5*(q - p)/k, 0, 1); m = mix(q, p, h) - k*h*(1 - h)",
     "let h = clamp(0.5 + 0.5 * (q[i] - p[i]) / 0.5, 0.0, 1.0);\n    m[i] = mix(q[i], p[i], h) - 0.5 * h * (1.0 - h);",
     ["p", "q"], "m", [], False),
    # fourteenth session: a |label| = formula, numpy's where, "the output buffer is" and a short name used only in
    # the formula standing for the input the prose names
    ("For the bins in `real_part` and `imag_part`, the modulus |c| = sqrt(real_part^2 + imag_part^2) of each goes "
     "into `modulus`.", "modulus[i] = sqrt(real_part[i] * real_part[i] + imag_part[i] * imag_part[i]);",
     ["real_part", "imag_part"], "modulus", [], False),
    ("Guarded reciprocal from `den_in` to `recip`: recip = np.where(den_in == 0, 0, 1 / den_in)",
     "recip[i] = select(1.0 / den_in[i], 0.0, den_in[i] == 0.0);", ["den_in"], "recip", [], False),
    ("Fold the angles in theta_in into [0, 1): y = a - floor(a). The output buffer is theta_out.",
     "theta_out[i] = theta_in[i] - floor(theta_in[i]);", ["theta_in"], "theta_out", [], False),
    # the buffers listed in a sentence of their own are bound in that order, not in the formula's
    ("Per-bin gain: gain_db = 20 * log(wet / dry) / log(10.0), where dry and wet are f32 buffers.",
     "gain_db[i] = 20.0 * log(wet[i] / dry[i]) / log(10.0);", ["dry", "wet"], "gain_db", [], False),
    ("Wrap the readings in raw_th into [-1, 1): w = t - 2 * floor((t + 1) / 2). The output buffer is wrapped_th.",
     "wrapped_th[i] = raw_th[i] - 2.0 * floor((raw_th[i] + 1.0) / 2.0);", ["raw_th"], "wrapped_th", [], False),
    # `f32(i)` written out, and the uniform's fields in the order of the clause that lists them
    ("Make a ramp in `xs`: xs[i] = start + f32(i) * step_size. No inputs; the uniform holds `start` then `step_size`.",
     "xs[i] = params.start + f32(i) * params.step_size;", [], "xs", [("start", 0.5), ("step_size", 0.25)], False),
    ("Gain stage with a threshold and a gain. Uniform fields, in order: gain (f32), threshold (f32). "
     "out_v = max(in_v - threshold, 0) * gain for the buffers in_v and out_v.",
     "out_v[i] = max(in_v[i] - params.threshold, 0.0) * params.gain;", ["in_v"], "out_v",
     [("gain", 2.0), ("threshold", 0.1)], False),
    # eighteenth session: short names standing for one word of a backticked name, a backticked target kept,
    # "the only uniform", uniform fields with notes in parentheses, a lone "height" that is not a grid's
    ("ratio of `sell_total` over `buy_total` into `margin`: margin = (sell - buy) / buy",
     "margin[i] = (sell_total[i] - buy_total[i]) / buy_total[i];", ["sell_total", "buy_total"], "margin", [], False),
    ("Fade the `echo` buffer in place: echo[i] *= fb. fb is the only uniform value.",
     "echo[i] = echo[i] * params.fb;", [], "echo", [("fb", 0.5)], True),
    ("Ball height after a while. Inputs: `y0` (start height) and `vy` (upward speed). Uniform params: `dt` (seconds "
     "since launch) and `grav` (a positive acceleration). Output: `y` = y0 + vy*dt - grav*dt²/2.",
     "y[i] = y0[i] + vy[i] * params.dt - params.grav * (params.dt * params.dt) / 2.0;", ["y0", "vy"], "y",
     [("dt", 0.5), ("grav", 9.8)], False),
    # "read `a`, write `b`" name the input and the output; the name after an arrow starts the map
    ("Rational squash as a kernel: read `raw_lvl`, write `soft_lvl`, every value v -> v / (1 + v * v).",
     "soft_lvl[i] = raw_lvl[i] / (1.0 + raw_lvl[i] * raw_lvl[i]);", ["raw_lvl"], "soft_lvl", [], False),
]


def _reference(inputs, output, uniforms, body, in_place) -> str:
    lines = []
    if uniforms:
        lines += ["struct Params {"] + [f"    {u}: f32," for u, _ in uniforms] + ["};", ""]
    k = 0
    for b in inputs:
        lines.append(f"@group(0) @binding({k}) var<storage, read> {b}: array<f32>;")
        k += 1
    lines.append(f"@group(0) @binding({k}) var<storage, read_write> {output}: array<f32>;")
    if uniforms:
        lines.append(f"@group(0) @binding({k + 1}) var<uniform> params: Params;")
    return "\n".join(lines) + "\n\n" + HEAD + f"    if (i >= arrayLength(&{output})) {{ return; }}\n    {body}\n}}\n"


def _task_toml(tid, prompt, inputs, output, uniforms, body, in_place) -> str:
    ref = _reference(inputs, output, uniforms, body, in_place)
    out = [f'[[task]]\nid = "{tid}"\ncategory = "formula"\nprompt = """{prompt}"""\nthreads = [300]\n'
           f"reference = '''\n{ref}'''\n"]
    k = 0
    for _ in inputs:
        out.append(f'[[task.buffers]]\nbinding = {k}\naccess = "read"\ntype = "array<f32>"\ncount = 300\n'
                   f'fill = "uniform(-2,2)"\n')
        k += 1
    fill = "uniform(-2,2)" if in_place else "zeros"
    out.append(f'[[task.buffers]]\nbinding = {k}\naccess = "read_write"\ntype = "array<f32>"\ncount = 300\nfill = "{fill}"\n')
    if uniforms:
        out.append(f'[[task.buffers]]\nbinding = {k + 1}\naccess = "uniform"\nscalars = {["f32"] * len(uniforms)}\n'
                   f"values = {[v for _, v in uniforms]}\n".replace("'", '"'))
    return "\n".join(out)


def load_cases(cases, directory, prefix: str):
    """The benchmark tasks of `cases` (prompt, body, inputs, output, uniforms, in place), ids prefix0, prefix1..."""
    path = directory / f"{prefix}.toml"
    path.write_text("\n".join(_task_toml(f"{prefix}{k}", p, ins, o, u, body, ip)
                              for k, (p, body, ins, o, u, ip) in enumerate(cases)))
    return load_tasks(path)


@pytest.fixture(scope="module")
def tasks(tmp_path_factory):
    return load_cases(CASES, tmp_path_factory.mktemp("formula"), "f")


@pytest.mark.parametrize("k", range(len(CASES)))
def test_a_spelled_out_formula_becomes_a_kernel_that_matches_a_hand_written_reference(k, tasks):
    prompt, body, inputs, output, uniforms, in_place = CASES[k]
    codes = formula_candidates(prompt)
    assert codes, prompt
    assert codes[0] == _reference(inputs, output, uniforms, body, in_place)  # conventions: bindings, names, style
    assert judge_source(tasks[k], codes[0]) == "pass"  # and it runs, on wgpu, like the reference


def test_a_group_inside_a_call_is_not_a_rule_of_its_own():
    # "(t + 1)" is floor's argument, not the map, even after an interval "[-1, 1)" that leaves a parenthesis open
    codes = formula_candidates("Wrap the readings in raw_th into [-1, 1): w = t - 2 * floor((t + 1) / 2). "
                               "The output buffer is wrapped_th.")
    assert len(codes) == 1 and "floor" in codes[0]


def test_operator_precedence_and_functions_are_written_the_wgsl_way():
    code = formula_candidates("out = (a + b) * c - (d - f) / g, elementwise over the arrays a, b, c, d, f and g")[0]
    assert "out[i] = (a[i] + b[i]) * c[i] - (d[i] - f[i]) / g[i];" in code
    code = formula_candidates("res = -(p * q) + p ** 2 + np.sqrt(q) where p and q are input arrays")[0]
    assert "res[i] = -(p[i] * q[i]) + p[i] * p[i] + sqrt(q[i]);" in code
    code = formula_candidates("gate = relu6(pre + 3) / 6 for the input buffer pre")[0]
    assert "gate[i] = clamp(pre[i] + 3.0, 0.0, 6.0) / 6.0;" in code
    code = formula_candidates("sq = F.mse_loss(pred, truth, reduction='none') over arrays pred and truth")[0]
    assert "sq[i] = (pred[i] - truth[i]) * (pred[i] - truth[i]);" in code


def test_maths_notation_powers_and_implicit_products():
    code = formula_candidates("eased = 3t^2 - 2t^3 for every t in the buffer `ramp`")[0]
    assert "eased[i] = 3.0 * (ramp[i] * ramp[i]) - 2.0 * (ramp[i] * ramp[i] * ramp[i]);" in code  # no pow(): NaN below 0
    code = formula_candidates("Convert decibels to amplitude: amp = 10^(db / 20), reading the array db")[0]
    assert "amp[i] = pow(10.0, db[i] / 20.0);" in code
    code = formula_candidates("y = 1e-3 * x² + 2(x + 1) for the input buffer x")[0]  # 1e-3 stays a number
    assert "y[i] = 0.001 * (x[i] * x[i]) + 2.0 * (x[i] + 1.0);" in code


def test_a_rule_in_words_if_then_else_is_a_select():
    """Seventeenth session: piecewise rules written "if ... then ..., else ..." (sRGB, leaky ReLU)."""
    code = formula_candidates("leaky relu from pre into post: post = if pre > 0 then pre else 0.1 * pre.")[0]
    assert "post[i] = select(0.1 * pre[i], pre[i], pre[i] > 0.0);" in code
    code = formula_candidates("Decode `enc` into `lin`, per element c: if c <= 0.04 then c / 12.92, else c * c.")[0]
    assert "lin[i] = select(enc[i] * enc[i], enc[i] / 12.92, enc[i] <= 0.04);" in code  # `c`: a placeholder


def test_a_bare_rule_over_buffers_the_prompt_names():
    """Seventeenth session: no `=`, no arrow, but every name of the rule is a buffer the prompt names."""
    code = formula_candidates("FFT bins in two float arrays, `re` and `im`. Write the phase atan2(im, re) of each bin to "
                              "`phase`.")[0]
    assert "phase[i] = atan2(im[i], re[i]);" in code and code.index("> re:") < code.index("> im:")
    assert formula_candidates("the speed is (boost + drift) for the player") == []  # plain words, no buffers


def test_a_signed_integer_formula_is_transcribed_in_i32(wgpu_runtime):
    """Seventeenth session: i32 formulas (before, only f32 and u32 ones were transcribed)."""
    code = formula_candidates("Saturate the accumulators to the int8 range: q[i] = clamp(acc[i], -128, 127). acc and q "
                              "are both array<i32>.")[0]
    assert "array<i32>" in code and "q[i] = clamp(acc[i], -128, 127);" in code
    wgpu_runtime.compile(code)
    code = formula_candidates("signed ints: dist[i] = |lhs[i] - rhs[i]|, with lhs and rhs i32 arrays")[0]
    assert "dist[i] = abs(lhs[i] - rhs[i]);" in code
    wgpu_runtime.compile(code)
    assert formula_candidates("q[i] = clamp(acc[i], -128, 127) for i32 acc, as f32 q") == []  # floats too: neither
    assert formula_candidates("q[i] = acc[i] * 0.5 for the i32 buffer acc") == []  # a fraction has no place in it


def test_uniform_fields_follow_the_order_the_prompt_mentions_them():
    code = formula_candidates("Given uniforms lo and hi, write out = clamp(x, lo, hi) for the input buffer x.")[0]
    assert "struct Params {\n    lo: f32,\n    hi: f32,\n};" in code and "clamp(x[i], params.lo, params.hi)" in code
    assert code.index("var<storage, read> x") < code.index("read_write> out") < code.index("var<uniform> params")


@pytest.mark.parametrize("prompt", [
    "Add the arrays a and b element by element.",  # no formula
    "Sum the 256 values with one workgroup reduction: total = a + b",  # a reduction, not an elementwise map
    "Convert each RGBA pixel to grey: g = 0.299 * r + 0.587 * g + 0.114 * b",  # colours are vec4, not f32
    "For the i32 values w, compute out = w * 0.5",  # a fraction in a signed integer formula
    "For the u32 words w, compute out = w * 0.5",  # a fraction in an integer formula
    "y = wobble(x) for the input buffer x",  # a function nobody defined
    "params = x * 2 for the array x",  # a name the conventions reserve
])
def test_no_candidate_outside_the_scope(prompt):
    assert formula_candidates(prompt) == []


def test_a_neighbour_element_is_out_of_scope_not_the_element_itself():
    prompt = "3-tap smoothing with weights w0, w1, w2 as parameters: out[i] = w0 * x[i-1] + w1 * x[i] + w2 * x[i+1]"
    assert formula_candidates(prompt) == []  # x[i-1] is not x[i]
    assert "out[i] = w0[i] * x[i] + 1.0;" in formula_candidates("out[i] = w0[i] * x[i] + 1 for arrays w0 and x")[0]


U32_TASK = """
[[task]]
id = "xs"
category = "integer"
prompt = "x"
threads = [300]
reference = '''
@group(0) @binding(0) var<storage, read> words: array<u32>;
@group(0) @binding(1) var<storage, read_write> mixed: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&mixed)) { return; }
    mixed[i] = (words[i] ^ (words[i] >> 15u)) * 2654435761u;
}
'''
[[task.buffers]]
binding = 0
access = "read"
type = "array<u32>"
count = 300
fill = "randint(0,4000000000)"
[[task.buffers]]
binding = 1
access = "read_write"
type = "array<u32>"
count = 300
fill = "zeros"
"""


def test_an_integer_formula_over_unsigned_words_becomes_a_u32_kernel(tmp_path):
    path = tmp_path / "u32.toml"
    path.write_text(U32_TASK)
    task = load_tasks(path)[0]
    codes = formula_candidates("mix the u32 words: mixed = (words XOR (words >> 15)) * 2654435761")
    assert codes and "var<storage, read> words: array<u32>" in codes[0] and "read_write> mixed: array<u32>" in codes[0]
    assert "mixed[i] = (words[i] ^ (words[i] >> 15u)) * 2654435761u;" in codes[0]  # WGSL wants ( ) around bit ops
    assert judge_source(task, codes[0]) == "pass"
    code = formula_candidates("out = (v & mask) | 1 for the unsigned words v; mask is a u32 uniform")[0]
    assert "mask: u32," in code and "out[i] = (v[i] & params.mask) | 1u;" in code


def test_names_written_only_in_the_formula_stand_for_the_buffers_the_prompt_names():
    code = formula_candidates("MIDI note -> Hz: f = 440 * 2^((n - 69) / 12). Notes in `notes`, frequencies to `freqs`.")[0]
    assert "read> notes" in code and "read_write> freqs" in code  # n and f are only the formula's names
    assert "freqs[i] = 440.0 * pow(2.0, (notes[i] - 69.0) / 12.0);" in code
    code = formula_candidates("P = V^2 / R, voltages first, then resistances")[0]  # no buffer named: the names are
    assert code.index("read> V") < code.index("read> R") < code.index("read_write> P") and "P[i] = V[i] * V[i] / R[i];" in code
    code = formula_candidates("out = u * v")[0]
    assert "out[i] = u[i] * v[i];" in code
    code = formula_candidates("Convert decibels to amplitude: amp = 10^(db / 20), reading the array db")[0]
    assert "amp[i] = pow(10.0, db[i] / 20.0);" in code  # "to amplitude" is a word, not an output's name


def test_arrow_maps_constants_and_comments():
    code = formula_candidates("t -> 1.0 - pow(1.0 - t, 3.0)   // ease out")[0]
    assert "read> t" in code and "read_write> out" in code and "out[i] = 1.0 - pow(1.0 - t[i], 3.0);" in code
    code = formula_candidates("a, b -> sqrt(a * b)")[0]
    assert "out[i] = sqrt(a[i] * b[i]);" in code
    code = formula_candidates("growth = e^(k * x) for every x of the buffer `xs`; k is a uniform")[0]
    assert "growth[i] = exp(params.k * xs[i]);" in code
    code = formula_candidates("phase_out = sin(2 * pi * ph) for the buffer ph")[0]
    assert "phase_out[i] = sin(2.0 * 3.141592653589793 * ph[i]);" in code


def test_a_bare_rule_in_one_placeholder_is_the_map():
    code = formula_candidates("Bend the tape samples with the curve 1.25*s - 0.25*s^3 please")[0]
    assert "read> s" in code and "read_write> out" in code
    assert "out[i] = 1.25 * s[i] - 0.25 * (s[i] * s[i] * s[i]);" in code  # a small power is a product: pow() is NaN below 0
    code = formula_candidates("Swap every float for its inverse 1/v")[0]
    assert "out[i] = 1.0 / v[i];" in code


@pytest.mark.parametrize("prompt", [
    "Clamp each value into [0, 1] and then apply the curve 3t^2 - 2t^3",  # one step of two
    "halve each count if it is even, otherwise 3n + 1",  # one branch
    "quadratic part 0.5*r*r inside the band, linear outside",  # one piece
    "gain = 1 / (1 + g) for the array g",  # "(1 + g)" is a group inside the rule, not a rule of its own
    "out = 0.2 r + 0.7 g for every r, g",  # "g + ..." starts after a number: part of a longer rule
    "smooth the 1D signal x",  # "1D" is a word, not 1 * D
])
def test_a_bare_rule_needs_the_whole_prompt_to_be_that_map(prompt):
    assert all("out[i] = 1.0 + g[i]" not in c and "3.0 * n[i] + 1.0" not in c and "0.5 * r[i] * r[i]" not in c
               and "* t[i] * t[i] * t[i]" not in c and "D[i]" not in c for c in formula_candidates(prompt))


def test_a_bare_rule_updates_the_buffer_the_prompt_names_in_place():
    code = formula_candidates("turn off the lowest set bit of each u32 in the flags buffer, in place (x & (x - 1))")[0]
    assert "read_write> flags: array<u32>" in code and "read>" not in code
    assert "flags[i] = flags[i] & (flags[i] - 1u);" in code


def test_a_rule_on_the_left_of_an_arrow_writes_the_name_on_its_right(tmp_path):
    code = formula_candidates("elementwise num ** den -> res")[0]
    assert code.index("read> num") < code.index("read> den") < code.index("read_write> res")
    assert "res[i] = pow(num[i], den[i]);" in code
    code = formula_candidates("x / y -> z, elementwise")[0]
    assert "z[i] = x[i] / y[i];" in code


def test_a_bound_written_after_the_formula_wraps_it():
    code = formula_candidates("Mana tick: mp += refill but never past mp_max. mp is a float buffer updated in place; "
                              "refill and mp_max are uniforms")[0]
    assert "mp[i] = min(mp[i] + params.refill, params.mp_max);" in code and "read>" not in code
    assert "q[i] = min(n[i] / d[i], 30.0);" in formula_candidates("q = n / d, capped at 30, for the arrays n and d")[0]
    assert "y[i] = clamp(x[i] * params.k, -1.0, 1.0);" in formula_candidates("y = x * k, then clamp to [-1, 1]; k is a uniform")[0]
    assert "db[i] = max(20.0 * (log(a[i]) / log(10.0)), -96.0);" in formula_candidates(
        "db = 20 * log10(a) but never below -96, a is the input buffer")[0]
    assert "min(" not in formula_candidates("y = x * 2 but do it fast, for the buffer x")[0]  # no bound: as written


def test_a_function_definition_is_a_map_and_a_reserved_word_is_still_a_name():
    code = formula_candidates("h(t) = 20*t - 4.9*t*t for each t in `times`")[0]
    assert "read> times" in code and "out[i] = 20.0 * times[i] - 4.9 * times[i] * times[i];" in code
    code = formula_candidates("normalize: z = (x - mean) / std, where mean and std are uniforms")[0]
    assert "std_v: f32," in code and "z[i] = (x[i] - params.mean) / params.std_v;" in code  # WGSL reserves `std`


@pytest.mark.parametrize("prompt, line", [
    ("Shader where every thread does out[i] = x[i] > 0 ? x[i] : slope * x[i]; slope comes from a uniform buffer",
     "out[i] = select(params.slope * x[i], x[i], x[i] > 0.0);"),  # C's ternary; "comes from a uniform"
    ("please apply exp(-x) to each item of vals", "out[i] = exp(-vals[i]);"),  # a map over every item: `out`
    ("log1p applied to inp -> dst", "dst[i] = log(1.0 + inp[i]);"),
    ("The i-th element of `res` is m[i] + (n[i] - m[i]) * `t`. Here `t` is a parameter.",
     "res[i] = m[i] + (n[i] - m[i]) * params.t;"),  # "i-th" is a word; backticks inside the formula
    ("Each element of dest becomes p[i] + (q[i] - p[i]) * w. (w is a uniform.)", "dest[i] = p[i] + (q[i] - p[i]) * params.w;"),
    ("loss = -(y*ln(p) + (1-y)*ln(1-p)). First input p = probabilities, second y = targets.",
     "loss[i] = -(y[i] * log(p[i]) + (1.0 - y[i]) * log(1.0 - p[i]));"),
])
def test_more_of_the_ways_people_write_a_formula(prompt, line):
    codes = formula_candidates(prompt)
    assert codes and line in codes[0], codes


def test_the_first_and_second_inputs_are_bound_in_the_order_stated():
    code = formula_candidates("loss = -(y*ln(p) + (1-y)*ln(1-p)). First input p = probabilities, second y = targets.")[0]
    assert code.index("read> p") < code.index("read> y")


@pytest.mark.parametrize("prompt", [
    "vmin and vmax are given as arguments - part of a particle system.",  # a dash between words
    "in: x / out: y / the gaussian of every value of x",  # labels, not x / out
    "compute shader - per-element abs of `a` into `b`",  # hyphenated words
    "kernel - compute the remainder of s / t -> dest",  # an argument of "remainder of"
    "The element-wise max of |p| and |q| -> r",  # more than the part after "and"
    "wgsl h-swish applied to x into y",  # hard swish is not swish
])
def test_prose_is_not_read_as_a_formula(prompt):
    assert all("part[i]" not in c and "out[i];" not in c.split("=")[-1] and "per[i]" not in c and "kernel[i]" not in c
               and "s[i] / t[i]" not in c and "= abs(q[i])" not in c and "exp(-x[i])" not in c
               for c in formula_candidates(prompt)), formula_candidates(prompt)


@pytest.mark.parametrize("prompt, line", [
    ("Element-wise: out[i] = t*t*(3 - 2t) with t = clamp(x[i], 0, 1).",
     "let t = clamp(x[i], 0.0, 1.0);\n    out[i] = t * t * (3.0 - 2.0 * t);"),  # a step defined after its use
    ("u + 1.5 into u, for a game", "u[i] = u[i] + 1.5;"),  # into the buffer it reads: in place
    ("for i in 0..n: input[i] = input[i] * k. Here k is a parameter.", "input[i] = input[i] * params.k;"),
    ("compute result[i] = min(a[i] + b[i], 0xFFFFFFFF) for all i", "result[i] = min(a[i] + b[i], 4294967295u);"),
])
def test_steps_defined_later_in_place_maps_nouns_as_names_and_hex_words(prompt, line):
    codes = formula_candidates(prompt)
    assert codes and line in codes[0], codes


@pytest.mark.parametrize("prompt", [
    "Clipped ReLU of vals => out_data",  # not relu
    "apply the 1D filter (1, 1, 1) to x into y",  # "1D" is a word
    "apply the 3x3 filter weights to img into dest",
    "evaluate the base-2 exponential of `u` into `r`",  # "base-2" is a word
    "maps the buffer logits through inverse square root into dest",  # "square root" is not square(root)
])
def test_more_prose_that_is_not_a_formula(prompt):
    assert all("max(vals[i], 0.0)" not in c and "D[i]" not in c and "x3[i]" not in c and "base[i]" not in c
               and "root[i]" not in c for c in formula_candidates(prompt)), formula_candidates(prompt)


_FUZZ_WORDS = ("x y a b c t s v n k i out in rgb r g b 0 1 2 3.5 0x1F 28u 1e-3 pi e ( ) [ ] | ^ ** * / + - % & << >> ~ "
               "? : = += -= -> , ; . ` sqrt( exp( clamp( max( mix( relu6( f(x) h(t) each every of to into in-place "
               "per-element u32 f32 rgba pixel channel uniform params with then but never past capped at [0, 1] std "
               "target").split()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(words="1 [ b ] | params ? , every mix( f(x) then | += / << / in ^ ; f32".split())  # once raised Reject
@given(words=st.lists(st.sampled_from(_FUZZ_WORDS), min_size=1, max_size=25))
def test_any_prompt_gives_kernels_or_nothing_never_an_error(words):
    from tiny_agent_trainer.inference.colour_formula import colour_candidates

    prompt = " ".join(words)
    for code in formula_candidates(prompt) + colour_candidates(prompt):
        assert "fn main(" in code and "read_write>" in code


def test_square_roots_and_formulas_that_go_on_in_notation_we_cannot_read():
    assert "y[i] = x[i] * x[i] + sqrt(x[i]);" in formula_candidates("y = x² + √x for the buffer x")[0]
    assert "y[i] = sqrt(x[i] + 1.0);" in formula_candidates("y = √(x + 1) for the buffer x")[0]
    # "x + 2" is only the start of the rule: no kernel rather than a wrong one
    assert formula_candidates("y = x + 2 @ 3 for the buffer x") == []
    assert "h16[i] = (h[i] >> 16u) ^ (h[i] & 65535u);" in formula_candidates(
        "h16 = (h >> 16) ^ (h & 0xFFFF)   // fold each 32-bit hash of the u32 words")[0]  # a comment is not `/`


def test_an_integer_field_declared_in_the_uniform_is_converted_in_a_float_formula(tmp_path):
    prompt = ("Savings growth for every deposit in `deposit`: grown = deposit * (1 + r / k)^(k * t). Params struct: "
              "r (f32, e.g. 0.03), k (u32, times per year), t (f32). Output buffer: `grown`.")
    codes = formula_candidates(prompt)
    assert codes and "    k: u32," in codes[0]
    assert "grown[i] = deposit[i] * pow(1.0 + params.r / f32(params.k), f32(params.k) * params.t);" in codes[0]
    ref = codes[0].replace("pow(1.0 + params.r / f32(params.k), f32(params.k) * params.t)",
                           "exp(f32(params.k) * params.t * log(1.0 + params.r / f32(params.k)))")
    path = tmp_path / "grow.toml"
    path.write_text(f"""[[task]]
id = "grow"
category = "formula"
prompt = "grow"
threads = [300]
reference = '''
{ref}'''
[[task.buffers]]
binding = 0
access = "read"
type = "array<f32>"
count = 300
fill = "uniform(1,100)"
[[task.buffers]]
binding = 1
access = "read_write"
type = "array<f32>"
count = 300
fill = "zeros"
[[task.buffers]]
binding = 2
access = "uniform"
scalars = ["f32", "u32", "f32"]
values = [0.03, 12, 5.0]
""")
    assert judge_source(load_tasks(path)[0], codes[0]) == "pass"
    # without the declaration the u32 word still keeps the formula out (not a float formula we can type)
    assert formula_candidates("grown = deposit * (1 + r / k)^(k * t) where k is a u32 and the rest f32") == []


def test_a_rule_starting_with_bars_and_short_names_standing_for_backticked_buffers():
    # "|a - b| / ...": a bare rule may open with an absolute value; `near` and `far` name one word of each buffer
    code = formula_candidates("gap ratio of `near_d` and `far_d`: |near - far| / max(|far|, 0.001), stored to `gap_r`")[0]
    assert "var<storage, read> near_d" in code and "var<storage, read> far_d" in code
    assert "gap_r[i] = abs(near_d[i] - far_d[i]) / max(abs(far_d[i]), 0.001);" in code


def test_names_bound_in_words_and_an_arrow_assignment():
    code = formula_candidates("Logistic curve y = top / (1 + exp(-k * (x - mid))). Uniform fields top, k, mid. "
                              "x comes from `dose_mg`, y goes to `response`.")[0]
    assert "var<storage, read> dose_mg" in code and "var<storage, read_write> response" in code
    assert "response[i] = params.top / (1.0 + exp(-params.k * (dose_mg[i] - params.mid)));" in code
    code = formula_candidates("Decay the charge in place on `cap_v`: Q <- Q * exp(-dt / tau), where the uniform "
                              "fields are dt and tau.")[0]
    assert "cap_v[i] = cap_v[i] * exp(-params.dt / params.tau);" in code  # `tau` is a field, not 2 pi


def test_an_article_is_no_use_of_a_one_letter_name():
    code = formula_candidates("Write a shader that takes the values in `heading_raw` and wraps them with "
                              "a - 360 * floor(a / 360), storing them in `heading`.")[0]
    assert "heading[i] = heading_raw[i] - 360.0 * floor(heading_raw[i] / 360.0);" in code


def test_a_piecewise_rule_written_one_case_per_line():
    code = formula_candidates("Gamma-ish curve per element, input `lin_v`, output `enc_v`:\n"
                              "- v < 0.018 -> 4.5 * v\n- otherwise -> 1.099 * v ^ 0.45 - 0.099")[0]
    assert "enc_v[i] = select(1.099 * pow(lin_v[i], 0.45) - 0.099, 4.5 * lin_v[i], lin_v[i] < 0.018);" in code


def test_multiplying_a_buffer_in_place_by_a_rule_of_its_index_and_length():
    code = formula_candidates("Ramp in, in place: multiply each sample of `pcm_buf` by i / L, where L is the "
                              "length of the buffer.")[0]
    assert "pcm_buf[i] = pcm_buf[i] * (f32(i) / f32(arrayLength(&pcm_buf)));" in code


def test_snapping_to_a_grid_is_a_map_and_a_width_field_is_no_image():
    code = formula_candidates("Quantise `xs` to a grid: `q` = step * round(xs / step). step sits in the uniform.")
    assert code and "q[i] = params.step * round(xs[i] / params.step);" in code[0]
    code = formula_candidates("bump = amp * exp(-x * x / width), x from `pos`, into `bump_out`. "
                              "Uniform fields: amp, width.")
    assert code and "params.width" in code[0]


def test_a_name_said_to_be_a_declared_integer_uniform_and_unicode_constants():
    code = formula_candidates("Taper: tapered[i] = sig[i] * sin(pi * i / (M - 1)), where M is the uniform `n_taps` "
                              "(u32). Input `sig`, output `tapered`.")[0]
    assert "n_taps: u32," in code and "tapered[i] = sig[i] * sin(3.141592653589793 * f32(i) / (f32(params.n_taps) - 1.0));" in code
    code = formula_candidates("A-law style squash with λ = 87.6 of `xs` into `ys`: G(x) = sgn(x) · ln(1 + λ|x|)")[0]
    assert "ys[i] = sign(xs[i]) * log(1.0 + 87.6 * abs(xs[i]));" in code


def test_an_in_place_rule_after_ie_updates_the_one_buffer_named():
    code = formula_candidates("Clamp-free fold: bring every value of `vals` into range in place, i.e. "
                              "x - 4 * floor(x / 4)")[0]
    assert "var<storage, read_write> vals" in code and "vals[i] = vals[i] - 4.0 * floor(vals[i] / 4.0);" in code


def test_a_one_letter_F_is_a_name_acronyms_and_possessives_no_buffers():
    code = formula_candidates("Convert the Fahrenheit readings in temps_f to Celsius into temps_c: "
                              "C = (F - 32) * 5 / 9.")[0]
    assert "temps_c[i] = (temps_f[i] - 32.0) * 5.0 / 9.0;" in code
    code = formula_candidates("for my tiny MLP: (x + sqrt(x*x + 4)) / 2 on every value of `pre`, "
                              "results into `post`")[0]
    assert "post[i] = (pre[i] + sqrt(pre[i] * pre[i] + 4.0)) / 2.0;" in code


def test_an_override_and_a_noted_integer_uniform():
    code = formula_candidates("q = num / den, but write 0 wherever |den| < 0.5 so nothing blows up. "
                              "Buffers: num and den in, q out.")[0]
    assert "q[i] = select(num[i] / den[i], 0.0, abs(den[i]) < 0.5);" in code
    code = formula_candidates("in place on `mom`: mom = mom / (1 - 0.99^k), where k (the step count) "
                              "is a u32 uniform.")[0]
    assert "mom[i] = mom[i] / (1.0 - pow(0.99, f32(params.k)));" in code


def test_one_letter_placeholders_meet_their_buffers_and_a_python_conditional_with_a_comma():
    code = formula_candidates("`probs` holds predictions and `gold` holds labels; "
                              "write loss = -(y*ln(p) + (1 - y)*ln(1 - p)) into `loss`.")[0]
    assert "loss[i] = -(gold[i] * log(probs[i]) + (1.0 - gold[i]) * log(1.0 - probs[i]));" in code
    code = formula_candidates("with d = |a_in - b_in|, err = 0.5*d*d if d < 1.0, else d - 0.5. Inputs `a_in`, `b_in`, "
                              "output `err`.")[0]
    assert "err[i] = select(d - 0.5, 0.5 * d * d, d < 1.0);" in code


def test_names_written_like_names_called_buffers_and_bracket_arrays():
    code = formula_candidates("Two series, hi_px and lo_px. I want (hi - lo) / lo written to a buffer called spread_rel.")[0]
    assert "var<storage, read_write> spread_rel" in code and "spread_rel[i] = (hi_px[i] - lo_px[i]) / lo_px[i];" in code
    code = formula_candidates("got a list of daily log returns called lr_in; need the simple ones in sr_out, "
                              "sr_out = e^q - 1 per element")[0]
    assert "sr_out[i] = exp(lr_in[i]) - 1.0;" in code
    code = formula_candidates("for each boid i have vx[] and vy[] (its velocity to the flock). fill yaw[] with "
                              "atan2(vy, vx)")[0]
    assert "yaw[i] = atan2(vy[i], vx[i]);" in code and "binding(0) var<storage, read> vx" in code


def test_a_buffer_named_like_a_builtin_and_a_both_typed_uniform():
    code = formula_candidates("The params uniform holds `cap` then `eta` (both f32). For each g in grad_in: "
                              "step[i] = -eta * clamp(grad_in[i], -cap, cap).")[0]
    assert "step_v[i] = -params.eta * clamp(grad_in[i], -params.cap, params.cap);" in code
    assert "cap: f32," in code and code.index("cap: f32") < code.index("eta: f32")


def test_exceptions_ranges_and_a_clamp_first():
    code = formula_candidates("Elementwise top / bot into `frac`, except any slot where bot is exactly 0.0 should "
                              "come out as 0 rather than inf.")[0]
    assert "frac[i] = select(top[i] / bot[i], 0.0, bot[i] == 0.0);" in code
    code = formula_candidates("Two signed 32-bit int buffers lch and rch: mixed = lch + rch, saturated to the int16 "
                              "range -32768..32767.")[0]
    assert "mixed[i] = clamp(lch[i] + rch[i], -32768, 32767);" in code and "array<i32>" in code
    code = formula_candidates("take s from s_in, clamp it into [0, 1] first, then y = s*s*s. Store into s_cubed.")[0]
    assert "s_cubed[i] = clamp(s_in[i], 0.0, 1.0) * clamp(s_in[i], 0.0, 1.0) * clamp(s_in[i], 0.0, 1.0);" in code


def test_a_weight_rule_that_each_sample_is_multiplied_by():
    code = formula_candidates("Taper `frame_s` in place. N = number of elements in the buffer; g[k] = 0.54 - 0.46 * "
                              "cos(2*pi*k / (N - 1)), and each sample is multiplied by its g[k].")[0]
    assert ("frame_s[i] = frame_s[i] * (0.54 - 0.46 * cos(2.0 * 3.141592653589793 * f32(i) / "
            "(f32(arrayLength(&frame_s)) - 1.0)));") in code


def test_replace_each_value_by_a_rule_and_parameters_in_the_order_listed():
    code = formula_candidates("Ease toward a target: replace each value s by s * keep + (1 - keep) * target_v, where "
                              "keep and target_v are parameters. Update the buffer in place.")[0]
    assert "params.keep + (1.0 - params.keep) * params.target_v;" in code
    assert code.index("keep: f32") < code.index("target_v: f32")


@pytest.mark.parametrize("edge_words, rule", [
    ("treating samples outside the signal as 0", "zero"),
    ("clamp the index at both ends", "clamp"),
    ("the signal wraps around", "wrap"),
])
def test_neighbours_read_past_the_ends_the_way_the_words_say(edge_words, rule, wgpu_runtime):
    import numpy as np

    from tiny_agent_trainer.inference.formula_names import edge_rule
    from tiny_agent_trainer.spec import BufferSpec

    prompt = f"Difference filter where k0, k1 are parameters: dx[i] = k0 * sig[i+1] - k1 * sig[i-2], {edge_words}."
    assert edge_rule(prompt) == rule
    code = formula_candidates(prompt)[0]
    n = 64
    x = np.random.default_rng(3).random(n).astype(np.float32)
    specs = (BufferSpec(0, "read", "array<f32>", n), BufferSpec(1, "read_write", "array<f32>", n),
             BufferSpec(2, "uniform", scalars=("f32", "f32"), values=(0.5, 2.0)))
    out = np.asarray(wgpu_runtime.run(code, specs, {0: x, 1: np.zeros(n, np.float32),
                                                    2: np.array([0.5, 2.0], np.float32)}, (n,))[1])
    idx = np.arange(n)
    if rule == "zero":
        pad = np.concatenate([np.zeros(2, np.float32), x, np.zeros(1, np.float32)])
        nxt, prv = pad[idx + 3], pad[idx]
    elif rule == "clamp":
        nxt, prv = x[np.minimum(idx + 1, n - 1)], x[np.maximum(idx - 2, 0)]
    else:
        nxt, prv = x[(idx + 1) % n], x[(idx - 2) % n]
    np.testing.assert_allclose(out, 0.5 * nxt - 2.0 * prv, rtol=1e-6)


def test_neighbours_without_an_edge_rule_are_left_to_the_model():
    assert formula_candidates("dx[i] = sig[i+1] - sig[i-1] for the buffer sig") == []


def test_a_step_named_by_a_new_letter_after_then_and_a_clamp_called_by_name():
    code = formula_candidates("LFO: take the fractional part ph - floor(ph) of each value in `ph`, then map it to "
                              "[-1, 1] with 2*q - 1. Output `lfo`.")[0]
    assert "lfo[i] = 2.0 * (ph[i] - floor(ph[i])) - 1.0;" in code
    code = formula_candidates("Ease every value in `lin_t`: first clamp x into [0, 1], call that s, then output "
                              "s*s*s. Results go to `cubic`.")[0]
    assert "cubic[i] = clamp(lin_t[i], 0.0, 1.0) * clamp(lin_t[i], 0.0, 1.0) * clamp(lin_t[i], 0.0, 1.0);" in code \
        or "cubic[i] = clamp(s[i], 0.0, 1.0) * clamp(s[i], 0.0, 1.0) * clamp(s[i], 0.0, 1.0);" in code
    assert not any("fract(does" in c for c in formula_candidates(
        "take the fractional part the way GLSL fract does, f = p - floor(p), then write 1 - f into `back` from `p_in`"))


def test_a_step_then_a_bare_rule_over_it_and_a_passive_scale_while_a_condition_holds():
    code = formula_candidates("From `aim` and `yaw` (radians, in that order) compute the turn into `turn`: "
                              "d = yaw - aim, then wrap it into [-pi, pi) with d - 2*pi*floor((d + pi) / (2*pi)).")[0]
    assert "let d = yaw[i] - aim[i];" in code and "floor((d + 3.141592653589793)" in code
    code = formula_candidates("Fade-out on the buffer `voice`, in place: sample i is multiplied by (n_tail - i) / "
                              "n_tail while i < n_tail, and every later sample stays as it is. n_tail is a u32 uniform.")[0]
    assert ("voice[i] = voice[i] * select(1.0, (f32(params.n_tail) - f32(i)) / f32(params.n_tail), "
            "f32(i) < f32(params.n_tail));") in code


def test_an_i_that_indexes_nothing_a_typed_output_and_a_gathered_index():
    code = formula_candidates("Inputs, in this order: `i_chan` (in-phase) and `q_chan` (quadrature), both f32. Output "
                              "`ang` (f32) = atan2(q, i), in radians.")[0]
    assert "ang[i] = atan2(q_chan[i], i_chan[i]);" in code
    code = formula_candidates("Repeat a motif across a long buffer: rep[i] = motif[i % span], where `span` is a u32 in "
                              "the uniform. motif and rep are f32 arrays.")[0]
    assert "rep[i] = motif[i % params.span];" in code
    code = formula_candidates("Scale `lum_in` into `lum_o`. Two uniform floats, gain first and then bias: "
                              "result = v * gain + bias.")[0]
    assert "lum_o[i] = lum_in[i] * params.gain + params.bias;" in code and code.index("gain: f32") < code.index("bias")


def test_the_first_n_samples_get_multiplied_and_a_typed_uniform_is_never_a_buffer():
    code = formula_candidates("Fade-in, in place: the first `ramp_n` samples of `snd` get multiplied by i / ramp_n; "
                              "everything from ramp_n on is left alone. ramp_n is a u32 uniform.")[0]
    assert "snd[i] = snd[i] * select(1.0, f32(i) / f32(params.ramp_n), f32(i) < f32(params.ramp_n));" in code


def test_names_like_names_a_number_beside_a_name_in_parentheses_and_a_mask_first():
    code = formula_candidates("acc_x and acc_y are the accelerations of each drone. Write each drone's thrust angle, "
                              "atan2(acc_y, acc_x), into tilt.")[0]
    assert "tilt[i] = atan2(acc_y[i], acc_x[i]);" in code
    code = formula_candidates("Evaluate the bump exp(-(x - c0)^2 / (2 w0^2)) at every point of `pts`, writing `bump`. "
                              "Params struct: `c0` then `w0`, both f32.")[0]
    assert ("bump[i] = exp(-((pts[i] - params.c0) * (pts[i] - params.c0)) / (2.0 * (params.w0 * params.w0)));"
            in code)
    code = formula_candidates("join two halves: lo_part and hi_part are u32 arrays; mask both with 0xFF, then "
                              "joined[i] = (hi << 8) | lo. joined is u32 too.")[0]
    assert "joined[i] = ((hi_part[i] & 255u) << 8u) | (lo_part[i] & 255u);" in code
