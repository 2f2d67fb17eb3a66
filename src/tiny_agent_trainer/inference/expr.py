"""Maths notation to WGSL expressions: the expression layer under `formula.py` and `colour_formula.py`.

`parse_prefix` reads the longest prefix of a text that is an expression, after `normalise` has turned
maths notation into Python (`|v|` -> `abs(v)`, `x^2` -> `x**2` for floats or XOR for u32 words, `3t` ->
`3*t`, `a[i]` -> `a`, C's `c ? a : b` and "if c then a, else b" -> `a if c else b`, `28u` -> `28`, backticks
dropped), and `parse_whole` all of a text as one expression (the value and condition of an exception, a bound);
`Constants` makes `pi`, `tau` and `e^x` numbers and `exp`; `emit` writes a node as WGSL with the
fewest parentheses WGSL allows (bit operations always parenthesised, small integer powers as products since `pow` is
undefined below 0, a table `FUNCS` mapping `relu6`, `sigmoid`, `lerp`, `clip`... to WGSL), given a binding of each
free name to its WGSL text (`x[i]`, `params.k`, a `let`).
It does NOT decide what a name is (buffer, uniform, element), which text is a formula, or what kernel to
write around it: `formula.py` and `colour_formula.py` do.
"""
from __future__ import annotations

import ast
import math
import re

from .prompt_words import STOP

# name -> WGSL template over the call's argument strings
FUNCS: dict[str, tuple[int, str]] = {
    **{f: (1, f + "({0})") for f in "exp exp2 log log2 sqrt abs floor ceil round trunc sin cos tan asin acos atan "
                                     "sinh cosh tanh asinh acosh atanh sign fract radians degrees".split()},
    "ln": (1, "log({0})"), "sgn": (1, "sign({0})"),
    "signum": (1, "sign({0})"), "log10": (1, "(log({0}) / log(10.0))"), "log1p": (1, "log(1.0 + {0})"),
    "expm1": (1, "(exp({0}) - 1.0)"), "rsqrt": (1, "inverseSqrt({0})"), "inversesqrt": (1, "inverseSqrt({0})"),
    "arcsin": (1, "asin({0})"), "arccos": (1, "acos({0})"), "arctan": (1, "atan({0})"), "fabs": (1, "abs({0})"),
    "absolute": (1, "abs({0})"), "square": (1, "({0} * {0})"), "saturate": (1, "clamp({0}, 0.0, 1.0)"),
    "relu": (1, "max({0}, 0.0)"), "relu6": (1, "clamp({0}, 0.0, 6.0)"), "sigmoid": (1, "(1.0 / (1.0 + exp(-{0})))"),
    "softplus": (1, "log(1.0 + exp({0}))"), "silu": (1, "({0} / (1.0 + exp(-{0})))"),
    "swish": (1, "({0} / (1.0 + exp(-{0})))"), "softsign": (1, "({0} / (1.0 + abs({0})))"),
    "min": (2, "min({0}, {1})"), "max": (2, "max({0}, {1})"), "minimum": (2, "min({0}, {1})"),
    "maximum": (2, "max({0}, {1})"), "fmin": (2, "min({0}, {1})"), "fmax": (2, "max({0}, {1})"),
    "pow": (2, "pow({0}, {1})"), "power": (2, "pow({0}, {1})"), "atan2": (2, "atan2({0}, {1})"),
    "arctan2": (2, "atan2({0}, {1})"), "step": (2, "step({0}, {1})"), "hypot": (2, "sqrt({0} * {0} + {1} * {1})"),
    "copysign": (2, "(sign({1}) * abs({0}))"), "fmod": (2, "({0} % {1})"),
    "countOneBits": (1, "countOneBits({0})"), "popcount": (1, "countOneBits({0})"),
    "reverseBits": (1, "reverseBits({0})"),
    "__splat": (1, "__splat({0})"),  # colour_formula.py: a scalar beside a vector, written vec3<f32>(..) there
    "clamp": (3, "clamp({0}, {1}, {2})"), "clip": (3, "clamp({0}, {1}, {2})"), "mix": (3, "mix({0}, {1}, {2})"),
    "lerp": (3, "mix({0}, {1}, {2})"), "smoothstep": (3, "smoothstep({0}, {1}, {2})"), "fma": (3, "fma({0}, {1}, {2})"),
    "where": (3, "select({2}, {1}, {0})"),  # numpy's where(cond, a, b)
    "f32": (1, "{0}"), "float": (1, "{0}"),  # `f32(i)`: a float kernel's index is already `f32(i)`
}
# C's float-suffixed names: `copysignf`, `sqrtf`, `fabsf`, `powf` (not `floor` + f nor `relu`'s family)
FUNCS.update({f"{k}f": v for k, v in list(FUNCS.items()) if k in ("copysign", "sqrt", "fabs", "pow", "exp", "log", "sin",
                                                                   "cos", "tan", "atan2", "fmin", "fmax", "fmod", "floor",
                                                                   "ceil", "round", "trunc", "hypot", "tanh", "log2",
                                                                   "exp2", "log10", "log1p", "expm1", "atan", "asin", "acos")})
