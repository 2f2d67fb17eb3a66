"""Domain family (generator 2.10): named formulas that physics, audio and finance programmers ask
for by NAME, often without writing the formula -- kinetic and potential energy, resistors in
parallel, electrical power, projectile height, free fall, Hooke's law, momentum, the Lorentz factor,
Celsius/Kelvin; MIDI note <-> Hz, amplitude <-> decibels, bit-crushing, a hard-knee compressor, tanh
soft clipping, oscillators from a phase in cycles, equal-power panning, mixing a track into a bus;
percent change, simple and log returns, compound and continuous interest, present value, profit margin.
Games, vec4 vectors that keep w and integer tricks are in `domain2.py`.
Every row is a `DomainOp` (a `MapOp` with domain names: `mass`/`vel`, `old`/`new`, not `a`/`b`) whose
fragments mix the name alone, the name with its formula, the formula alone, units and chatty asks;
numbers written in a fragment are the ones in the code. Physical constants that vary (g) are always
written in the prompt or passed as a uniform, never assumed.
This module does NOT hold generic maths (see `elementwise*.py`), does NOT phrase prompts or verify
shaders, and adds no held-out test operation (like the other 2.8+ tables).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from ..core import Instance, MapOp, ParamDef, Slot
from .elementwise import TR

WEIGHT = 1.0  # 53 domain variants: about 11% of the generation (generate.py gives quotas by weight)


@dataclass
class DomainOp(MapOp):
    """A `MapOp` with its own name pools, generic mentions, element words and element/output types."""
    pools: tuple = ()  # (input names (pairs when nin == 2), output names); the first entries name unnamed tasks
    acc: tuple = ()  # names of an accumulated output (read and written), e.g. an audio bus
    gen: tuple = ()  # generic mentions (unnamed tasks) of each input, e.g. (["the input vectors"],)
    each: tuple = ()  # words for {EACH}
    itype: str = ""  # element scalar when not the `elem` default (i32)
    otype: str = ""  # output buffer type when it differs from the inputs (array<f32> from vec4, vec2 stereo...)

    def _pools(self):
        if not self.pools:
            return super()._pools()
        ins, outs = self.pools
        first = ins[0] if isinstance(ins[0], tuple) else (ins[0],)
        return ins, ins, outs or list(self.acc) or ["out"], first, first

    def _acc_pool(self):
        return list(self.acc) if self.acc else super()._acc_pool()

    def _types(self):
        return (f"array<{self.itype}>", self.itype) if self.itype else super()._types()

    def _out_type(self):
        return self.otype or super()._out_type()

    def draw(self, rng: random.Random, named: bool) -> Instance:
        inst = super().draw(rng, named)
        if not named and self.gen:
            for key, words in zip("XY", self.gen):
                w = rng.choice(words)
                inst.slots[key] = Slot(w, w)
        if self.each:
            w = rng.choice(self.each)
            inst.slots["EACH"] = Slot(w, w)
        return inst


def D(name, nin, expr, oracle, vp, np_, el, fx, pools, fill=("uniform(-1,1)",), params=(), mode="none", **kw):
    """A domain operation `domain/<name>` (params: uniform fields, or prompt constants with mode="const")."""
    if params and mode == "none":
        mode = "uniform"
    return DomainOp(id=f"domain/{name}", family="domain", category="domain", nin=nin, expr=expr, oracle=oracle,
                    fill=tuple(fill), params=tuple(params), mode=mode, vp=tuple(vp), np_=tuple(np_), el=tuple(el),
                    fx=tuple(fx), pools=pools, weight=WEIGHT, **kw)


G_CONST = ["9.81", "9.8", "9.80665", "1.62", "3.71", "24.79"]  # Earth, Moon, Mars, Jupiter (m/s^2)
POS = "uniform(0.1,100)"

PHYSICS = [
    D("kinetic_energy", 2, "0.5 * {a} * {b} * {b}", "{O} = 0.5 * {A} * {B} * {B}",
      ["compute the kinetic energy of each body from the masses in {X} and the velocities in {Y}",
       "compute the kinetic energy 0.5 * m * v^2 with m from {X} and v from {Y}",
       "work out KE = ½ m v² for every particle (mass in {X}, speed in {Y})",
       "calculate half the mass times the speed squared, masses in {X} and speeds in {Y}",
       "compute kinetic energies in joules from masses (kg) in {X} and velocities (m/s) in {Y}"],
      ["the kinetic energy of each body (masses in {X}, velocities in {Y})", "½ m v² with m from {X} and v from {Y}",
       "the KE of every particle, mass from {X} and speed from {Y}", "0.5 * {X} * {Y}^2"],
      ["the kinetic energy 0.5 * {xi} * {yi}^2", "half of {xi} times {yi} squared"],
      ["0.5 * {xi} * {yi} * {yi}", "0.5 * {xi} * {yi}^2", "½ * {xi} * {yi}²"],
      ([("mass", "vel"), ("m", "v"), ("masses", "velocities"), ("mass", "speed"), ("m_kg", "v_ms")],
       ["energy", "ke", "kinetic", "out", "e_kin"]), fill=(POS, "uniform(-50,50)")),
    D("potential_energy", 2, "{a} * {K} * {b}", "{O} = {A} * {K} * {B}",
      ["compute the gravitational potential energy m * g * h with g = {K}, masses in {X} and heights in {Y}",
       "compute the potential energy of each object: mass (from {X}) times {K} times height (from {Y})",
       "calculate PE = m g h for every body (g = {K} m/s², masses in {X}, heights in {Y})",
       "work out the potential energy of the masses in {X} lifted to the heights in {Y} under gravity {K}"],
      ["the potential energy m * {K} * h of the masses in {X} at the heights in {Y}", "m g h with g = {K}, m from {X} and h from {Y}",
       "the gravitational potential energy (g = {K}) of each mass in {X} at the height in {Y}"],
      ["the potential energy {xi} * {K} * {yi}", "{xi} times {K} times {yi}"], ["{xi} * {K} * {yi}", "{K} * {xi} * {yi}"],
      ([("mass", "height"), ("m", "h"), ("masses", "heights"), ("mass", "alt")], ["pe", "energy", "potential", "out", "e_pot"]),
      fill=(POS, "uniform(0,500)"), params=[ParamDef("K", [], G_CONST)], mode="const"),
    D("parallel_resistance", 2, "{a} * {b} / ({a} + {b})", "{O} = {A} * {B} / ({A} + {B})",
      ["compute the equivalent resistance of the resistors in {X} and {Y} connected in parallel",
       "combine the resistances in {X} and {Y} in parallel: r1 * r2 / (r1 + r2)",
       "work out two resistors in parallel for every pair from {X} and {Y}",
       "calculate the parallel combination of {X} and {Y} (product over sum)"],
      ["the parallel resistance of {X} and {Y}", "{X} in parallel with {Y}", "r1 * r2 / (r1 + r2) for r1 in {X} and r2 in {Y}",
       "the equivalent resistance of {X} || {Y} in ohms"],
      ["{xi} in parallel with {yi}", "the product of {xi} and {yi} divided by their sum"],
      ["{xi} * {yi} / ({xi} + {yi})", "1 / (1 / {xi} + 1 / {yi})"],
      ([("r1", "r2"), ("ra", "rb"), ("res_a", "res_b"), ("r_first", "r_second")], ["r_eq", "req", "r_par", "out", "result"]),
      fill=("uniform(1,1000)", "uniform(1,1000)")),
    D("power_vr", 2, "{a} * {a} / {b}", "{O} = {A} * {A} / {B}",
      ["compute the electrical power dissipated in each resistor, voltages in {X} and resistances in {Y}",
       "compute P = V^2 / R from the voltages in {X} and the resistances in {Y}",
       "calculate the power in watts, given volts in {X} and ohms in {Y}",
       "work out voltage squared over resistance for {X} and {Y}"],
      ["the power V² / R for the voltages in {X} and resistances in {Y}", "the dissipated power of each resistor (V in {X}, R in {Y})",
       "{X} squared divided by {Y}"], ["the power {xi}^2 / {yi}", "{xi} squared over {yi}"], ["{xi} * {xi} / {yi}", "{xi}^2 / {yi}"],
      ([("volts", "ohms"), ("v", "r"), ("voltage", "resistance"), ("u", "res")], ["power", "watts", "p", "out"]),
      fill=("uniform(-240,240)", "uniform(1,1000)")),
    D("projectile_height", 2, "{a} + {b} * {K} - 0.5 * {K2} * {K} * {K}",
      "{O} = {A} + {B} * {K} - 0.5 * {K2} * {K} * {K}",
      ["compute the height of each projectile at time {K} under gravity {K2}, launch heights in {X} and vertical speeds in {Y}",
       "evaluate h0 + v0 * {K} - {K2} * {K}^2 / 2 with h0 from {X} and v0 from {Y}",
       "work out where every ball is vertically after {K} seconds (gravity {K2}): start heights {X}, upward velocities {Y}",
       "apply the projectile motion equation y = y0 + v0 t - ½ g t² with t = {K}, g = {K2}, y0 in {X}, v0 in {Y}"],
      ["the height at time {K} (gravity {K2}) of projectiles launched from the heights in {X} with the vertical speeds in {Y}",
       "h0 + v0 * {K} - 0.5 * {K2} * {K}^2 for h0 in {X} and v0 in {Y}"],
      ["{xi} + {yi} * {K} - 0.5 * {K2} * {K}^2", "the height {xi} plus {yi} times {K} minus half of {K2} times {K} squared"],
      ["{xi} + {yi} * {K} - 0.5 * {K2} * {K} * {K}", "{xi} + {yi} * {K} - {K2} * {K}^2 / 2"],
      ([("h0", "v0"), ("y0", "vy0"), ("height0", "speed0"), ("start_h", "launch_v")], ["height", "h", "y", "out"]),
      fill=("uniform(0,100)", "uniform(-20,50)"),
      params=[ParamDef("K", ["t", "time", "elapsed", "t_s"], [0.5, 1.0, 2.5, 3.0]),
              ParamDef("K2", ["g", "gravity", "grav", "g_acc"], [9.81, 9.8, 1.62, 3.71])], **TR),
    D("free_fall", 1, "0.5 * {K} * {a} * {a}", "{O} = 0.5 * {K} * {A} * {A}",
      ["compute the free-fall distance after each time in {X} with g = {K}",
       "compute how far an object falls from rest for the times in {X} (d = ½ g t², g = {K})",
       "calculate the drop distance 0.5 * {K} * t^2 for every t in {X}"],
      ["the distance fallen from rest after the times (s) in {X}, g = {K}", "½ * {K} * {X}² (free fall)"],
      ["the fall distance 0.5 * {K} * {xi}^2"], ["0.5 * {K} * {xi} * {xi}", "{K} * {xi}^2 / 2"],
      (["t", "times", "time_s", "secs", "elapsed"], ["dist", "fall_dist", "d", "fallen", "out"]), fill=("uniform(0,10)",),
      params=[ParamDef("K", [], G_CONST)], mode="const"),
    D("spring_force", 1, "-{K} * {a}", "{O} = -{K} * {A}",
      ["compute the spring force by Hooke's law for the displacements in {X} with stiffness {K}",
       "apply Hooke's law F = -k x with k = {K} to the displacements in {X}",
       "compute the restoring force of a spring with constant {K} for every extension in {X}"],
      ["the Hooke's-law spring force -{K} * x for x in {X}",
       "the restoring force of a spring (stiffness {K}) stretched by the amounts in {X}"],
      ["minus {K} times {xi}"], ["-{K} * {xi}"],
      (["x", "disp", "displacement", "stretch", "offset_x"], ["force", "f", "spring_f", "out"]),
      params=[ParamDef("K", ["k", "stiffness", "spring_k", "k_spring"], [10.0, 2.5, 100.0, 0.5])]),
    D("momentum", 2, "{a} * {b}", "{O} = {A} * {B}",
      ["compute the momentum of each body from the masses in {X} and the velocities in {Y}",
       "compute p = m * v with m from {X} and v from {Y}", "calculate the linear momentum (mass times velocity) of {X} and {Y}"],
      ["the momentum m v of every particle (mass in {X}, velocity in {Y})",
       "the linear momenta of the masses in {X} moving at the velocities in {Y}"],
      ["the momentum {xi} * {yi}"], ["{xi} * {yi}"],
      ([("mass", "vel"), ("m", "v"), ("masses", "velocities")], ["momentum", "p", "mom", "out"]), fill=(POS, "uniform(-50,50)")),
    D("lorentz_factor", 1, "1.0 / sqrt(1.0 - {a} * {a})", "{O} = 1 / np.sqrt(1 - {A} * {A})",
      ["compute the Lorentz factor gamma for the speeds in {X}, given as fractions of the speed of light",
       "compute the relativistic gamma 1 / sqrt(1 - v^2/c^2) of {X} (velocities in units of c)",
       "calculate the time-dilation factor for each velocity in {X} (v/c)"],
      ["the Lorentz factor of {X} (speeds in units of c)", "1 / sqrt(1 - {X}²) with {X} = v / c",
       "the relativistic gamma of every velocity in {X}"],
      ["the Lorentz factor 1 / sqrt(1 - {xi}^2)"], ["1 / sqrt(1 - {xi} * {xi})", "1 / sqrt(1 - {xi}^2)"],
      (["beta", "v", "speed_c", "v_over_c", "velocities"], ["gamma", "lorentz", "out", "dilation"]),
      fill=("uniform(-0.99,0.99)",), **TR),
    D("celsius_to_kelvin", 1, "{a} + 273.15", "{O} = {A} + 273.15",
      ["convert the temperatures in {X} from Celsius to Kelvin", "convert {X} from °C to K (add 273.15)",
       "turn the Celsius readings in {X} into kelvins"],
      ["{X} in Kelvin", "the temperatures in {X} converted from Celsius to Kelvin", "{X} + 273.15"],
      ["{xi} plus 273.15"], ["{xi} + 273.15"],
      (["celsius", "temp_c", "deg_c", "temps", "t_c"], ["kelvin", "temp_k", "deg_k", "out"]), fill=("uniform(-80,60)",)),
    D("kelvin_to_celsius", 1, "{a} - 273.15", "{O} = {A} - 273.15",
      ["convert the temperatures in {X} from Kelvin to Celsius", "convert {X} from K to °C (subtract 273.15)",
       "turn the kelvin values in {X} into degrees Celsius"],
      ["{X} in degrees Celsius", "the Kelvin temperatures in {X} converted to Celsius", "{X} - 273.15"],
      ["{xi} minus 273.15"], ["{xi} - 273.15"],
      (["kelvin", "temp_k", "deg_k", "temps", "t_k"], ["celsius", "temp_c", "deg_c", "out"]), fill=("uniform(190,340)",)),
]

AUDIO = [
    D("midi_to_hz", 1, "440.0 * exp2(({a} - 69.0) / 12.0)", "{O} = 440 * np.exp2(({A} - 69) / 12)",
      ["convert the MIDI note numbers in {X} to frequencies in Hz",
       "convert {X} from MIDI notes to Hz with 440 * 2^((n - 69) / 12)",
       "turn the note numbers in {X} into pitches in hertz (A4 = note 69 = 440 Hz, equal temperament)",
       "compute the frequency of every MIDI note in {X}"],
      ["the frequencies in Hz of the MIDI notes in {X}", "440 * 2^(({X} - 69) / 12)", "the pitch in hertz of each note number in {X}"],
      ["the frequency 440 * 2^(({xi} - 69) / 12)"], ["440 * 2^(({xi} - 69) / 12)", "440 * exp2(({xi} - 69) / 12)"],
      (["notes", "midi", "note", "pitches", "keys_midi"], ["freq", "hz", "freqs", "out"]), fill=("randint(21,108)",), **TR),
    D("hz_to_midi", 1, "69.0 + 12.0 * log2({a} / 440.0)", "{O} = 69 + 12 * np.log2({A} / 440)",
      ["convert the frequencies in {X} (Hz) to MIDI note numbers",
       "convert {X} from Hz to fractional MIDI notes: 69 + 12 * log2(f / 440)",
       "compute the MIDI pitch of every frequency in {X}"],
      ["the MIDI note numbers of the frequencies in {X}", "69 + 12 * log2({X} / 440)", "{X} (hertz) as MIDI pitches"],
      ["the MIDI note 69 + 12 * log2({xi} / 440)"], ["69 + 12 * log2({xi} / 440)"],
      (["freq", "hz", "freqs", "f_hz"], ["notes", "midi", "pitch", "out"]), fill=("uniform(20,8000)",), **TR),
    D("amp_to_db", 1, "20.0 * log({a}) / log(10.0)", "{O} = 20 * np.log10({A})",
      ["convert the linear amplitudes in {X} to decibels", "convert {X} from gain to dB with 20 * log10(a)",
       "express the amplitudes in {X} in dBFS", "turn the linear levels in {X} into decibels"],
      ["the amplitudes in {X}, in decibels", "20 * log10({X})", "the dB value of each gain in {X}"],
      ["20 * log10({xi})", "{xi} in decibels"], ["20 * log10({xi})", "20 * log({xi}) / log(10)"],
      (["amp", "gain", "level", "amplitude", "lin"], ["db", "gain_db", "level_db", "out"]), fill=("uniform(0.001,1.5)",),
      rtol=1e-3, atol=1e-3),
    D("db_to_amp", 1, "pow(10.0, {a} / 20.0)", "{O} = np.power(10, {A} / 20)",
      ["convert the decibel values in {X} to linear amplitude", "convert {X} from dB to linear gain: 10^(dB / 20)",
       "turn the levels in {X} (dB) into amplitude multipliers"],
      ["the linear gains of the decibel values in {X}", "10^({X} / 20)", "{X} converted from dB to amplitude"],
      ["10^({xi} / 20)"], ["pow(10, {xi} / 20)", "10^({xi} / 20)"],
      (["db", "gain_db", "level_db", "decibels"], ["amp", "gain", "lin", "out"]), fill=("uniform(-60,12)",), **TR),
    D("bitcrush", 1, "round({a} * {K}) / {K}", "{O} = np.round({A} * {K}) / {K}",
      ["bit-crush the samples in {X} to {K} steps per unit", "quantize {X} to the nearest multiple of 1/{K}",
       "reduce the resolution of the audio in {X}: round(x * {K}) / {K}",
       "apply a bitcrusher effect to {X} with {K} quantization levels per unit"],
      ["{X} quantized to multiples of 1/{K}", "{X} after bit-crushing with step 1/{K}", "round({X} * {K}) / {K}"],
      ["{xi} rounded to the nearest multiple of 1/{K}"], ["round({xi} * {K}) / {K}"],
      (["samples", "audio", "signal", "x", "wave"], ["crushed", "out", "y", "lofi"]),
      params=[ParamDef("K", ["steps", "levels", "quant", "n_steps"], [4.0, 8.0, 16.0, 128.0, 255.0])]),
    D("compressor", 1, "sign({a}) * select(abs({a}), {K} + (abs({a}) - {K}) / {K2}, abs({a}) > {K})",
      "m_ = np.abs({A})\n{O} = np.sign({A}) * np.where(m_ > {K}, {K} + (m_ - {K}) / {K2}, m_)",
      ["apply a hard-knee compressor with threshold {K} and ratio {K2} to the samples in {X}",
       "compress {X}: above the threshold {K}, the magnitude becomes {K} + (|x| - {K}) / {K2}, sign kept",
       "run a simple dynamic range compressor (threshold {K}, ratio {K2}:1) over {X}",
       "squash the peaks of {X} above {K} by the ratio {K2}, leaving quieter samples untouched"],
      ["{X} compressed with threshold {K} and ratio {K2} (hard knee)",
       "sign(x) * ({K} + (|x| - {K}) / {K2}) where |x| > {K}, else x, for {X}"],
      ["{xi} with its magnitude above {K} divided by {K2} (sign kept)"],
      ["sign({xi}) * (|{xi}| > {K} ? {K} + (|{xi}| - {K}) / {K2} : |{xi}|)"],
      (["samples", "audio", "signal", "x", "wave"], ["out", "compressed", "y", "wet"]), fill=("uniform(-1.5,1.5)",),
      params=[ParamDef("K", ["threshold", "thresh", "knee", "thr"], [0.5, 0.3, 0.7, 0.25]),
              ParamDef("K2", ["ratio", "comp_ratio", "r", "slope_ratio"], [4.0, 2.0, 8.0, 3.0])]),
    D("soft_clip", 1, "tanh({K} * {a})", "{O} = np.tanh({K} * {A})",
      ["soft-clip the samples in {X} with tanh and drive {K}", "apply tanh saturation tanh({K} * x) to {X}",
       "add warm distortion to {X}: tanh of the signal times {K}", "overdrive {X} by {K} through a tanh waveshaper"],
      ["tanh({K} * {X})", "{X} soft-clipped with drive {K}", "{X} through a tanh saturator with drive {K}"],
      ["tanh({K} * {xi})"], ["tanh({K} * {xi})"],
      (["samples", "audio", "signal", "x", "dry"], ["out", "clipped", "y", "wet"]), fill=("uniform(-1.5,1.5)",),
      params=[ParamDef("K", ["drive", "gain", "pre_gain", "amount"], [2.0, 4.0, 1.5, 10.0])], **TR),
]
OSC = (["phase", "phases", "ph", "t_cycles", "cycle"], ["out", "osc", "wave", "samples", "signal"])
AUDIO += [
    D("osc_sine", 1, "sin(6.2831853 * {a})", "{O} = np.sin(6.2831853 * {A})",
      ["generate a sine wave from the phases in {X}, measured in cycles", "compute sin(2π * phase) for each phase in {X}",
       "turn the oscillator phases in {X} (1.0 = one full cycle) into sine samples"],
      ["a sine oscillator driven by the phases (in cycles) in {X}", "sin(2 * pi * {X})"],
      ["sin(2π {xi})"], ["sin(2 * pi * {xi})"], OSC, fill=("uniform(0,4)",), **TR),
    D("osc_saw", 1, "2.0 * fract({a}) - 1.0", "{O} = 2 * ({A} - np.floor({A})) - 1",
      ["generate a sawtooth wave in [-1, 1) from the phases in {X} (in cycles)",
       "turn the phases in {X} into a rising saw: 2 * fract(phase) - 1"],
      ["a sawtooth oscillator output for the phases in {X}", "2 * fract({X}) - 1"],
      ["2 * fract({xi}) - 1"], ["2 * fract({xi}) - 1", "2 * ({xi} - floor({xi})) - 1"], OSC, fill=("uniform(0,8)",)),
    D("osc_square", 1, "select(-1.0, 1.0, fract({a}) < 0.5)", "{O} = np.where({A} - np.floor({A}) < 0.5, 1, -1)",
      ["generate a square wave from the phases in {X}: +1 in the first half of each cycle, -1 in the second",
       "turn the oscillator phases {X} (in cycles) into a 50% duty square wave"],
      ["a square wave (±1) for the phases in {X}", "1 where fract({X}) < 0.5, else -1"],
      ["1 if fract({xi}) < 0.5, otherwise -1"], ["fract({xi}) < 0.5 ? 1 : -1"], OSC, fill=("uniform(0,8)",)),
    D("osc_triangle", 1, "4.0 * abs(fract({a}) - 0.5) - 1.0", "{O} = 4 * np.abs({A} - np.floor({A}) - 0.5) - 1",
      ["generate a triangle wave from the phases in {X}, +1 at whole cycles and -1 at half cycles",
       "turn the phases in {X} into a triangle oscillator: 4 * |fract(p) - 0.5| - 1"],
      ["a triangle wave for the phases in {X} (peak +1 at integer phases, -1 at half phases)", "4 * |fract({X}) - 0.5| - 1"],
      ["4 * abs(fract({xi}) - 0.5) - 1"], ["4 * abs(fract({xi}) - 0.5) - 1"], OSC, fill=("uniform(0,8)",)),
    D("pan_equal_power", 1, "{a} * vec2<f32>(cos(th), sin(th))",
      "th_ = np.float32(({K} + 1) * 0.7853982)\n{O} = {A}[:, None] * np.array([np.cos(th_), np.sin(th_)], np.float32)",
      ["pan the mono samples in {X} to stereo with an equal-power pan law at position {K} (-1 left, +1 right)",
       "spread {X} into (left, right) pairs with constant-power panning, angle (pan + 1) * π/4 for pan = {K}",
       "apply equal-power panning at {K} to {X}, writing vec2 left/right frames"],
      ["the equal-power stereo pan of {X} at {K}: left = cos((pan + 1) π/4) x, right = sin((pan + 1) π/4) x",
       "{X} panned to {K} with the constant-power law, as vec2<f32> stereo frames"],
      ["{xi} times (cos((1 + {K}) π/4), sin((1 + {K}) π/4))"], ["{xi} * vec2(cos(({K} + 1) * pi / 4), sin(({K} + 1) * pi / 4))"],
      (["mono", "samples", "voice", "src"], ["stereo", "frames", "out", "lr"]), pre=("let th = ({K} + 1.0) * 0.7853982;",),
      params=[ParamDef("K", ["pan", "position", "balance", "pan_pos"], [-1.0, -0.5, 0.0, 0.25, 0.8, 1.0])],
      otype="array<vec2<f32>>", **TR),
    D("mix_into_bus", 1, "{o} + {K} * {a}", "{O} = {O} + {K} * {A}",
      ["mix the track in {X} into {O}, the mix bus, with gain {K}", "add {X} scaled by {K} into {O} in place (a mix bus)",
       "sum the channel in {X} into {O} at level {K}: bus += gain * track"], [],
      ["{oi} plus {K} times {xi}"], ["{oi} + {K} * {xi}"],
      (["track", "stem", "voice", "channel_in", "send"], []), acc=("bus", "mix_bus", "master", "sum_bus"),
      params=[ParamDef("K", ["gain", "level", "send_gain", "vol"], [0.5, 0.8, 0.25, 1.0, 0.707])], accumulate=True),
]

PRICES = "uniform(1,200)"
FINANCE = [
    D("percent_change", 2, "({b} - {a}) / {a} * 100.0", "{O} = ({B} - {A}) / {A} * 100",
      ["compute the percent change from the old values in {X} to the new values in {Y}",
       "compute (new - old) / old * 100 with old in {X} and new in {Y}",
       "work out by how many percent each price moved from {X} to {Y}"],
      ["the percentage change from {X} to {Y}", "({Y} - {X}) / {X} * 100",
       "the % change of each value, with the before values in {X} and the after values in {Y}"],
      ["the percent change ({yi} - {xi}) / {xi} * 100"], ["({yi} - {xi}) / {xi} * 100"],
      ([("old", "newer"), ("before", "after"), ("prev", "cur"), ("old_px", "new_px"), ("base", "latest")],
       ["pct", "change_pct", "pct_change", "out"]), fill=(PRICES, PRICES)),
    D("simple_return", 2, "({b} - {a}) / {a}", "{O} = ({B} - {A}) / {A}",
      ["compute the simple return of each asset from the start prices in {X} to the end prices in {Y}",
       "compute the arithmetic return p1 / p0 - 1 with p0 in {X} and p1 in {Y}",
       "calculate the period return (end - start) / start for {X} and {Y}"],
      ["the simple returns from {X} to {Y}", "({Y} - {X}) / {X}, the return of each position"],
      ["the return ({yi} - {xi}) / {xi}"], ["({yi} - {xi}) / {xi}", "{yi} / {xi} - 1"],
      ([("p0", "p1"), ("start", "end"), ("open_px", "close_px"), ("price_then", "price_now")], ["ret", "returns", "r", "out"]),
      fill=(PRICES, PRICES)),
    D("log_return", 2, "log({b} / {a})", "{O} = np.log({B} / {A})",
      ["compute the log return of each asset from the prices in {X} to the prices in {Y}",
       "compute ln(p1 / p0) with p0 from {X} and p1 from {Y}", "calculate continuously compounded returns between {X} and {Y}"],
      ["the log returns ln({Y} / {X})", "the continuously compounded return from {X} to {Y}"],
      ["ln({yi} / {xi})"], ["log({yi} / {xi})", "ln({yi} / {xi})"],
      ([("p0", "p1"), ("prev", "cur"), ("old_px", "new_px"), ("start", "end")], ["logret", "log_ret", "r", "out"]),
      fill=(PRICES, PRICES), **TR),
    D("compound_interest", 1, "{a} * pow(1.0 + {K} / f32({K2}), f32({K2}) * {K3})",
      "b_ = np.float32(1) + {K} / np.float32({K2})\n{O} = {A} * np.power(b_, np.float32({K2}) * {K3})",
      ["compute the compound interest balance of each principal in {X} at annual rate {K}, compounded {K2} times a year, "
       "after {K3} years",
       "grow {X} with compound interest: P * (1 + {K} / {K2})^({K2} * {K3})",
       "calculate the future value of the deposits in {X} (rate {K}, {K2} compounding periods per year, {K3} years)"],
      ["the future value of {X} at rate {K} compounded {K2} times per year for {K3} years",
       "{X} * (1 + {K} / {K2})^({K2} * {K3})"],
      ["{xi} * (1 + {K} / {K2})^({K2} * {K3})"], ["{xi} * pow(1 + {K} / {K2}, {K2} * {K3})"],
      (["principal", "deposit", "balance", "p", "amount"], ["fv", "future", "out", "balance_out"]), fill=("uniform(100,10000)",),
      params=[ParamDef("K", ["rate", "r", "apr", "annual_rate"], [0.05, 0.03, 0.07, 0.12]),
              ParamDef("K2", ["n", "periods", "per_year", "compounds"], [1, 4, 12, 365], "u32"),
              ParamDef("K3", ["years", "t", "term", "n_years"], [10.0, 5.0, 2.5, 1.0])], rtol=2e-3, atol=1e-2),
    D("continuous_compound", 1, "{a} * exp({K} * {K2})", "{O} = {A} * np.exp({K} * {K2})",
      ["compute the continuously compounded value of each principal in {X} at rate {K} after {K2} years",
       "grow {X} with continuous compounding: P * e^({K} * {K2})"],
      ["{X} * exp({K} * {K2})", "the value of {X} compounded continuously at {K} for {K2} years"],
      ["{xi} * e^({K} * {K2})"], ["{xi} * exp({K} * {K2})"],
      (["principal", "deposit", "p", "amount"], ["fv", "future", "out"]), fill=("uniform(100,10000)",),
      params=[ParamDef("K", ["rate", "r", "apr"], [0.05, 0.03, 0.07]), ParamDef("K2", ["years", "t", "term"], [10.0, 5.0, 2.5])],
      rtol=1e-3, atol=1e-2),
    D("present_value", 2, "{a} / pow(1.0 + {K}, {b})", "{O} = {A} / np.power(1 + {K}, {B})",
      ["discount the cash flows in {X}, due at the times in {Y} (in years), to present value at rate {K}",
       "compute the present value of each payment in {X} due after the times in {Y} (years), discount rate {K}",
       "compute cf / (1 + {K})^t with the cash flows in {X} and the times t in {Y}"],
      ["the present values of the cash flows in {X} due at the times in {Y}, discounted at {K}", "{X} / (1 + {K})^{Y}"],
      ["{xi} / (1 + {K})^{yi}"], ["{xi} / pow(1 + {K}, {yi})", "{xi} / (1 + {K})^{yi}"],
      ([("cash", "t"), ("cashflows", "years"), ("payments", "when"), ("cf", "t_years")], ["pv", "present", "discounted", "out"]),
      fill=("uniform(-1000,1000)", "uniform(0,30)"),
      params=[ParamDef("K", ["rate", "r", "discount", "disc_rate"], [0.05, 0.03, 0.08, 0.1])], rtol=1e-3, atol=1e-3),
    D("profit_margin", 2, "({a} - {b}) / {a} * 100.0", "{O} = ({A} - {B}) / {A} * 100",
      ["compute the profit margin in percent from the revenue in {X} and the costs in {Y}",
       "compute (revenue - cost) / revenue * 100 with revenue in {X} and cost in {Y}"],
      ["the profit margin (%) with revenue in {X} and cost in {Y}", "({X} - {Y}) / {X} * 100"],
      ["the margin ({xi} - {yi}) / {xi} * 100"], ["({xi} - {yi}) / {xi} * 100"],
      ([("revenue", "cost"), ("sales", "costs"), ("income", "expense")], ["margin", "margin_pct", "out"]),
      fill=("uniform(100,1000)", "uniform(0,900)")),
]

VARIANTS = PHYSICS + AUDIO + FINANCE
