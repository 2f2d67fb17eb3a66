"""More integer operations: u32 bit queries (`countLeadingZeros`, `countTrailingZeros`,
`firstLeadingBit`, `firstTrailingBit`), min/max, rotations, bit-field extraction, saturating add/sub,
wrapping multiply; and signed `i32` ops (abs, negation, ReLU, min/max, arithmetic shift right,
clamp between two i32 uniforms), whose prompts always say "signed"/"i32".
This module does NOT contain atomics (see `bits.py`) or float ops.
"""
from __future__ import annotations

import random

from ..core import Instance, MapOp, ParamDef
from .bits import FULL, MASKS, SHIFTS, Z


def _bits_oracle(expr: str) -> str:
    return "{O} = np.array([" + expr + " for v in {A}], np.uint32)"


ROT = ["1", "3", "4", "7", "8", "13", "16", "24"]
FIELD_MASKS = ["0xFF", "0xF", "0x3FF", "15", "255", "1", "7", "0xFFFF"]

MAPS2 = [
    Z("clz", "countLeadingZeros({a})", _bits_oracle("32 - int(v).bit_length()"),
      ["count the leading zero bits of {EACH} of {X}", "compute the number of leading zeros of {X}"],
      ["the leading-zero count of {X}", "countLeadingZeros of {EACH} of {X}"], ["the number of leading zero bits in {xi}"],
      ["countLeadingZeros({xi})", "clz({xi})"], fill=("randint(0,1000000)",)),
    Z("ctz", "countTrailingZeros({a})", _bits_oracle("((int(v) & -int(v)).bit_length() - 1) if v else 32"),
      ["count the trailing zero bits of {EACH} of {X}", "compute the number of trailing zeros of {X}"],
      ["the trailing-zero count of {X}"], ["how many zero bits end {xi}"], ["countTrailingZeros({xi})", "ctz({xi})"],
      fill=("randint(0,65536)",)),
    Z("first_leading_bit", "firstLeadingBit({a})", _bits_oracle("int(v).bit_length() - 1 if v else 0xFFFFFFFF"),
      ["find the index of the highest set bit of {EACH} of {X} (0xFFFFFFFF for zero)",
       "compute firstLeadingBit of {X}", "compute floor(log2(x)) of {EACH} of {X} via the most significant set bit"],
      ["the position of the most significant 1 bit of {X}"], ["the index of the top set bit of {xi}"],
      ["firstLeadingBit({xi})"], fill=("randint(0,100000)",)),
    Z("first_trailing_bit", "firstTrailingBit({a})", _bits_oracle("((int(v) & -int(v)).bit_length() - 1) if v else 0xFFFFFFFF"),
      ["find the index of the lowest set bit of {EACH} of {X} (0xFFFFFFFF for zero)", "compute firstTrailingBit of {X}"],
      ["the position of the least significant 1 bit of {X}"], ["the index of the lowest set bit of {xi}"],
      ["firstTrailingBit({xi})"], fill=("randint(0,4096)",)),
    Z("umin", "min({a}, {b})", "{O} = np.minimum({A}, {B})", ["take the element-wise minimum of {X} and {Y} (u32)",
      "keep the smaller unsigned value of {X} and {Y}"], ["min({X}, {Y}) on unsigned integers"], ["the smaller of {xi} and {yi}"],
      ["min({xi}, {yi})"], nin=2),
    Z("umax", "max({a}, {b})", "{O} = np.maximum({A}, {B})", ["take the element-wise maximum of {X} and {Y} (u32)",
      "keep the larger unsigned value of {X} and {Y}"], ["max({X}, {Y}) on unsigned integers"], ["the larger of {xi} and {yi}"],
      ["max({xi}, {yi})"], nin=2),
    Z("rotl", "({a} << {K}) | ({a} >> (32u - {K}))", "{O} = ({A} << {K}) | ({A} >> (np.uint32(32) - {K}))",
      ["rotate {EACH} of {X} left by {K} bits", "bit-rotate {X} left by {K}"], ["{X} rotated left by {K} bits"],
      ["{xi} rotated left {K} bits"], ["({xi} << {K}) | ({xi} >> (32 - {K}))", "rotl({xi}, {K})"],
      params=[ParamDef("K", [], ROT, "u32")], mode="const"),
    Z("rotr", "({a} >> {K}) | ({a} << (32u - {K}))", "{O} = ({A} >> {K}) | ({A} << (np.uint32(32) - {K}))",
      ["rotate {EACH} of {X} right by {K} bits", "bit-rotate {X} right by {K}"], ["{X} rotated right by {K} bits"],
      ["{xi} rotated right {K} bits"], ["({xi} >> {K}) | ({xi} << (32 - {K}))", "rotr({xi}, {K})"],
      params=[ParamDef("K", [], ROT, "u32")], mode="const"),
    Z("rotl_uniform", "({a} << {K}) | ({a} >> (32u - {K}))", "{O} = ({A} << {K}) | ({A} >> (np.uint32(32) - {K}))",
      ["rotate {EACH} of {X} left by {K} bits", "bit-rotate {X} left by {K} positions"], ["{X} rotated left by {K}"],
      ["{xi} rotated left by {K} bits"], ["({xi} << {K}) | ({xi} >> (32 - {K}))"],
      params=[ParamDef("K", ["k", "shift", "amount", "r", "rot"], [1, 5, 8, 13, 31], "u32")], mode="uniform"),
    Z("extract", "({a} >> {K}) & {K2}", "{O} = ({A} >> {K}) & {K2}",
      ["extract a bit field from {X}: shift right by {K} and mask with {K2}", "take ({X} >> {K}) & {K2} element-wise",
       "pull out the bits of {X} at offset {K} with mask {K2}"], ["the bit field ({X} >> {K}) & {K2}"],
      ["{xi} shifted right by {K}, masked with {K2}"], ["({xi} >> {K}) & {K2}"],
      params=[ParamDef("K", [], SHIFTS + ["12", "24"], "u32"), ParamDef("K2", [], FIELD_MASKS, "u32")], mode="const"),
    Z("sat_add", "{a} + min({b}, 4294967295u - {a})", "{O} = np.minimum({A}.astype(np.uint64) + {B}, 4294967295)",
      ["add {X} and {Y} as u32 with saturation (clamp at 0xFFFFFFFF instead of wrapping)",
       "do a saturating unsigned add of {X} and {Y}"], ["the saturating sum of {X} and {Y}"],
      ["{xi} + {yi}, clamped to the u32 maximum"], ["min({xi} + {yi}, 0xFFFFFFFF)"], nin=2),
    Z("sat_sub", "{a} - min({a}, {b})", "{O} = np.where({A} > {B}, {A} - {B}, 0)",
      ["subtract {Y} from {X} as unsigned integers, saturating at 0", "do a saturating u32 subtraction {X} - {Y}"],
      ["{X} minus {Y}, clamped at zero"], ["{xi} - {yi}, or 0 if that would underflow"], ["max({xi} - {yi}, 0)"], nin=2),
    Z("mul_const", "{a} * {K}", "{O} = {A} * {K}", ["multiply {EACH} of {X} by {K} as u32 (wrapping)",
      "multiply {X} by {K} as unsigned integers"], ["{X} times {K} (u32, wrapping)"], ["{xi} times {K} modulo 2^32"],
      ["{xi} * {K}"], params=[ParamDef("K", [], ["3", "5", "7", "31", "257", "0x9E3779B9", "1000"], "u32")], mode="const"),
    Z("clear_mask", "{a} & ~{K}", "{O} = {A} & ~{K}",
      ["clear the bits of {K} in {EACH} of {X}", "zero out the bits of {X} that are set in {K}"],
      ["{X} with the bits of {K} cleared"], ["{xi} and not {K}"], ["{xi} & ~{K}"],
      params=[ParamDef("K", [], MASKS, "u32")], mode="const"),
]