MODULES = {"np", "numpy", "torch", "math", "F", "nn", "functional", "jnp", "tf", "cmath"}
BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%"}
CMPOPS = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
INDEX = "i"  # the invocation's element index, never a buffer

class Reject(Exception):
    pass


ELEMENT_I = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*\[\s*i\s*\]")


_IF_THEN = re.compile(r"\s*if\s+([^,;:]+?)\s*,?\s*then\s+([^;]+?)\s*[,;]?\s*(?:else|otherwise)\s*[,:]?\s+"
                      r"(.+?)(?=\.\s|\.$|;|\n|$)", re.I)


def normalise(text: str, ints: bool = False) -> str:
    """Maths notation as Python: `|v|` -> abs(v), `x^2` -> x**2 (a float formula's ^ is a power), `3t` -> 3*t,
    `a[i]` -> a."""
    text = re.sub(r"√\s*([A-Za-z_]\w*|\d+(?:\.\d+)?)", r"sqrt(\1)", text).replace("√", "sqrt")  # √x, √(x + 1)
    text = text.replace("`", "").replace("−", "-").replace("×", "*").replace("·", "*").replace("²", "**2").replace("³", "**3")
    text = re.sub(r"\|([^|]+)\|", "\0abs(\\1)", text)
    text = re.sub(r"(?<=[^\W\d_])\0", "*", text).replace("\0", "")  # "μ|x|" is μ * |x|
    text = re.sub(r"(?<![\w.])(\d+)[uUi](?!\w)", r"\1", text)  # WGSL literals: 28u is 28, not 28 * u
    text = re.sub(r"(?<=[(])(\s*\d+(?:\.\d+)?)\s+(?=[A-Za-zπ_]\w*\s*(?:(?:\^|\*\*)\s*\d+\s*)?\))", r"\1*",
                  text)  # "(2 sigma^2)", "sqrt(2 pi)": a number and a name alone in parentheses
    if ints:  # an integer formula's ^ is XOR, and its operators may be words ("a XOR b", "x mod 7")
        text = re.sub(r"\b(?:XOR|xor)\b", "^", text)
        text = re.sub(r"\bAND\b", "&", re.sub(r"\bOR\b", "|", re.sub(r"\bmod\b", "%", text)))
    else:
        text = text.replace("^", "**")
    text = ELEMENT_I.sub(r"\1", text)  # `a[i]` is the element of buffer `a`, as in `out[i] = a[i] - b[i]`
    words = _IF_THEN.match(text)  # "if c <= 0.04 then c / 12.92, else c * 2": `(c / 12.92) if (c <= 0.04) else ...`
    if words:
        text = "({1}) if ({0}) else ({2})".format(*(g.strip() for g in words.group(1, 2, 3))) + text[words.end():]
    text = re.sub(r"^([^,;]+?)\s+if\s+([^,;]+?),\s*(?:else|otherwise)\s+", r"(\1) if (\2) else ",
                  text)  # "0.5*d*d if d < 1.0, else d - 0.5": Python's conditional with a comma before `else`
    ternary = re.fullmatch(r"([^?:]+)\?([^?:]+):([^?:]+)", text)  # C's `c ? a : b` is Python's `a if c else b`
    if ternary:
        text = "({1}) if ({0}) else ({2})".format(*(g.strip() for g in ternary.groups()))
    # `3t` is 3 * t, but "1d", "3x3", "2nd" are words and 0xFF a number
    return re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)(?![eE][-+]?\d)(?![dD]\b|[xX][0-9a-fA-F]|st\b|nd\b|rd\b|th\b)(?=[A-Za-z_(])", r"\1*", text)


def parse_prefix(text: str, bare_ok: bool = False, ints: bool = False,
                 names: frozenset[str] = frozenset()) -> tuple[ast.expr, str] | None:
    """The longest prefix of `text` (cut at a word or symbol boundary) that is a non-trivial expression (with
    `bare_ok`, also a lone name or number: the right side of `x += bias`); `names` are the prompt's own names,
    never constants (a uniform field `tau` is a time constant, not 2 pi)."""
    # a formula ends with its sentence, clause or comment (a question, not the `?` of `c ? a : b`)
    stop = re.search(r"[.;!](?:\s|$)|\?(?:\s*$|\s+[A-Z])|\s(?:[–—]|--)\s|\n|\s//", text)
    text = text[:stop.start()] if stop else text
    ends = [m.end() for m in re.finditer(r"[\w)\]|]+", text)]
    for end in sorted(set(ends), reverse=True):
        src = text[:end].strip()
        if not src or compound_word(src):
            continue
        node = parse_whole(src, ints, names)
        if node is None:
            continue
        if bare_ok and isinstance(node, (ast.Name, ast.Constant)) and ok_shape(node):
            return node, src
        if isinstance(node, (ast.BinOp, ast.Call, ast.IfExp, ast.UnaryOp, ast.Subscript)) and ok_shape(node) and any(
                isinstance(n, (ast.BinOp, ast.Call, ast.IfExp)) for n in ast.walk(node)) and any(
                isinstance(n, ast.Name) for n in ast.walk(node)):
            return node, src
    return None


def parse_whole(text: str, ints: bool = False, names: frozenset[str] = frozenset()) -> ast.expr | None:
    """All of `text` (stripped of a final full stop) as one expression, after `normalise` and `Constants`; None when
    it is not one."""
    try:
        return Constants(names).visit(ast.parse(normalise(text.strip().rstrip("."), ints), mode="eval").body)
    except (SyntaxError, ValueError):
        return None


HYPHENED = re.compile(r"(?<![\w.])([^\W\d_]+)((?:-[^\W\d_]+)+)(?![\w(])")


def compound_word(src: str) -> bool:
    """Whether `src` holds a hyphenated word, not a subtraction: "depth-of-field", "channel-wise", "in-place"
    (three parts, or a part that is a little word), unlike "ask-bid" or "1-g"."""
    for m in HYPHENED.finditer(src):
        parts = [m.group(1), *m.group(2).split("-")[1:]]
        if len(parts) > 2 or any(p.lower() in STOP | {"wise", "like", "based", "style", "aware", "friendly", "th", "st", "nd",
                                                      "law", "point", "domain", "order", "level", "bit", "bits"}
                                 or p.lower() in FUNCS for p in parts):  # "leaky-relu", "h-swish"
            return True
    # "base-2 exponential", "float-32"; and prose before a formula: "apply polynomial -2*x*x + 1" is not polynomial - 2
    return re.search(r"(?<![\w.])[A-Za-z]{3,}-\d|^[a-z]{3,}\s+[-+]\d", src) is not None


class Constants(ast.NodeTransformer):
    """`pi`, `π` and `tau` are numbers and `e^x` is `exp(x)`, not buffers called `pi` or `e`."""

    def __init__(self, names: frozenset[str] = frozenset()):
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.AST:
        value = None if node.id in self.names else {"pi": math.pi, "π": math.pi, "PI": math.pi, "tau": math.tau}.get(node.id)
        return ast.Constant(value) if value is not None else node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow) and isinstance(node.left, ast.Name) and node.left.id == "e":
            return ast.Call(ast.Name("exp"), [node.right], [])
        return node


