"""Operations a prompt names instead of writing out: "decode each Gray-coded u32 back to plain binary", "byte-swap
each word", "the number of set bits of each mask", "reverse the bits", "MIDI note numbers to frequencies in Hz",
"write the transpose of `mat_in` into `mat_out`". Each is a well-known rule; this module writes it over the buffers,
uniform fields and grid the prompt's words give, as one more transcribed candidate for the reranked pool.

The elementwise ones are an expression in the element (Gray decoding a chain of `let`s), written as a kernel by
`formula.py` (`element_kernel`: names, in-place updates and the element type come from the words as for any
transcription). The transpose is a 2D kernel: the input and the output are the two buffers the prompt names (in
order of mention unless the words say which is written), the uniform is the one the prompt declares (its row and
column fields told apart by name: rows/height/h/m, cols/width/w/n, else in declared order), and the grid covers
the output, one invocation per output element as the kernel conventions say, unless the prompt says the grid covers
the source ("gid.x walks the source columns").

It does NOT decide between candidates (the reviewer does), validate (the caller runs naga), or guess an operation
from a topic: only the words that name one, and only when the prompt names exactly one.
"""
from __future__ import annotations

import ast
import re

from .declared import declared_uniform
from .formula import element_kernel
from .prompt_words import STOP, legal, mentions

_V = "v"