class IOp(MapOp):
    """A signed element-wise op on `array<i32>` (pools of the u32 table, types and wording i32)."""

    def _types(self):
        return ("array<i32>", "i32")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        inst = super().draw(rng, named)
        for s in inst.slots.values():
            s.first = s.first.replace("the u32 values", "the i32 values").replace("the integers", "the signed integers")
            s.later = s.later.replace("the u32 values", "the i32 values").replace("the integers", "the signed integers")
        # formulas and element words alone would not tell i32 from u32: say it
        if "fx" in inst.forms:
            inst.forms["fx"] = [f + rng.choice([" (signed i32)", ", on i32 values", " over signed ints"]) for f in inst.forms["fx"]]
        if "el" in inst.forms:
            inst.forms["el"] = [f + rng.choice([" (i32)", ", as signed integers"]) for f in inst.forms["el"]]
        return inst


SIGNED = "randint(-100000,100000)"


def S(name, expr, oracle, vp, np_, el=(), fx=(), nin=1, params=(), mode="none", fill=(SIGNED,), **kw):
    return IOp(id=f"integer/i32_{name}", family="integer", category="integer", nin=nin, expr=expr, oracle=oracle,
               params=tuple(params), mode=mode, elem="u", fill=fill * 2, vp=tuple(vp), np_=tuple(np_), el=tuple(el),
               fx=tuple(fx), **kw)


