"""The prompt grammar: sentence *frames* (the phrasing templates) filled with an instance's phrase
fragments and name/number mentions.

A frame (id `F01`...) needs one kind of fragment: an imperative verb phrase (`vp`, inflected to
"applies"/"applying" where the frame needs it), a noun phrase (`np`), element words (`el`), a
formula (`fx`) or a whole hand-written request (`desc`, frames `D01`..., see `descriptions.py`).
Placeholders in fragments (`{X}`, `{O}`, `{K}`, `{xi}`...) are resolved so that a buffer or
parameter gets its long mention ("the uniform k", "the array src") the first time and its bare name
afterwards; uniform parameters the prompt never calls a parameter get a short declaration ("k is a
uniform parameter."). Frames may also name the element type (`{TY}`, only when all storage buffers
share one) or list the inputs (`{INS}`); some drop `[i]` from formulas ("relu(x) -> y"). A fraction
of prompts asks for the shader's own literal workgroup size ("Use a workgroup size of 128.").
Frames in `TEST_FRAMES` are reserved for the test split.
This module does NOT decide code or names (see `core.py`, the families) nor splits (`generate.py`).
"""
from __future__ import annotations

import random
import re

from . import naming as nm
from .core import Instance

# id -> (needs, templates)
FRAMES: dict[str, tuple[str, list[str]]] = {
    "F01": ("vp", ["{VP}{STORE}."]),
    "F02": ("vp", ["Write a compute shader that {VPs}{STORE}.", "Write a shader that {VPs}{STORE}."]),
    "F03": ("vp", ["Write a WGSL kernel that {VPs}{STORE}.", "write a wgsl kernel that {VPs}{STORE}"]),
    "F04": ("vp", ["I need a shader to {VP}{STORE}.", "I need a kernel to {VP}{STORE}."]),
    "F05": ("vp", ["Can you write a compute shader that {VPs}{STORE}?", "Could you make a kernel that {VPs}{STORE}?"]),
    "F06": ("vp", ["Please {VP}{STORE}.", "please {VP}{STORE}"]),
    "F07": ("vp", ["Create a GPU kernel which {VPs}{STORE}.", "Create a compute kernel that {VPs}{STORE}."]),
    "F08": ("vp", ["Generate WGSL to {VP}{STORE}.", "Generate a compute shader to {VP}{STORE}."]),
    "F09": ("vp", ["This kernel should {VP}{STORE}.", "The shader should {VP}{STORE}."]),
    "F10": ("vp", ["A compute shader for {VPing}{STORE}.", "Shader for {VPing}{STORE}."]),
    "F11": ("vp", ["Kernel: {VP}{STORE}", "kernel - {VP}{STORE}"]),
    "F12": ("vp", ["Hey, I want a shader that {VPs}{STORE}. Thanks!", "Hi! I'm looking for a kernel that {VPs}{STORE}."]),
    "F13": ("vp", ["On the GPU, {VP}{STORE}.", "Using one thread per element, {VP}{STORE}."]),
    "F14": ("vp", ["Implement a compute pass that {VPs}{STORE}.", "Implement a kernel that {VPs}{STORE}."]),
    "F15": ("vp", ["Your task is to {VP}{STORE}.", "The task: {VP}{STORE}."]),
    "F16": ("np", ["Compute {NP}{STORE}.", "compute {NP}{STORE}"]),
    "F17": ("np", ["{NP}{STORE}.", "{NP}{STORE}"]),
    "F18": ("np", ["Write a shader computing {NP}{STORE}.", "Write a kernel that computes {NP}{STORE}."]),
    "F19": ("np", ["I'd like {NP}{STORE}, computed on the GPU.", "I want {NP}{STORE} from a compute shader."]),
    "F20": ("np", ["Return {NP}{STORE}.", "Output {NP}{STORE}."]),
    "F21": ("np", ["Produce {NP}{STORE}.", "Produce {NP}{STORE} with a compute shader."]),
    "F22": ("np", ["Calculate {NP} in a compute shader{STORE}.", "Calculate {NP}{STORE}."]),
    "F23": ("np", ["The result should be {NP}{STORE}.", "The output is {NP}{STORE}."]),
    "F24": ("el", ["Each element of {O} becomes {EL}.", "Every element of {O} is {EL}."]),
    "F25": ("el", ["For every index i, set {oi} to {EL}.", "For each i, set {oi} to {EL}."]),
    "F26": ("el", ["{oi} should equal {EL} for each i.", "{oi} must be {EL}, for every i."]),
    "F27": ("fx", ["{oi} = {FX}", "{oi} = {FX};"]),
    "F28": ("fx", ["Compute {oi} = {FX} for all i.", "Compute {oi} = {FX} element-wise."]),
    "F29": ("fx", ["Element-wise: {oi} = {FX}.", "Per element: {oi} = {FX}, one thread each."]),
    "F30": ("fx", ["Write a kernel where {oi} = {FX}.", "Give me a shader with {oi} = {FX}."]),
    "F31": ("vp", ["How do I {VP} in WGSL{STORE}?", "How would I {VP} on the GPU{STORE}?"]),
    "F32": ("vp", ["Need a WGSL compute shader: {VP}{STORE}.", "WGSL compute shader: {VP}{STORE}"]),
    "F33": ("np", ["Give me a kernel that outputs {NP}{STORE}.", "Give me a shader producing {NP}{STORE}."]),
    "F34": ("vp", ["Make a shader which {VPs}{STORE}.", "Make a kernel that {VPs}{STORE}."]),
    "F35": ("vp", ["We have to {VP}{STORE} using a compute shader.", "We need to {VP}{STORE} on the GPU."]),
    "F36": ("el", ["Set {EACH} of {O} to {EL}.", "Fill {O} so that {oi} is {EL}."]),
    "F37": ("np", ["Shader: {NP}{STORE}", "GPU kernel: {NP}{STORE}"]),
    "F38": ("vp", ["Write code that will {VP}{STORE}.", "Write GPU code to {VP}{STORE}."]),
    # questions
    "F39": ("vp", ["What is the WGSL for {VPing}{STORE}?", "What would a compute shader look like that {VPs}{STORE}?"]),
    "F40": ("vp", ["Is it possible to {VP}{STORE} in a compute shader? Please write it.",
                   "Can WGSL {VP}{STORE}? Show me the kernel."]),
    "F67": ("vp", ["Could you show me how to {VP}{STORE} with WGSL?", "any idea how to {VP}{STORE} in a wgsl compute shader?"]),
    "F62": ("np", ["What is the shader for {NP}{STORE}?", "Show me a compute shader for {NP}{STORE}."]),
    # very terse (F42/F43 drop the [i] of formulas: "max(x, 0) -> out")
    "F41": ("np", ["{NP} -> {O}", "{NP} => {O}"]),
    "F42": ("fx", ["{FX} -> {O}", "{FX} into {O}"]),
    "F43": ("fx", ["{oi} = {FX}", "{oi} = {FX} elementwise"]),
    "F56": ("vp", ["{VP}{STORE}, wgsl", "{VP}{STORE} in wgsl pls"]),
    "F57": ("np", ["wgsl {NP}{STORE}", "compute shader: {NP}{STORE}"]),
    "F61": ("vp", ["Need a kernel: {VP}{STORE}", "need kernel to {VP}{STORE}"]),
    # math / code notation
    "F44": ("fx", ["for i in 0..n: {oi} = {FX}", "{oi} := {FX} for i in 0..n-1"]),
    "F45": ("fx", ["Port this loop to WGSL: for each i, {oi} = {FX}", "Convert to a compute shader: for i in range(n): {oi} = {FX}"]),
    "F63": ("fx", ["Shader where every thread does {oi} = {FX}.", "One invocation per element: {oi} = {FX}."]),
    # descriptive
    "F46": ("el", ["The i-th element of {O} is {EL}.", "Output {O} holds, at every index i, {EL}."]),
    "F47": ("el", ["{O} should hold {EL} at every position.", "At each index, {O} gets {EL}."]),
    "F64": ("el", ["Write {EL} into {oi} for every i.", "Store {EL} in {oi}."]),
    # chatty, with irrelevant context
    "F48": ("vp", ["I am working on a small WebGPU project and need a compute shader. It should {VP}{STORE}. Thanks in advance!",
                   "I am porting some CPU code to WebGPU. The loop just needs to {VP}{STORE}. Can you write the WGSL?"]),
    "F49": ("vp", ["My CPU version is too slow. Could you write WGSL that will {VP}{STORE}?",
                   "Hey there. Long story short, I need to {VP}{STORE}. WGSL please."]),
    "F50": ("np", ["For a layer I am writing I need {NP}{STORE}. Can you write the kernel?",
                   "Working on a WebGPU demo; need {NP}{STORE}."]),
    "F59": ("vp", ["In my compute pass I want to {VP}{STORE}.", "I want to {VP}{STORE} in a compute pass."]),
    "F60": ("vp", ["Help me {VP}{STORE} on the GPU.", "Help me write a shader to {VP}{STORE}."]),
    # bullet-ish specs
    "F51": ("np", ["op: {NP} | output: {O}", "task - {NP}; output - {O}"]),
    "F52": ("vp", ["goal: {VP}. output buffer: {O}.", "Kernel spec - {VP}; write to {O}."]),
    "F65": ("vp", ["Task: {VP}{STORE}. Use WGSL.", "Objective: {VP}{STORE}."]),
    "F66": ("np", ["Output buffer {O} = {NP}.", "{O} <- {NP}"]),
    "F69": ("np", ["inputs: {INS}; output: {O}; op: {NP}", "in: {INS} / out: {O} / {NP}"]),
    "F70": ("vp", ["Inputs {INS}, output {O}. {VP}.", "Given inputs {INS} and output {O}: {VP}."]),
    # element types
    "F53": ("vp", ["{VP}{STORE}. All buffers are {TY}.", "{VP}{STORE} (buffers are {TY})"]),
    "F54": ("np", ["Using {TY}, compute {NP}{STORE}.", "Given {TY}, produce {NP}{STORE}."]),
    "F55": ("vp", ["Write a WGSL kernel over {TY} that {VPs}{STORE}.", "Write a compute shader for {TY} that {VPs}{STORE}."]),
    "F58": ("vp", ["Write the WGSL: {VP}{STORE}.", "Just the WGSL please: {VP}{STORE}."]),
    # stand-alone requests in users' words (`descriptions.py`), as they are or lightly wrapped
    "D01": ("desc", ["{DESC}", "{DESC}"]),
    "D02": ("desc", ["I need a compute shader. {DESC}", "Compute shader request: {DESC}"]),
    "D03": ("desc", ["{DESC} (WGSL)", "{DESC} -- in WGSL, please"]),
    "D04": ("desc", ["Can you write this kernel? {DESC}", "Here is what the kernel should do: {DESC}"]),
    "D05": ("desc", ["{DESC}", "New kernel: {DESC}"]),
}
TEST_FRAMES = frozenset({"F05", "F10", "F12", "F19", "F26", "F30", "F33", "F35",
                         "F40", "F45", "F47", "F50", "F55", "F61", "D05"})