def _parse(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


_GRAY = re.compile(r"\bgr[ae]y[- ]?(?:cod\w*|encoded)\b|\bgr[ae]y\b[^.;]{0,40}\bcode\b", re.I)
_GRAY_DECODE = re.compile(r"\bdecod\w*|\bback\s+(?:in)?to\s+(?:the\s+)?(?:plain|ordinary|normal|standard|regular|"
                          r"natural)?\s*binary|\bto\s+(?:plain|ordinary|normal|standard|regular|natural)\s+binary|"
                          r"\bprefix\s+xor", re.I)
_GRAY_ENCODE = re.compile(r"\b(?:in)?to\s+(?:reflected\s+)?gr[ae]y\b|\bgr[ae]y[- ]encod\w*|\bencod\w*\s+(?:\w+\s+){0,3}?"
                          r"(?:as|in|into)\s+(?:reflected\s+)?gr[ae]y\b", re.I)
_BYTESWAP = re.compile(r"\bbyte[- ]?swap\w*|\bbswap\b|\bswap\w*\s+(?:the\s+)?(?:byte\s+order|endian\w*|bytes)\b|"
                       r"\breverse\w*\s+(?:the\s+)?(?:byte\s+order|order\s+of\s+(?:the\s+)?bytes|bytes)\b|"
                       r"\bendian(?:ness)?\s+(?:swap|flip|conversion)|\bbig[- ]endian\s*(?:<->|to|into|->)\s*little|"
                       r"\blittle[- ]endian\s*(?:<->|to|into|->)\s*big", re.I)
_POPCOUNT = re.compile(r"\bpop(?:ulation)?[- ]?count\b|\bnumber\s+of\s+(?:set|one|1|on|high)\s+bits\b|"
                       r"\bcount\w*\s+(?:the\s+|how\s+many\s+)?(?:set|one|1|on|high)\s+bits\b|"
                       r"\bhow\s+many\s+(?:of\s+its\s+)?bits\s+are\s+(?:set|on|1)\b|\bhamming\s+weight\b", re.I)
_REVERSE_BITS = re.compile(r"\brevers\w*\s+(?:the\s+)?(?:(?:order\s+of\s+(?:the\s+|its\s+)?)?bits|bit\s+order)\b|"
                           r"\bbit[- ]?revers\w*|\bmirror\w*\s+(?:the\s+)?bits\b", re.I)
_MIDI = re.compile(r"\bmidi\b", re.I)
_HZ = re.compile(r"\b(?:hz|hertz|frequenc\w*)\b", re.I)
_FROM_HZ = re.compile(r"\b(?:hz|hertz|frequenc\w*)\s+(?:\S+\s+){0,4}?(?:in)?to\s+(?:\S+\s+){0,2}?(?:midi|notes?)\b", re.I)
# a bit field, two inputs or a distance: not the plain named rule
_PARTIAL_BITS = re.compile(r"\blow(?:est|er)?\s+\d+\s+bits|\btop\s+\d+\s+bits|\bbits?\s+\d+\s*(?:\.\.|-|to)\s*\d+|"
                           r"\blog2|\bdistance\b|\bxor\s+of\s+(?:the\s+)?two\b|\bbetween\s+(?:each\s+)?(?:pair|two)\b",
                           re.I)


def _gray_decode_steps() -> tuple[list[tuple[str, ast.expr]], ast.expr]:
    """Prefix XOR by doubling shifts: each output bit is the XOR of its Gray bit and all higher ones."""
    steps, prev = [], _V
    for k, shift in enumerate((16, 8, 4, 2)):
        name = f"g{k}"
        steps.append((name, _parse(f"{prev} ^ ({prev} >> {shift})")))
        prev = name
    return steps, _parse(f"{prev} ^ ({prev} >> 1)")


def named_element(prompt: str) -> tuple[ast.expr, list[tuple[str, ast.expr]], bool] | None:
    """(expression in the element, `let` steps before it, integer kernel?) of the one elementwise operation the
    prompt names, or None."""
    found = []
    if _GRAY.search(prompt):
        decode, encode = _GRAY_DECODE.search(prompt), _GRAY_ENCODE.search(prompt)
        if decode and not encode:
            steps, node = _gray_decode_steps()
            found.append((node, steps, True))
        elif encode and not decode:
            found.append((_parse(f"{_V} ^ ({_V} >> 1)"), [], True))
    if _BYTESWAP.search(prompt):
        found.append((_parse(f"(({_V} & 255) << 24) | (({_V} & 65280) << 8) | (({_V} >> 8) & 65280) | ({_V} >> 24)"),
                      [], True))
    if _POPCOUNT.search(prompt) and not re.search(r"\bparity\b|\bodd\b|\beven\b", prompt, re.I):
        found.append((_parse(f"countOneBits({_V})"), [], True))
    if _REVERSE_BITS.search(prompt) and not _BYTESWAP.search(prompt):
        found.append((_parse(f"reverseBits({_V})"), [], True))
    if _MIDI.search(prompt) and _HZ.search(prompt) and not _FROM_HZ.search(prompt):
        ref = re.search(r"\b(4[0-9]{2}(?:\.\d+)?)\s*(?:hz|hertz)\b", prompt, re.I)
        found.append((_parse(f"{ref.group(1) if ref else '440.0'} * 2.0 ** (({_V} - 69.0) / 12.0)"), [], False))
    if len(found) != 1 or (found[0][2] and _PARTIAL_BITS.search(prompt)):
        return None
    return found[0]


# --- the transpose -----------------------------------------------------------------------------------------------

_TRANSPOSE = re.compile(r"\btranspos\w*\b|\b(\w+)\[\s*c\s*\]\s*\[\s*r\s*\]\s*=\s*\w+\[\s*r\s*\]\s*\[\s*c\s*\]", re.I)
_SOURCE_GRID = re.compile(r"\b(?:grid|launch|dispatch)\w*\s+(?:\w+\s+){0,3}?(?:covers?|over|walks?)\s+(?:the\s+)?"
                          r"(?:source|input)\b|\bgid\.x\s+(?:\w+\s+){0,3}?(?:onto|over|to|walks?)\s+(?:the\s+)?"
                          r"(?:source|input)(?:'s)?\s+col|\bgid\.x\s+walks\s+its\s+col", re.I)
_ROWS = re.compile(r"^(?:rows?|n_?rows|num_?rows|height|h|m|r|nrows|row_count|rows_in|in_rows)$", re.I)
_COLS = re.compile(r"^(?:cols?|columns?|n_?cols|num_?cols|width|w|n|c|k|ncols|col_count|cols_in|in_cols)$", re.I)


def _two_buffers(prompt: str, fields: set[str]) -> tuple[str, str] | None:
    """(input, output) of a prompt that names exactly two buffers (backticked, or written like names)."""
    names = [w for _, w, tick in mentions(prompt) if (tick or "_" in w or re.search(r"\d", w)) and w not in fields
             and legal(w) and w.lower() not in STOP and not w.lower().startswith(("gid", "global_invocation"))]
    names = [n for n in dict.fromkeys(names) if not re.fullmatch(r"[uif]32|vec\d\w*|array\w*|row_major|\d+\w*", n)]
    if len(names) != 2:
        return None
    a, b = names
    if re.search(r"\b(?:into|to|in|writes?|output)\s+`?%s\b|`?%s`?\s+(?:is|as)\s+the\s+(?:output|transpose)" %
                 (re.escape(a), re.escape(a)), prompt) and not re.search(r"\b(?:into|to)\s+`?%s\b" % re.escape(b), prompt):
        a, b = b, a  # "writes `mat_out` as the transpose of `mat_in`"
    return a, b


def _size_fields(prompt: str) -> list[tuple[str, str | None]] | None:
    """The row and column count fields of a prompt that speaks of a uniform without a list the parser reads
    ("`rows` rows and `cols` columns (both u32 uniforms, in that order)", "Uniform: rows first, cols second"): the
    first multi-letter names of each kind (backticked, else after the uniform word, else anywhere), in order of
    mention."""
    said = re.search(r"\b(?:uniforms?|params)\b", prompt, re.I)
    if said is None:
        return None
    words = [(m.start(), m.group(1), m.group(0).startswith("`"))
             for m in re.finditer(r"`?([A-Za-z_]\w*)`?(?![-\w])", prompt)]  # not "row-major"
    found = []
    for pattern in (_ROWS, _COLS):
        hits = [(p, w) for p, w, _ in words if len(w) > 1 and pattern.match(w)]
        ticked = [(p, w) for p, w, tick in words if tick and len(w) > 1 and pattern.match(w)]
        after = [(p, w) for p, w in hits if p > said.start()]
        if not hits:
            return None
        found.append((ticked or after or hits)[0])
    if found[0][1] == found[1][1]:
        return None
    return [(w, "u32") for _, w in sorted(found)]


def transpose_candidates(prompt: str) -> list[str]:
    """A transpose of a row-major f32 matrix over the prompt's two buffers and declared (rows, cols) uniform; []
    when the prompt asks for none, or its words do not give the interface."""
    if not _TRANSPOSE.search(prompt) or re.search(r"\b(?:vec[234]|rgba?|pixels?|colou?rs?|u32\s+matrix|i32|"
                                                  r"multiply|product|matmul|dot)\b", prompt, re.I):
        return []
    fields = declared_uniform(prompt) or _size_fields(prompt)
    if not fields or len(fields) != 2 or any(t not in (None, "u32") for _, t in fields):
        return []
    names = [n for n, _ in fields]
    rows = next((n for n in names if _ROWS.match(n)), None)
    cols = next((n for n in names if _COLS.match(n) and n != rows), None)
    rows, cols = (rows, cols) if rows and cols else (names[0], names[1])
    pair = _two_buffers(prompt, set(names))
    if pair is None:
        return []
    src, dst = pair
    per = re.search(r"\b(?:invocation|thread|work[- ]?item)s?\s+(?:per|for\s+each|for\s+every)\s+(?:(?:the\s+)?`?(\w+)`?\s+"
                    r"(?:element|entry|cell)|(?:element|entry|cell)\s+of\s+(?:the\s+)?`?(\w+)`?)", prompt, re.I)
    # "one invocation per element of m", "one thread per source element"
    read = re.search(r"(?<![\w.])%s\s*\[\s*(?:r|row|y)\s*\*\s*\w+\s*\+\s*(?:c|col|x)\s*\]" % re.escape(src), prompt)
    # "mat_t[c * rows + r] = mat[r * cols + c]": (c, r) index the source
    if _SOURCE_GRID.search(prompt) or read or per and (per.group(1) or per.group(2)) in (src, "source", "src", "input", "in"):
        body = [f"    let c = gid.x;", f"    let r = gid.y;",
                f"    if (c >= params.{cols} || r >= params.{rows}) {{ return; }}",
                f"    {dst}[c * params.{rows} + r] = {src}[r * params.{cols} + c];"]
    else:  # one invocation per output element: the output has `cols` rows of `rows` entries
        body = [f"    let x = gid.x;", f"    let y = gid.y;",
                f"    if (x >= params.{rows} || y >= params.{cols}) {{ return; }}",
                f"    {dst}[y * params.{rows} + x] = {src}[x * params.{cols} + y];"]
    lines = ["struct Params {", *[f"    {n}: u32," for n in names], "};", "",
             f"@group(0) @binding(0) var<storage, read> {src}: array<f32>;",
             f"@group(0) @binding(1) var<storage, read_write> {dst}: array<f32>;",
             "@group(0) @binding(2) var<uniform> params: Params;", "",
             "@compute @workgroup_size(8, 8)", "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {", *body, "}", ""]
    return ["\n".join(lines)]


def named_candidates(prompt: str) -> list[str]:
    """The kernels of the one operation the prompt names (elementwise or a transpose), or []."""
    got = named_element(prompt)
    codes = []
    if got is not None:
        node, steps, ints = got
        code = element_kernel(prompt, node, ints_ok=ints, steps=steps)
        if code:
            codes.append(code)
    return codes + transpose_candidates(prompt)