SIGNED_OPS = [
    S("abs", "abs({a})", "{O} = np.abs({A})", ["take the absolute value of {X} (signed i32)",
      "compute abs of {EACH} of {X}, which holds i32 values"], ["the absolute values of {X} (i32)"],
      ["|{xi}| (signed int)"], ["abs({xi})"]),
    S("negate", "-{a}", "{O} = -{A}", ["negate {X} (signed integers)", "flip the sign of {EACH} of {X}, as i32"],
      ["the negation of {X} (i32)"], ["minus {xi} (i32)"], ["-{xi}"]),
    S("relu", "max({a}, 0)", "{O} = np.maximum({A}, 0)", ["replace the negative entries of {X} (i32) with 0",
      "apply ReLU to {X}, which holds signed integers"], ["{X} (i32) with negatives zeroed"], ["max({xi}, 0) for signed ints"],
      ["max({xi}, 0)"]),
    S("min", "min({a}, {b})", "{O} = np.minimum({A}, {B})", ["take the element-wise minimum of {X} and {Y} (signed i32)"],
      ["min({X}, {Y}) over i32 values"], ["the smaller of the signed values {xi} and {yi}"], ["min({xi}, {yi})"], nin=2),
    S("sub", "{a} - {b}", "{O} = {A} - {B}", ["subtract {Y} from {X} as signed i32 integers",
      "compute the signed difference {X} - {Y}"], ["the i32 difference {X} - {Y}"], ["{xi} minus {yi} as signed ints"],
      ["{xi} - {yi}"], nin=2),
    S("ashr", "{a} >> {K}", "{O} = {A} >> {K}", ["arithmetic-shift {X} (signed i32) right by {K}",
      "shift {X} right by {K} bits as signed i32, keeping the sign"], ["{X} (i32) shifted right by {K}, sign-extended"],
      ["{xi} >> {K} on signed ints"], ["{xi} >> {K}"], params=[ParamDef("K", [], ["1", "2", "3", "4", "8"], "u32")], mode="const"),
    S("clamp", "clamp({a}, {K}, {K2})", "{O} = np.clip({A}, {K}, {K2})", ["clamp {X} (signed i32) between {K} and {K2}",
      "clip the i32 values of {X} to [{K}, {K2}]"], ["{X} (i32) clamped to [{K}, {K2}]"], ["{xi} clamped to [{K}, {K2}]"],
      ["clamp({xi}, {K}, {K2})"], params=[ParamDef("K,K2", [("lo", "hi"), ("min_val", "max_val"), ("lower", "upper")],
                                                   [(-100, 100), (-1000, 50), (0, 255), (-5000, 5000)], "i32")],
      mode="uniform"),
]

VARIANTS = MAPS2 + SIGNED_OPS