def ok_shape(node: ast.AST) -> bool:
    for n in ast.walk(node):
        if isinstance(n, (ast.Tuple, ast.List, ast.Dict, ast.Set, ast.Lambda, ast.Starred, ast.JoinedStr,
                          ast.BoolOp, ast.NamedExpr)):
            return False
        if isinstance(n, ast.Subscript) and not isinstance(n.value, ast.Name):  # `1[b]`, `f(x)[0]`: not an element
            return False
        if isinstance(n, ast.Call) and any(not (isinstance(k.value, ast.Constant) and k.arg == "reduction")
                                           for k in n.keywords):
            return False
        if isinstance(n, ast.Constant) and (isinstance(n.value, bool) or not isinstance(n.value, (int, float))) \
                and not any(isinstance(c, ast.Call) and any(k.value is n for k in c.keywords) for c in ast.walk(node)):
            return False
    return True


def callee(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute)):
        base = node.value
        while isinstance(base, ast.Attribute):
            if base.attr not in MODULES:
                return None
            base = base.value
        return node.attr if isinstance(base, ast.Name) and base.id in MODULES else None
    return None


def free_names(node: ast.expr) -> list[str]:
    names: list[str] = []
    calls = {id(n.func) for n in ast.walk(node) if isinstance(n, ast.Call)}
    calls |= {id(n.slice.left) for n in ast.walk(node) if isinstance(n, ast.Subscript) and  # `i` of `x[i - 1]`
              isinstance(n.slice, ast.BinOp) and isinstance(n.slice.left, ast.Name) and n.slice.left.id == INDEX}
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and id(n) not in calls and n.id not in names:
            names.append(n.id)
        if isinstance(n, ast.Subscript) and not isinstance(n.value, ast.Name):
            raise Reject("subscript")
    return names