_BARE_O = {"F41", "F42", "F46", "F51", "F52", "F66", "F69", "F70"}
# frames with their own opening (chatty, terse, labelled): no extra "Quick one: "-style prefix
_NO_PREFIX = {"F39", "F40", "F41", "F42", "F43", "F44", "F45", "F48", "F49", "F50", "F51", "F52", "F56", "F57", "F59", "F60",
              "F61", "F65", "F66", "F67", "F69", "F70", "D02", "D04"}
_STRIP_INDEX = {"F42", "F43"}  # terse frames: `x[i]` is written `x`
_TYPES = {"array<f32>": ["f32 arrays", "arrays of floats", "float buffers", "f32 buffers", "array<f32>"],
          "array<u32>": ["u32 arrays", "arrays of unsigned ints", "u32 buffers", "array<u32>"],
          "array<i32>": ["i32 arrays", "arrays of signed ints", "signed i32 buffers", "array<i32>"],
          "array<vec4<f32>>": ["vec4<f32> arrays", "arrays of rgba vec4<f32> colors", "rgba float4 buffers"]}
_WG1 = [" Use a workgroup size of {w}.", " Workgroup size {w}.", " Use @workgroup_size({w}).", " {w} threads per workgroup.",
        " (workgroup size: {w})", " Use workgroups of {w} threads."]
