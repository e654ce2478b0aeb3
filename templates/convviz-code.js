/* convviz-code.js — the PyTorch and Keras code of a convolution, where the two frameworks
 * differ, and its output-size formula, in the browser: a port of convviz/core/frameworks.py,
 * convviz/core/framework_differences.py and the formula in convviz/core/arithmetic.py. Load
 * it after convviz.js (a classic script too); it adds to window.convviz:
 *
 *   convviz.code(spec)          -> {pytorch, keras}: the exact lines convviz.info gives, or null
 *   convviz.disagreements(spec) -> where PyTorch and Keras differ, a list of sentences
 *   convviz.formula(spec)       -> {formula, padding_rule, lines}: the output-size formula
 *
 * Each takes the spec object convviz.geometry takes and throws the same SpecError.
 */
(function (convviz) {
  "use strict";

  if (!convviz || !convviz.Spec) throw new Error("convviz-code.js needs convviz.js loaded first");
  var AXIS_NAMES = convviz.AXIS_NAMES;

  function repeat(value, n) { var out = []; for (var a = 0; a < n; a++) out.push(value); return out; }
  function setOf(values) { return Array.from(new Set(values)); }
  function floorDiv(a, b) { return Math.floor(a / b); }
  function allOne(values) { return values.every(function (v) { return v === 1; }); }
  function samePairs(a, b) {
    return a.length === b.length && a.every(function (p, i) { return p[0] === b[i][0] && p[1] === b[i][1]; });
  }
  function sameList(a, b) {
    return a.length === b.length && a.every(function (v, i) { return v === b[i]; });
  }

  // -- framework code (convviz/core/frameworks.py) -----------------------------------------
  function num(values) { // 3 if every axis agrees, else (3, 2)
    return setOf(values).length === 1 ? String(values[0]) : "(" + values.join(", ") + ")";
  }
  function lastAxisFirst(pairs) {
    var flat = [];
    pairs.slice().reverse().forEach(function (p) { flat.push(p[0], p[1]); });
    return "(" + flat.join(", ") + ")";
  }
  function nested(pairs) {
    if (pairs.length === 1) return "(" + pairs[0][0] + ", " + pairs[0][1] + ")";
    return "(" + pairs.map(function (p) { return "(" + p[0] + ", " + p[1] + ")"; }).join(", ") + ")";
  }
  function stridedAndDilated(spec) { return !allOne(spec.stride) && !allOne(spec.dilation); }
  function derived(spec, stride, transposed) { // the 'same' spec of this input and kernel
    return new convviz.Spec({ input_size: spec.input_size, kernel_size: spec.kernel_size,
      stride: stride || spec.stride, dilation: spec.dilation, padding: "same",
      transposed: transposed });
  }

  function torchTransposedArgs(spec) {
    var paddings = [], outPaddings = [], crops = [];
    spec.axes.forEach(function (g) {
      var lo = g.pad_before, hi = g.pad_after, op = g.output_padding;
      var limit = Math.max(g.stride, g.dilation), p, q, crop;
      if (lo >= hi) {
        p = Math.min(lo, hi + limit - 1 - op);
        q = op + p - hi;
        crop = [lo - p, 0];
      } else {
        p = lo;
        q = Math.max(0, op + lo - hi);
        crop = [0, q - (op + lo - hi)];
      }
      paddings.push(p); outPaddings.push(q); crops.push(crop);
    });
    return [paddings, outPaddings, crops];
  }

  function pytorchCode(spec) {
    var n = spec.ndim, cIn = spec.channels[0], cOut = spec.channels[1];
    var kw = ["kernel_size=" + num(spec.kernel_size)];
    if (!allOne(spec.stride)) kw.push("stride=" + num(spec.stride));
    var pairs = spec.pairs(), layer;
    if (!spec.transposed) {
      var before = null;
      if (spec.padding === "same" && allOne(spec.stride)) {
        kw.push('padding="same"');
      } else if (pairs.every(function (p) { return p[0] === p[1]; })) {
        if (pairs.some(function (p) { return p[0]; })) {
          kw.push("padding=" + num(pairs.map(function (p) { return p[0]; })));
        }
      } else {
        before = "nn.ZeroPad" + n + "d(" + lastAxisFirst(pairs) + ")";
      }
      if (!allOne(spec.dilation)) kw.push("dilation=" + num(spec.dilation));
      if (spec.groups !== 1) kw.push("groups=" + spec.groups);
      layer = "nn.Conv" + n + "d(" + cIn + ", " + cOut + ", " + kw.join(", ") + ")";
      return before ? "nn.Sequential(" + before + ", " + layer + ")" : layer;
    }
    var args = torchTransposedArgs(spec), paddings = args[0], outPaddings = args[1], crops = args[2];
    if (paddings.some(Boolean)) kw.push("padding=" + num(paddings));
    if (outPaddings.some(Boolean)) kw.push("output_padding=" + num(outPaddings));
    if (spec.groups !== 1) kw.push("groups=" + spec.groups);
    if (!allOne(spec.dilation)) kw.push("dilation=" + num(spec.dilation));
    layer = "nn.ConvTranspose" + n + "d(" + cIn + ", " + cOut + ", " + kw.join(", ") + ")";
    if (crops.some(function (c) { return c[0] || c[1]; })) {
      var negative = crops.map(function (c) { return [-c[0], -c[1]]; });
      return "nn.Sequential(" + layer + ", nn.ZeroPad" + n + "d(" + lastAxisFirst(negative) + "))";
    }
    return layer;
  }

  function kerasPaddingName(spec, pairs, stride) {
    if (pairs.every(function (p) { return p[0] === 0 && p[1] === 0; })) return "valid";
    if (samePairs(pairs, derived(spec, stride, false).pairs())) return "same";
    if (spec.ndim === 1 && pairs[0][0] === spec.axes[0].effective_kernel - 1 && pairs[0][1] === 0) {
      return "causal";
    }
    return null;
  }

  function sequential(parts) {
    return parts.length === 1 ? parts[0] : "keras.Sequential([" + parts.join(", ") + "])";
  }

  function kerasDirect(spec) {
    var n = spec.ndim, cOut = spec.channels[1], pairs = spec.pairs();
    var subsample = stridedAndDilated(spec);
    var stride = subsample ? repeat(1, n) : spec.stride.slice();
    var parts = [];
    var padding = kerasPaddingName(spec, pairs, stride);
    if (padding === null) {
      parts.push("keras.layers.ZeroPadding" + n + "D(" + nested(pairs) + ")");
      padding = "valid";
    }
    var kw = [String(cOut), num(spec.kernel_size)];
    if (!allOne(stride)) kw.push("strides=" + num(stride));
    if (padding !== "valid") kw.push('padding="' + padding + '"');
    if (!allOne(spec.dilation)) kw.push("dilation_rate=" + num(spec.dilation));
    if (spec.groups !== 1) kw.push("groups=" + spec.groups);
    parts.push("keras.layers.Conv" + n + "D(" + kw.join(", ") + ")");
    if (subsample) {
      parts.push("keras.layers.MaxPooling" + n + "D(pool_size=1, strides=" + num(spec.stride) + ")");
    }
    return sequential(parts);
  }

  function stretchLambda(spec) {
    var cIn = spec.channels[0], sizes = spec.input_size.slice(), expr = "x", rank = spec.ndim + 3;
    spec.stride.forEach(function (s, a) {
      if (s === 1) return;
      var widths = repeat([0, 0], rank);
      widths[a + 2] = [0, s - 1];
      sizes[a] *= s;
      var shape = [-1].concat(sizes, [cIn]).join(", ");
      expr = "keras.ops.reshape(keras.ops.pad(keras.ops.expand_dims(" + expr + ", " + (a + 2) + "), " +
        "(" + widths.map(function (p) { return "(" + p[0] + ", " + p[1] + ")"; }).join(", ") + ")" + "), (" + shape + "))";
    });
    return "keras.layers.Lambda(lambda x: " + expr + ")";
  }

  function kerasTransposed(spec) {
    var n = spec.ndim, cOut = spec.channels[1], cls = "Conv" + n + "DTranspose";
    if (spec.groups !== 1) return null;
    var same = derived(spec, null, true), stretch = stridedAndDilated(spec);
    var parts = [], kw = [String(cOut), num(spec.kernel_size)], crops;
    if (!stretch && samePairs(spec.pairs(), same.pairs()) &&
        sameList(spec.applied_output_padding, same.applied_output_padding)) {
      if (!allOne(spec.stride)) kw.push("strides=" + num(spec.stride));
      kw.push('padding="same"');
      crops = repeat([0, 0], n);
    } else {
      var strides = stretch ? repeat(1, n) : spec.stride.slice();
      var qList = [], extra = [], defaults = [];
      crops = [];
      spec.axes.forEach(function (g, a) {
        var s = strides[a], i = stretch ? g.input_size * g.stride : g.input_size;
        var kHat = g.effective_kernel, dflt = Math.max(kHat, s) - kHat;
        var need = g.pad_before + g.output_size;
        var q = Math.min(Math.max(0, need - ((i - 1) * s + kHat)), s - 1);
        q = Math.max(dflt, q);
        var length = (i - 1) * s + kHat + q;
        var more = Math.max(0, -floorDiv(-(need - length), s));
        length += more * s;
        qList.push(q); extra.push(more); defaults.push(dflt);
        crops.push([g.pad_before, length - need]);
      });
      if (!allOne(strides)) kw.push("strides=" + num(strides));
      if (!sameList(qList, defaults)) kw.push("output_padding=" + num(qList));
      if (stretch) parts.push(stretchLambda(spec));
      if (extra.some(Boolean)) {
        parts.push("keras.layers.ZeroPadding" + n + "D(" +
          nested(extra.map(function (e) { return [0, e]; })) + ")");
      }
    }
    if (!allOne(spec.dilation)) kw.push("dilation_rate=" + num(spec.dilation));
    parts.push("keras.layers." + cls + "(" + kw.join(", ") + ")");
    if (crops.some(function (c) { return c[0] || c[1]; })) {
      parts.push("keras.layers.Cropping" + n + "D(" + nested(crops) + ")");
    }
    return sequential(parts);
  }

  function code(raw) {
    var spec = convviz.validate(raw);
    return { pytorch: pytorchCode(spec), keras: spec.transposed ? kerasTransposed(spec) : kerasDirect(spec) };
  }

  // -- disagreements (convviz/core/framework_differences.py) ---------------------------------
  function where(names, pairs, axes) {
    return axes.map(function (a) {
      return names[a] + ": " + pairs[a][0] + " before, " + pairs[a][1] + " after";
    }).join(", ");
  }
  function asymmetric(pairs) {
    var out = [];
    pairs.forEach(function (p, a) { if (p[0] !== p[1]) out.push(a); });
    return out;
  }
  var LAYOUT_DIRECT = "layouts: PyTorch N, C, *spatial with weights (C_out, C_in/g, *k); Keras " +
    "channels-last with kernels (*k, C_in/g, C_out)";
  var LAYOUT_TRANSPOSED = "layouts: PyTorch N, C, *spatial with weights (C_in, C_out/g, *k); Keras " +
    "channels-last with kernels (*k, C_out, C_in)";
  var STRIDE_DILATION = "stride > 1 with dilation > 1: PyTorch allows it, Keras refuses it";

  function directDisagreements(spec) {
    var n = spec.ndim, names = AXIS_NAMES[n], pairs = spec.pairs();
    var strided = !allOne(spec.stride), asym = asymmetric(pairs), out = [];
    var befores = pairs.map(function (p) { return p[0]; });
    if (spec.padding === "same" && strided) {
      if (asym.length) {
        out.push("'same' with stride > 1: TensorFlow/Keras pads asymmetrically, the odd cell " +
          "after (" + where(names, pairs, asym) + "); PyTorch refuses padding='same' with " +
          "stride > 1, and a symmetric padding=p starts every window one cell earlier " +
          "— different outputs");
      } else {
        out.push("'same' with stride > 1: PyTorch refuses padding='same' with stride " +
          "> 1; here Keras' 'same' is symmetric, so padding=" + num(befores) + " matches it");
      }
    } else if (spec.padding === "causal") {
      out.push("'causal' padding exists only in Keras (Conv1D); PyTorch has no such " +
        "padding name: pad first with nn.ZeroPad1d(" + lastAxisFirst(pairs) + ")");
    } else if (spec.padding === "full") {
      out.push("neither framework has 'full' padding by name: PyTorch padding=d(k − 1) " +
        "= " + num(befores) + ", Keras needs ZeroPadding" + n + "D");
    } else if (asym.length && typeof spec.padding !== "string") {
      out.push("per-side padding: PyTorch's padding argument is symmetric (pad first with " +
        "nn.ZeroPad" + n + "d), Keras pads by name only (valid, same, causal) or with " +
        "ZeroPadding" + n + "D");
    }
    if (typeof spec.padding !== "string" && pairs.some(function (p) { return p[0] || p[1]; })) {
      var tf = derived(spec, null, false), tfPairs = tf.pairs();
      if (sameList(tf.output_size, spec.output_size) && !samePairs(tfPairs, pairs)) {
        var differ = [];
        for (var a = 0; a < n; a++) if (!samePairs([tfPairs[a]], [pairs[a]])) differ.push(a);
        out.push("looks like 'same' but is not: Keras padding='same' gives the same output " +
          "size here but pads " + where(names, tfPairs, differ) + ", so its windows sit " +
          "elsewhere; keep the explicit ZeroPadding" + n + "D");
      }
    }
    if (stridedAndDilated(spec)) out.push(STRIDE_DILATION);
    if (spec.groups !== 1 && spec.groups === spec.channels[0] && n <= 2) {
      out.push("depthwise (groups = C_in = " + spec.groups + "): PyTorch says groups=" + spec.groups +
        "; Keras has groups too, but the idiom is DepthwiseConv" + n + "D(depth_multiplier=" +
        floorDiv(spec.channels[1], spec.groups) + ")");
    }
    out.push(LAYOUT_DIRECT);
    return out;
  }

  function transposedDisagreements(spec) {
    var names = AXIS_NAMES[spec.ndim], pairs = spec.pairs(), asym = asymmetric(pairs);
    var same = derived(spec, null, true), ops = spec.applied_output_padding;
    var kerasSame = samePairs(pairs, same.pairs()) && sameList(ops, same.applied_output_padding);
    var out = [];
    if (kerasSame && asym.length) {
      var torchP = pairs.map(function (p) { return Math.max(p[0], p[1]); });
      var torchQ = torchP.map(function (p, a) { return 2 * p - pairs[a][0] - pairs[a][1] + ops[a]; });
      var shift = torchP.map(function (p, a) { return p - pairs[a][0]; });
      out.push("transposed 'same': Keras gives o = i·s by cropping " + where(names, pairs, asym) +
        "; PyTorch's padding crops both sides equally and output_padding adds at the " +
        "end, so padding=" + num(torchP) + ", output_padding=" + num(torchQ) + " has the same " +
        "size but is shifted by " + num(shift) + " cell(s)");
    } else if (spec.padding === "same") {
      out.push("transposed 'same': Keras gives o = i·s by name; in PyTorch choose " +
        "padding and output_padding yourself");
    }
    if (ops.some(function (op, a) { return op >= spec.stride[a]; })) {
      out.push("output_padding: PyTorch takes it below max(stride, dilation), Keras 3 " +
        "only below the strides");
    } else if (ops.some(Boolean) && !kerasSame) {
      out.push("output_padding: both take it (PyTorch below max(stride, dilation), " +
        "Keras 3 below the strides)");
    }
    var extra = spec.axes.map(function (g) { return Math.max(g.effective_kernel, g.stride) - g.effective_kernel; });
    if (extra.some(Boolean) && !kerasSame) {
      out.push("transposed 'valid' with stride > k̂: Keras (output_padding=None) adds max(k̂, s) − " +
        "k̂ = " + num(extra) + " cells at the end, PyTorch adds only output_padding");
    }
    if (stridedAndDilated(spec)) out.push(STRIDE_DILATION);
    if (spec.groups !== 1) {
      out.push("groups: PyTorch's ConvTranspose takes groups, Keras' transposed layers do not");
    }
    out.push(LAYOUT_TRANSPOSED);
    return out;
  }

  function disagreements(raw) {
    var spec = convviz.validate(raw);
    return spec.transposed ? transposedDisagreements(spec) : directDisagreements(spec);
  }

  // -- the output-size formula (convviz/core/arithmetic.py) ------------------------------------
  function axisGroups(spec) { // axes with identical geometry, in order of first appearance
    var groups = [], keys = [];
    spec.axes.forEach(function (g, a) {
      var key = [g.input_size, g.kernel_size, g.stride, g.dilation, g.pad_before, g.pad_after,
        g.output_padding].join(",");
      var at = keys.indexOf(key);
      if (at < 0) { keys.push(key); groups.push([a]); } else { groups[at].push(a); }
    });
    return groups;
  }

  function axisFormula(g) {
    var i = g.input_size, k = g.kernel_size, s = g.stride, d = g.dilation;
    var lo = g.pad_before, hi = g.pad_after, op = g.output_padding, kHat = g.effective_kernel;
    var symbolic, filled;
    if (g.transposed) {
      symbolic = "o = (i − 1)·s + k̂ − p_before − p_after + output_padding";
      filled = "(" + i + " − 1)·" + s + " + " + kHat + " − " + lo + " − " + hi + " + " + op;
    } else {
      symbolic = "o = ⌊(i + p_before + p_after − k̂) / s⌋ + 1";
      filled = "⌊(" + i + " + " + lo + " + " + hi + " − " + kHat + ") / " + s + "⌋ + 1";
    }
    return {
      symbolic: symbolic, filled: filled, value: g.output_size,
      where: "k̂ = d(k − 1) + 1 = " + d + "·(" + k + " − 1) + 1 = " + kHat,
      terms: { i: i, k: k, d: d, k_hat: kHat, s: s, p_before: lo, p_after: hi, output_padding: op },
    };
  }

  function paddingRule(spec, g) {
    if (typeof spec.padding !== "string") return null;
    var name = spec.padding, kHat = g.effective_kernel, total;
    if (spec.transposed) {
      if (name === "valid") return "valid: nothing cropped, p_before = p_after = 0";
      total = kHat - g.stride;
      return "same: o = i·s = " + g.input_size + "·" + g.stride + " = " + g.input_size * g.stride +
        "; crop k̂ − s = " + total + (total >= 0
          ? " → " + g.pad_before + " before, " + g.pad_after + " after"
          : " < 0 → none, output_padding s − k̂ = " + g.output_padding);
    }
    if (name === "valid") return "valid: p_before = p_after = 0";
    if (name === "full") {
      return "full: p = d(k − 1) = " + g.dilation + "·(" + g.kernel_size + " − 1) = " + g.pad_before +
        " each side";
    }
    if (name === "causal") {
      return "causal: p_before = d(k − 1) = " + g.dilation + "·(" + g.kernel_size + " − 1) = " +
        g.pad_before + ", p_after = 0";
    }
    var o = Math.ceil(g.input_size / g.stride);
    total = g.pad_before + g.pad_after;
    return "same: o = ⌈i/s⌉ = ⌈" + g.input_size + "/" + g.stride + "⌉ = " + o + "; total = max((o − 1)·s + k̂ − i, " +
      "0) = max(" + (o - 1) + "·" + g.stride + " + " + kHat + " − " + g.input_size + ", 0) = " + total + " → " +
      g.pad_before + " before, " + g.pad_after + " after";
  }

  /** The output-size formula, as convviz.info gives it: {formula: one entry per group of
   *  identical axes (axes, symbolic, filled, value, where, terms), padding_rule: null or
   *  one {axes, text} per group, lines: one text line per group}. */
  function formula(raw) {
    var spec = convviz.validate(raw);
    var entries = [], rules = [], lines = [];
    axisGroups(spec).forEach(function (axes) {
      var g = spec.axes[axes[0]], entry = axisFormula(g);
      entries.push(Object.assign({ axes: axes }, entry));
      var rule = paddingRule(spec, g);
      if (rule) rules.push({ axes: axes, text: rule });
      var prefix = axes.length === spec.ndim ? "" : axes.map(function (a) {
        return AXIS_NAMES[spec.ndim][a];
      }).join(", ") + ": ";
      lines.push(prefix + entry.symbolic + " = " + entry.filled + " = " + entry.value + ", where " +
        entry.where);
    });
    return { formula: entries, padding_rule: rules.length ? rules : null, lines: lines };
  }

  convviz.code = code;
  convviz.disagreements = disagreements;
  convviz.formula = formula;
})(typeof window !== "undefined" ? window.convviz : globalThis.convviz);