def literal(v: float | int) -> str:
    if isinstance(v, int) or float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v)}.0"
    r = repr(float(v))
    return r if "e" not in r else f"{float(v):.9g}" if "e" not in f"{float(v):.9g}" else r


PREC = {ast.Add: 70, ast.Sub: 70, ast.Mult: 80, ast.Div: 80, ast.Mod: 80}
ATOM, UNARY, CMP, BIT = 100, 90, 60, 10  # a bit operation sits below everything: always parenthesised
BITOPS = {ast.BitXor: "^", ast.BitAnd: "&", ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>"}
AUGOPS = {"+=": ast.Add, "-=": ast.Sub, "*=": ast.Mult, "/=": ast.Div}


def paren(text: str, prec: int, need: int) -> str:
    return f"({text})" if prec < need else text


EDGE = "__edge__"  # `bind` key: how a neighbour past either end reads ("zero", "clamp", "wrap"), from the words
ZERO = "__zero__"  # `bind` key: the element type's zero


def neighbour(node: ast.Subscript, bind: dict[str, str]) -> str:
    """`x[i - 1]`, `x[i + 2]`: buffer `x`'s element k away, read the way `bind[EDGE]` says past either end (zero:
    the element type's zero; clamp: the nearest end; wrap: around); `x[i % n]`, `x[i * k]`: a gathered element
    (`_gather`); Reject without an edge rule or for another index."""
    s = node.slice
    base = re.sub(r"\[i\]$", "", bind.get(node.value.id, ""))
    if not re.fullmatch(r"[A-Za-z_]\w*", base):
        raise Reject("neighbour")
    gathered = _gather(s, bind)  # "tiled[i] = pattern[i % period]", "lo[i] = hi[i * factor]"
    if gathered is not None:
        return f"{base}[{gathered}]"
    if not (isinstance(s, ast.BinOp) and isinstance(s.op, (ast.Add, ast.Sub)) and isinstance(s.left, ast.Name)
            and s.left.id == INDEX and isinstance(s.right, ast.Constant) and isinstance(s.right.value, int)
            and 0 < s.right.value < 16) or bind.get(EDGE) not in ("zero", "clamp", "wrap"):
        raise Reject("neighbour")
    k, n = s.right.value, f"arrayLength(&{base})"
    back = isinstance(s.op, ast.Sub)
    if bind[EDGE] == "wrap":
        return f"{base}[(i + {n} - {k}u) % {n}]" if back else f"{base}[(i + {k}u) % {n}]"
    at = f"{base}[max(i, {k}u) - {k}u]" if back else f"{base}[min(i + {k}u, {n} - 1u)]"
    if bind[EDGE] == "clamp":
        return at
    return f"select({bind.get(ZERO, '0.0')}, {at}, {f'i >= {k}u' if back else f'i + {k}u < {n}'})"


_GATHER_OPS = {ast.Mod: "%", ast.Mult: "*", ast.FloorDiv: "/", ast.Div: "/"}


def _gather(s: ast.expr, bind: dict[str, str]) -> str | None:
    """A u32 index computed from `i`, integer literals and u32 uniform fields with `%`, `*` or `/` (`i % period`,
    `i * factor`, `i / 2`), as WGSL; None for any other index (a neighbour `i - 1`, a float, another buffer)."""
    if not (isinstance(s, ast.BinOp) and type(s.op) in _GATHER_OPS):
        return None

    def term(x: ast.expr) -> str | None:
        if isinstance(x, ast.Name) and x.id == INDEX:
            return INDEX
        if isinstance(x, ast.Constant) and isinstance(x.value, int) and not isinstance(x.value, bool) and x.value > 0:
            return f"{x.value}u"
        if isinstance(x, ast.Name):  # a u32 uniform field (`f32(params.period)` in a float kernel)
            m = re.fullmatch(r"f32\((params\.\w+)\)|(params\.\w+)", bind.get(x.id, ""))
            if m is None or m.group(2) and bind.get(ZERO) != "0u":  # a plain field of a float kernel is an f32
                return None
            return m.group(1) or m.group(2)
        if isinstance(x, ast.BinOp) and type(x.op) in _GATHER_OPS:
            a, b = term(x.left), term(x.right)
            return a and b and f"({a} {_GATHER_OPS[type(x.op)]} {b})"
        return None

    text = term(s)
    if text is None or INDEX not in re.findall(r"\w+", text):
        return None
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def emit(node: ast.expr, bind: dict[str, str]) -> str:
    return emit_p(node, bind)[0]


def emit_p(node: ast.expr, bind: dict[str, str]) -> tuple[str, int]:
    """(WGSL text, precedence) of a Python expression node."""
    if isinstance(node, ast.Constant):
        return literal(node.value), ATOM
    if isinstance(node, ast.Name):
        if node.id not in bind:
            raise Reject(f"unbound {node.id}")
        return bind[node.id], ATOM
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):  # x[i] is the element x
        if isinstance(node.slice, ast.Name) and node.slice.id == INDEX:
            return emit_p(node.value, bind)
        return neighbour(node, bind), ATOM  # x[i - 1]: with the edge rule the words give, else Reject
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        inner, p = emit_p(node.operand, bind)
        return "~" + paren(inner, p, ATOM), UNARY
    if isinstance(node, ast.BinOp) and type(node.op) in BITOPS:  # WGSL wants a bit operation's operands unary
        (a, pa), (b, pb) = emit_p(node.left, bind), emit_p(node.right, bind)
        return f"{paren(a, pa, UNARY)} {BITOPS[type(node.op)]} {paren(b, pb, UNARY)}", BIT
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner, p = emit_p(node.operand, bind)
        if isinstance(node.op, ast.UAdd):
            return inner, p
        return "-" + paren(inner, p, ATOM if inner.startswith("-") else UNARY), UNARY
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            a, b = emit(node.left, bind), emit(node.right, bind)
            if isinstance(node.right, ast.Constant) and node.right.value in (2, 3, 4):  # pow() is NaN below 0
                a, p = emit_p(node.left, bind)
                a = paren(a, p, ATOM)
                return " * ".join([a] * int(node.right.value)), 80
            return f"pow({a}, {b})", ATOM
        if type(node.op) not in BINOPS:
            raise Reject("operator")
        prec = PREC[type(node.op)]
        (a, pa), (b, pb) = emit_p(node.left, bind), emit_p(node.right, bind)
        return f"{paren(a, pa, prec)} {BINOPS[type(node.op)]} {paren(b, pb, prec + 1)}", prec
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in CMPOPS:
        (a, pa), (b, pb) = emit_p(node.left, bind), emit_p(node.comparators[0], bind)
        return f"{paren(a, pa, CMP + 1)} {CMPOPS[type(node.ops[0])]} {paren(b, pb, CMP + 1)}", CMP
    if isinstance(node, ast.IfExp):
        return f"select({emit(node.orelse, bind)}, {emit(node.body, bind)}, {emit(node.test, bind)})", ATOM
    if isinstance(node, ast.Call):
        name = callee(node.func)
        if name is None or any(not (k.arg == "reduction" and getattr(k.value, "value", None) == "none")
                               for k in node.keywords):
            raise Reject("call")
        args = [emit(a, bind) for a in node.args]
        name = name.lower() if name.lower() in FUNCS else name
        if name in ("mse_loss",) and len(args) == 2:
            return f"({args[0]} - {args[1]}) * ({args[0]} - {args[1]})", 80
        if name in ("l1_loss",) and len(args) == 2:
            return f"abs({args[0]} - {args[1]})", ATOM
        if name not in FUNCS or FUNCS[name][0] != len(args):
            raise Reject(f"function {name}")
        wrapped = [paren(*emit_p(a, bind), ATOM) for a in node.args]
        # an argument standing alone between "(" or ", " and "," or ")" needs no parentheses; embedded, it does
        return re.sub(r"(?:(?<=\()|(?<=, ))\{(\d)\}(?=[,)])|\{(\d)\}", lambda m: args[int(m.group(1))] if m.group(1)
                      else wrapped[int(m.group(2))], FUNCS[name][1]), ATOM
    raise Reject(type(node).__name__)


def u32_literals(expr: str, ty: str = "u32") -> str:
    """An integer formula's literals as u32 (`3.0` -> `3u`) or, with `ty` "i32", as i32 (`3.0` -> `3`); a fraction has
    no place in one."""
    from ..wgsl.lexer import tokenize

    out = []
    for t in tokenize(expr):
        if t.kind == "float":
            if not float(t.text).is_integer() or float(t.text) < 0:
                raise Reject("fraction")
            out.append(f"{int(float(t.text))}" + ("u" if ty == "u32" else ""))
        else:
            out.append(t.text)
    return "".join(out)


def balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0