_WG2 = [" Use {w}x{h} workgroups.", " Workgroup size {w} x {h}.", " Use @workgroup_size({w}, {h}).",
        " (workgroups of {w} by {h} threads)"]
WG_MENTION_P = 0.2

_STORE = [", storing the result in {O}", ", writing into {O}", " (output: {O})", ", with the result in {O}",
          ", output in {O}", " into {O}", ", saving it to {O}"]
_STORE_NP = [" into {O}", " (output: {O})", ", stored in {O}", ", written to {O}", " in {O}"]
_DECL1 = [" {n} is a uniform parameter.", " ({n} is a uniform.)", " {n} comes from a uniform buffer.",
          " The value {n} is passed as a uniform.", " Here {n} is a parameter.", " {n}: uniform {t}."]
_DECLN = [" {ns} are uniform parameters.", " ({ns} are uniforms.)", " Parameters {ns} come from a uniform buffer.",
          " {ns} are given as parameters."]
_PREFIX = [("", 0.82), ("Quick one: ", 0.03), ("In WGSL, ", 0.03), ("GPU task: ", 0.03), ("Hi. ", 0.03),
           ("For my project: ", 0.03), ("Simple kernel. ", 0.03)]

_PREFIX_OK = {"by", "at", "to", "with", "using", "and", "of", "from", "between", "power", "on"}
_PH = re.compile(r"\{(\w+)\}")


def _type_words(inst: Instance) -> list[str]:
    """Ways to name the element type when every storage buffer has the same one, else []."""
    types = {b.type for b in inst.buffers if b.access != "uniform"}
    return _TYPES.get(types.pop(), []) if len(types) == 1 else []


def _inputs(inst: Instance) -> list[str]:
    return [name for acc, name in re.findall(r"var<storage, (read|read_write)> (\w+):", inst.code) if acc == "read"]


def _usable(inst: Instance, templates: list[str]) -> bool:
    text = "".join(templates)
    return ("{TY}" not in text or bool(_type_words(inst))) and ("{INS}" not in text or bool(_inputs(inst)))


def frames_for(inst: Instance, allowed: set[str] | frozenset[str]) -> list[str]:
    return [fid for fid, (need, tpls) in FRAMES.items() if fid in allowed and need in inst.forms and _usable(inst, tpls)]


def workgroup_mention(inst: Instance, rng: random.Random) -> str:
    """A sentence asking for the shader's own literal @workgroup_size ('' for `N`-sized kernels)."""
    m = re.search(r"@workgroup_size\((\d+)(?:, (\d+))?\)", inst.code)
    if not m:
        return ""
    if m.group(2):
        return rng.choice(_WG2).format(w=m.group(1), h=m.group(2))
    return rng.choice(_WG1).format(w=m.group(1))


def _resolve(text: str, slots: dict) -> tuple[str, list[str]]:
    seen: dict[str, None] = {}  # keys in order of first mention

    def sub(m):
        key = m.group(1)
        s = slots.get(key)
        if s is None:
            raise KeyError(f"phrase placeholder {{{key}}} has no slot")
        first = key not in seen
        seen[key] = None
        return s.first if first else s.later

    return _PH.sub(sub, text), list(seen)


def compose(inst: Instance, frame: str, rng: random.Random) -> str:
    """The prompt for `inst` in frame `frame` (deterministic for the rng state)."""
    need, templates = FRAMES[frame]
    tpl = rng.choice(templates)
    lower = tpl[:1].islower()
    frags = inst.forms[need]
    if "{O}" in tpl or "{oi}" in tpl:  # the frame names the output itself: prefer fragments that do not
        frags = [f for f in frags if "{O}" not in f and "{oi}" not in f] or frags
    frag = rng.choice(frags)
    if need == "vp":
        tpl = tpl.replace("{VPs}", nm.third_person(frag)).replace("{VPing}", nm.gerund(frag)).replace("{VP}", frag)
    else:
        tpl = tpl.replace("{" + need.upper() + "}", frag)
    if "{TY}" in tpl:
        tpl = tpl.replace("{TY}", rng.choice(_type_words(inst)))
    if "{INS}" in tpl:
        tpl = tpl.replace("{INS}", ", ".join(_inputs(inst)))
    slots = dict(inst.slots)
    for key, s in inst.slots.items():
        ph = "{%s}" % key
        if ph not in tpl:
            continue
        if re.search(r"[-*+/(,^|<>]\s*%s|%s\s*[-*+/),^|<>]" % (re.escape(ph), re.escape(ph)), tpl):
            slots[key] = type(s)(s.later, s.later, s.uniform, False)  # inside a formula: the bare name
        elif s.uniform:
            before = re.search(r"(\w+)\s+%s" % re.escape(ph), tpl)
            word = before.group(1) if before else ""
            if word in ("factor", "parameter", "uniform", "scalar", "parameters", "uniforms"):
                slots[key] = type(s)(s.later, s.later, True, True)
            elif word not in _PREFIX_OK:
                slots[key] = type(s)(s.later, s.later, True, False)
        if need in ("fx", "el") and s.uniform:
            slots[key] = type(s)(s.later, s.later, True, False)
    if frame in _BARE_O and "O" in slots:  # labels such as "output: {O}" take the bare name
        slots["O"] = type(slots["O"])(slots["O"].later, slots["O"].later)
    out = inst.slots["O"].later
    slots.setdefault("oi", type(inst.slots["O"])(f"{out}[i]", f"{out}[i]"))
    mentions_out = "{O}" in tpl or "{oi}" in tpl
    store = ""
    if "{STORE}" in tpl and not inst.inplace and not mentions_out:
        if inst.out_named or rng.random() < 0.3:
            store = rng.choice(_STORE_NP if need == "np" else _STORE)
    tpl = tpl.replace("{STORE}", store)
    text, seen = _resolve(tpl, slots)
    if inst.out_named and "O" not in seen and "oi" not in seen:
        text = text.rstrip(".?!") + f", output to {out}."
    if frame in _STRIP_INDEX:
        text = text.replace("[i]", "")
    undeclared = [slots[k].later for k in seen if slots[k].uniform and not slots[k].says_uniform]
    if undeclared:
        text = text.rstrip(";")
        if not re.search(r"[.?!]$", text):
            text += "."
        if len(undeclared) == 1:
            t = re.search(r"^    %s: (\w+),$" % re.escape(undeclared[0]), inst.code, re.M)
            text += rng.choice(_DECL1).format(n=undeclared[0], t=t.group(1) if t else "f32")
        else:
            text += rng.choice(_DECLN).format(ns=nm.join_and(undeclared))
    if rng.random() < WG_MENTION_P:
        wg = workgroup_mention(inst, rng)
        if wg:
            if not re.search(r"[.?!)]$", text):
                text += "."
            text += wg
    r, acc = rng.random(), 0.0
    for p, w in _PREFIX:
        acc += w
        if r < acc:
            break
    if ":" in tpl or frame in _NO_PREFIX:
        p = ""
    m = re.match(r"[\w`\[\]]+", text)
    names = {s.later for s in slots.values()}
    if not lower and not (m and (m.group(0) in names or "[" in m.group(0))):
        text = nm.cap(text)
    return (p + text).strip()
