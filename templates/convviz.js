/* convviz.js — the geometry of one convolution, in the browser.
 *
 * A port of convviz's Python engine (ConvSpec: normalisation, validation, per-axis
 * geometry, index maps), so that a page can show the picture and the output size of
 * any spec offline. The test-suite
 * compares every function here with the Python engine over every preset and thousands
 * of generated specs, in Chromium.
 *
 * A classic script (no import or export): it also runs as a module, but browsers refuse
 * module scripts from file:// pages, and the gallery must work from file://.
 *
 *   convviz.geometry(spec)      -> {output_size, canvas_size, taps, input_taps, canvas_kind,
 *                                   padding_before, padding_after, ...}
 *   convviz.validate(spec)      -> the normalised spec (a convviz.Spec), or a SpecError
 *
 * convviz-code.js (loaded after this file) adds the PyTorch and Keras code, the
 * disagreements and the output-size formula.
 *
 * `spec` is a plain object with ConvSpec's argument names: input_size, kernel_size,
 * stride, padding (an int, one int per axis, one [before, after] pair per axis, or a
 * name), dilation, transposed, output_padding, groups, in_channels, out_channels. A spec
 * the engine refuses throws a convviz.SpecError with the engine's message. JSON cannot
 * tell 2.0 from 2, so a whole-valued number counts as a whole number here.
 */
(function (root) {
  "use strict";

  var PADDING_NAMES = ["valid", "same", "full", "causal"];
  var TRANSPOSED_PADDING_NAMES = ["valid", "same"];
  var MAX_NDIM = 3;
  var MAX_MAP_ENTRIES = Math.pow(2, 28);
  var AXIS_NAMES = { 1: ["length"], 2: ["rows", "cols"], 3: ["depth", "rows", "cols"] };
  var INPUT = 0, PADDING = 1, ZERO = 2; // what a canvas cell is

  function SpecError(message) {
    var error = new Error(message);
    Object.setPrototypeOf(error, SpecError.prototype);
    return error;
  }
  SpecError.prototype = Object.create(Error.prototype);
  SpecError.prototype.constructor = SpecError;
  SpecError.prototype.name = "SpecError";

  // -- Python's text of a value (the engine's messages quote values with repr) ----------
  function Tuple(items) { this.items = items; } // a normalised value, shown as (a, b)

  function repr(value) {
    if (value === null || value === undefined) return "None";
    if (value === true) return "True";
    if (value === false) return "False";
    if (value instanceof Tuple) {
      var inner = value.items.map(repr);
      return "(" + inner.join(", ") + (inner.length === 1 ? ",)" : ")");
    }
    if (Array.isArray(value)) return "[" + value.map(repr).join(", ") + "]";
    if (typeof value === "string") {
      var quote = value.indexOf("'") >= 0 && value.indexOf('"') < 0 ? '"' : "'";
      var body = value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
      if (quote === "'") body = body.replace(/'/g, "\\'");
      return quote + body + quote;
    }
    if (typeof value === "number") {
      if (Number.isInteger(value)) return String(value);
      if (!isFinite(value)) return isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
      return String(value);
    }
    return String(value);
  }

  function tuple(items) { return new Tuple(items); }
  function pairsTuple(pairs) { return tuple(pairs.map(tuple)); }

  function isWhole(value) { return typeof value === "number" && Number.isInteger(value); }
  function isSeq(value) { return Array.isArray(value); }
  function allWhole(values) { return values.every(isWhole); }
  function repeat(value, n) { var out = []; for (var a = 0; a < n; a++) out.push(value); return out; }
  function setOf(values) { return Array.from(new Set(values)); }
  function prod(values) { return values.reduce(function (a, b) { return a * b; }, 1); }
  function floorDiv(a, b) { return Math.floor(a / b); }
  function sameList(a, b) {
    return a.length === b.length && a.every(function (v, i) { return v === b[i]; });
  }

  // -- normalisation (convviz/core/spec.py) -------------------------------------------
  function perAxis(name, value, ndim, minimum) {
    var values;
    if (isWhole(value)) {
      values = repeat(value, ndim);
    } else if (isSeq(value)) {
      if (value.length !== ndim) {
        throw SpecError(name + " must be an int or a tuple of " + ndim + " ints (one per axis), got " +
          repr(value) + " with " + value.length + " values");
      }
      if (!allWhole(value)) throw SpecError(name + " must hold whole numbers, got " + repr(value));
      values = value.slice();
    } else {
      throw SpecError(name + " must be an int or a tuple of ints, got " + repr(value));
    }
    values.forEach(function (v) {
      if (v < minimum) {
        throw SpecError(name + " must be >= " + minimum + " on every axis, got " + repr(value));
      }
    });
    return values;
  }

  function normalisePadding(padding, ndim, transposed) {
    if (typeof padding === "string") {
      var name = padding.toLowerCase();
      var allowed = transposed ? TRANSPOSED_PADDING_NAMES : PADDING_NAMES;
      if (allowed.indexOf(name) < 0) {
        var kind = transposed ? "a transposed convolution" : "a convolution";
        throw SpecError("padding " + repr(padding) + " is not a padding name for " + kind +
          "; use one of " + allowed.join(", ") + " or whole numbers");
      }
      return name;
    }
    if (isWhole(padding)) {
      if (padding < 0) throw SpecError("padding must be >= 0, got " + padding);
      return repeat([padding, padding], ndim);
    }
    if (isSeq(padding)) {
      if (padding.length !== ndim) {
        throw SpecError("padding must have one entry per axis (" + ndim + "), got " + repr(padding) +
          " with " + padding.length + "; per-side padding is a pair per axis, e.g. " +
          repr(tuple(repeat(tuple([1, 2]), ndim))));
      }
      return padding.map(function (entry) {
        var pair;
        if (isWhole(entry)) {
          pair = [entry, entry];
        } else if (isSeq(entry) && entry.length === 2 && allWhole(entry)) {
          pair = [entry[0], entry[1]];
        } else {
          throw SpecError("padding entries must be ints or (before, after) pairs, got " +
            repr(entry) + " in " + repr(padding));
        }
        if (Math.min(pair[0], pair[1]) < 0) {
          throw SpecError("padding must be >= 0 on every side, got " + repr(padding));
        }
        return pair;
      });
    }
    throw SpecError("padding must be an int, a tuple, or one of " + PADDING_NAMES.join(", ") +
      "; got " + repr(padding));
  }

  function sizeTuple(name, value, ndim) {
    var values;
    if (isWhole(value)) {
      values = repeat(value, ndim === null ? 2 : ndim);
    } else if (isSeq(value) && allWhole(value)) {
      values = value.slice();
      if (values.length < 1 || values.length > MAX_NDIM) {
        throw SpecError(name + " must have 1, 2 or 3 spatial dimensions, got " + repr(value) +
          " (" + values.length + " values)");
      }
      if (ndim !== null && values.length !== ndim) {
        throw SpecError(name + " must have " + ndim + " values like input_size, got " + repr(value) +
          " with " + values.length);
      }
    } else {
      throw SpecError(name + " must be an int or a tuple of ints, got " + repr(value));
    }
    if (Math.min.apply(null, values) < 1) {
      throw SpecError(name + " must be >= 1 on every axis, got " + repr(value));
    }
    return values;
  }

  function arg(spec, name, fallback) {
    return spec[name] === undefined ? fallback : spec[name];
  }

  // -- one axis (convviz/core/axis.py) -------------------------------------------------
  function Axis(i, k, s, d, lo, hi, transposed, op) {
    this.input_size = i; this.kernel_size = k; this.stride = s; this.dilation = d;
    this.pad_before = lo; this.pad_after = hi; this.transposed = transposed; this.output_padding = op;
    this.effective_kernel = d * (k - 1) + 1;
    this.output_size = transposed
      ? (i - 1) * s + this.effective_kernel - lo - hi + op
      : floorDiv(i + lo + hi - this.effective_kernel, s) + 1;
    this.signed = transposed
      ? [this.effective_kernel - 1 - lo, this.effective_kernel - 1 - hi + op]
      : [lo, hi];
    this.canvas_padding = [Math.max(this.signed[0], 0), Math.max(this.signed[1], 0)];
    this.stretched_size = transposed ? (i - 1) * s + 1 : i;
    this.canvas_size = this.canvas_padding[0] + this.stretched_size + this.canvas_padding[1];
    this.canvas_stride = transposed ? 1 : s;
  }
  Axis.prototype.canvasKind = function () {
    var kind = repeat(PADDING, this.canvas_size);
    var before = this.canvas_padding[0], step = this.transposed ? this.stride : 1, c;
    for (c = before; c < before + this.stretched_size; c++) kind[c] = ZERO;
    for (c = 0; c < this.input_size; c++) kind[before + step * c] = INPUT;
    return kind;
  };
  Axis.prototype.canvasInput = function () {
    var index = repeat(-1, this.canvas_size);
    var step = this.transposed ? this.stride : 1;
    for (var c = 0; c < this.input_size; c++) index[this.canvas_padding[0] + step * c] = c;
    return index;
  };
  Axis.prototype.canvasTaps = function () { // [o][t]: the canvas cell output o reads at tap t
    var offset = this.canvas_padding[0] - this.signed[0], out = [];
    for (var o = 0; o < this.output_size; o++) {
      var row = [], start = offset + this.canvas_stride * o;
      for (var t = 0; t < this.kernel_size; t++) row.push(start + t * this.dilation);
      out.push(row);
    }
    return out;
  };
  Axis.prototype.inputTaps = function () {
    var index = this.canvasInput();
    return this.canvasTaps().map(function (row) {
      return row.map(function (c) { return c >= 0 && c < index.length ? index[c] : -1; });
    });
  };

  // -- the spec ------------------------------------------------------------------------
  function Spec(raw) {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      throw new TypeError("spec must be an object with ConvSpec's argument names, got " + repr(raw));
    }
    var inputSize = sizeTuple("input_size", arg(raw, "input_size", undefined), null);
    var n = inputSize.length;
    this.ndim = n;
    this.input_size = inputSize;
    this.kernel_size = sizeTuple("kernel_size", arg(raw, "kernel_size", undefined), n);
    this.stride = perAxis("stride", arg(raw, "stride", 1), n, 1);
    this.dilation = perAxis("dilation", arg(raw, "dilation", 1), n, 1);
    var transposed = arg(raw, "transposed", false);
    if (typeof transposed !== "boolean") {
      throw SpecError("transposed must be True or False, got " + repr(transposed));
    }
    this.transposed = transposed;
    this.output_padding = perAxis("output_padding", arg(raw, "output_padding", 0), n, 0);
    this.padding = normalisePadding(arg(raw, "padding", 0), n, transposed);
    var groups = arg(raw, "groups", 1);
    if (!isWhole(groups) || groups < 1) {
      throw SpecError("groups must be a whole number >= 1, got " + repr(groups));
    }
    this.groups = groups;
    var self = this;
    ["in_channels", "out_channels"].forEach(function (name) {
      var value = arg(raw, name, null);
      self[name] = value;
      if (value === null) return;
      if (!isWhole(value) || value < 1) {
        throw SpecError(name + " must be a whole number >= 1, got " + repr(value));
      }
      if (value % groups) {
        throw SpecError(name + "=" + value + " is not divisible by groups=" + groups +
          "; each group needs the same number of channels");
      }
    });
    this.axes = [];
    for (var a = 0; a < n; a++) this.axes.push(this.makeAxis(a));
    this.axes.forEach(function (g, axis) {
      if (g.output_size < 1) throw SpecError(self.tooSmall(axis, g));
    });
    this.output_size = this.axes.map(function (g) { return g.output_size; });
    this.padding_before = this.axes.map(function (g) { return g.pad_before; });
    this.padding_after = this.axes.map(function (g) { return g.pad_after; });
    this.applied_output_padding = this.axes.map(function (g) { return g.output_padding; });
    this.canvas_size = this.axes.map(function (g) { return g.canvas_size; });
    this.channels = [this.in_channels || groups, this.out_channels || groups];
  }

  Spec.prototype.paddingRepr = function () {
    return typeof this.padding === "string" ? repr(this.padding) : repr(pairsTuple(this.padding));
  };

  Spec.prototype.makeAxis = function (a) {
    var i = this.input_size[a], k = this.kernel_size[a], s = this.stride[a], d = this.dilation[a];
    var kHat = d * (k - 1) + 1, op = this.output_padding[a], lo, hi, total;
    if (this.transposed) {
      if (op >= Math.max(s, d)) {
        throw SpecError("output_padding=" + repr(tuple(this.output_padding)) + " must be smaller than " +
          "max(stride, dilation) = " + Math.max(s, d) + " on every axis");
      }
      if (this.padding === "same") {
        if (op) {
          throw SpecError("output_padding=" + repr(tuple(this.output_padding)) + " cannot be combined " +
            "with padding='same', which already fixes the output to i·s");
        }
        total = kHat - s;
        if (total >= 0) { lo = floorDiv(total, 2); hi = total - lo; } else { lo = hi = 0; }
        op = Math.max(s - kHat, 0);
      } else if (this.padding === "valid") {
        lo = hi = 0;
      } else {
        lo = this.padding[a][0]; hi = this.padding[a][1];
      }
    } else {
      if (op) {
        throw SpecError("output_padding=" + repr(tuple(this.output_padding)) + " applies only to " +
          "transposed convolutions; set transposed=True or drop it");
      }
      if (this.padding === "valid") {
        lo = hi = 0;
      } else if (this.padding === "same") {
        var o = Math.ceil(i / s);
        total = Math.max((o - 1) * s + kHat - i, 0);
        lo = floorDiv(total, 2); hi = total - lo;
      } else if (this.padding === "full") {
        lo = hi = kHat - 1;
      } else if (this.padding === "causal") {
        lo = kHat - 1; hi = 0;
      } else {
        lo = this.padding[a][0]; hi = this.padding[a][1];
      }
    }
    return new Axis(i, k, s, d, lo, hi, this.transposed, op);
  };

  Spec.prototype.tooSmall = function (axis, g) {
    var where = this.ndim > 1 ? " on axis " + axis : "";
    if (this.transposed) {
      return "padding=" + this.paddingRepr() + " crops the whole output" + where + ": " +
        "(i−1)s + k̂ − p_before − p_after + output_padding = " +
        "(" + g.input_size + "−1)·" + g.stride + " + " + g.effective_kernel + " − " + g.pad_before +
        " − " + g.pad_after + " + " + g.output_padding + " = " + g.output_size + ", it must be >= 1";
    }
    return "kernel_size=" + repr(tuple(this.kernel_size)) + " (effective " + g.effective_kernel +
      " with dilation " + g.dilation + ") is wider than the padded input" + where + ": " +
      g.input_size + " + " + g.pad_before + " + " + g.pad_after + " = " +
      (g.input_size + g.pad_before + g.pad_after);
  };

  Spec.prototype.pairs = function () {
    var after = this.padding_after;
    return this.padding_before.map(function (lo, a) { return [lo, after[a]]; });
  };

  Spec.prototype.describe = function () {
    function fmt(values) { return setOf(values).length === 1 ? String(values[0]) : values.join("×"); }
    var parts = ["i=" + fmt(this.input_size), "k=" + fmt(this.kernel_size)];
    var before = this.padding_before, after = this.padding_after;
    if (setOf(this.stride).length !== 1 || this.stride[0] !== 1) parts.push("s=" + fmt(this.stride));
    if (typeof this.padding === "string") {
      parts.push("p=" + this.padding);
    } else if (sameList(before, after)) {
      parts.push("p=" + fmt(before));
    } else if (before.concat(after).some(Boolean)) {
      parts.push("p=" + before.map(function (b, a) { return b + "/" + after[a]; }).join(","));
    } else {
      parts.push("p=0");
    }
    if (!allOne(this.dilation)) parts.push("d=" + fmt(this.dilation));
    if (this.output_padding.some(Boolean)) parts.push("op=" + fmt(this.output_padding));
    if (this.groups !== 1) parts.push("g=" + this.groups);
    parts.push("o=" + fmt(this.output_size));
    return parts.join(", ") + (this.transposed ? ", transposed" : "");
  };

  Spec.prototype.checkMap = function (name, shape) {
    var entries = prod(shape);
    if (entries > MAX_MAP_ENTRIES) {
      throw SpecError(name + " of " + this.describe() + " would hold " + entries.toLocaleString("en-US") +
        " entries, more than the " + MAX_MAP_ENTRIES.toLocaleString("en-US") + " an index map may " +
        "have; sizes, counts and describe() need no map");
    }
  };

  function allOne(values) { return values.every(function (v) { return v === 1; }); }

  // -- index maps: nested arrays shaped like the engine's --------------------------------
  // (*output, *kernel, ndim) from per-axis [o][t] tables; invalid: all −1 if any is < 0
  function combinePairs(perAxis, invalidIfAny) {
    var n = perAxis.length, idx = repeat(0, 2 * n), sizes = [];
    perAxis.forEach(function (t) { sizes.push(t.length); });
    perAxis.forEach(function (t) { sizes.push(t.length ? t[0].length : 0); });
    var invalid = repeat(-1, n);
    function build(level) {
      var size = sizes[level], out = new Array(size), j, a;
      if (level + 1 < 2 * n) {
        for (j = 0; j < size; j++) { idx[level] = j; out[j] = build(level + 1); }
        return out;
      }
      for (j = 0; j < size; j++) {
        idx[level] = j;
        var cell = new Array(n), bad = false;
        for (a = 0; a < n; a++) {
          var v = perAxis[a][idx[a]][idx[n + a]];
          if (v < 0) bad = true;
          cell[a] = v;
        }
        out[j] = invalidIfAny && bad && n > 1 ? invalid.slice() : cell;
      }
      return out;
    }
    return build(0);
  }

  function outerKind(perAxis) { // padding beats an inserted zero beats an input cell
    var rank = [0, 2, 1], kind = [INPUT, ZERO, PADDING];
    function build(level, best) {
      if (level === perAxis.length) return kind[best];
      return perAxis[level].map(function (k) { return build(level + 1, Math.max(best, rank[k])); });
    }
    return build(0, 0);
  }

  // a property computed on first read, then kept (enumerable: JSON.stringify includes it)
  function lazy(target, name, compute) {
    var value, done = false;
    Object.defineProperty(target, name, {
      enumerable: true,
      get: function () { if (!done) { value = compute(); done = true; } return value; },
    });
  }

  /** The geometry of a spec. The sizes are plain numbers; the three index maps (taps,
   *  input_taps, canvas_kind, nested arrays shaped as in the engine) are built on first
   *  read, so a page that only needs one window reads `window(output_index)` and the
   *  per-axis tables in `axes` and never builds them. */
  function geometry(raw) {
    var spec = raw instanceof Spec ? raw : new Spec(raw);
    var n = spec.ndim;
    var axes = spec.axes.map(function (g) {
      return { canvas_taps: g.canvasTaps(), input_taps: g.inputTaps(), canvas_kind: g.canvasKind() };
    });
    var result = {
      ndim: n,
      input_size: spec.input_size.slice(),
      kernel_size: spec.kernel_size.slice(),
      stride: spec.stride.slice(),
      dilation: spec.dilation.slice(),
      transposed: spec.transposed,
      groups: spec.groups,
      channels: spec.channels.slice(),
      output_size: spec.output_size.slice(),
      effective_kernel_size: spec.axes.map(function (g) { return g.effective_kernel; }),
      padding_before: spec.padding_before.slice(),
      padding_after: spec.padding_after.slice(),
      applied_output_padding: spec.applied_output_padding.slice(),
      canvas_size: spec.canvas_size.slice(),
      canvas_padding: spec.axes.map(function (g) { return g.canvas_padding.slice(); }),
      describe: spec.describe(),
      axes: axes,
      /** One output cell's window: [canvas cells, input cells (−1 on padding or zeros)],
       *  each a flat list of coordinates [.., ..] in kernel order (row-major). */
      window: function (index) {
        if (!Array.isArray(index) || index.length !== n ||
            !index.every(function (v, a) { return isWhole(v) && v >= 0 && v < spec.output_size[a]; })) {
          throw SpecError("output index must be " + n + " whole numbers below output_size " +
            repr(tuple(spec.output_size)) + ", got " + repr(index));
        }
        var canvas = [[]], input = [[]];
        for (var a = 0; a < n; a++) {
          var cRow = axes[a].canvas_taps[index[a]], iRow = axes[a].input_taps[index[a]];
          var nextC = [], nextI = [];
          for (var j = 0; j < canvas.length; j++) {
            for (var t = 0; t < cRow.length; t++) {
              nextC.push(canvas[j].concat([cRow[t]]));
              nextI.push(input[j].concat([iRow[t]]));
            }
          }
          canvas = nextC; input = nextI;
        }
        input = input.map(function (cell) {
          return n > 1 && cell.some(function (v) { return v < 0; }) ? repeat(-1, n) : cell;
        });
        return [canvas, input];
      },
    };
    var mapShape = spec.output_size.concat(spec.kernel_size, [n]);
    lazy(result, "taps", function () {
      spec.checkMap("taps", mapShape);
      return combinePairs(axes.map(function (t) { return t.canvas_taps; }), false);
    });
    lazy(result, "input_taps", function () {
      spec.checkMap("input_taps", mapShape);
      return combinePairs(axes.map(function (t) { return t.input_taps; }), true);
    });
    lazy(result, "canvas_kind", function () {
      spec.checkMap("canvas_kind", spec.canvas_size);
      return outerKind(axes.map(function (t) { return t.canvas_kind; }));
    });
    return result;
  }

  /** Check a spec: the normalised spec (sizes, padding per side), or throw a SpecError. */
  function validate(raw) { return raw instanceof Spec ? raw : new Spec(raw); }

  root.convviz = {
    geometry: geometry,
    validate: validate,
    Spec: Spec,
    AXIS_NAMES: AXIS_NAMES,
    SpecError: SpecError,
    PADDING_NAMES: PADDING_NAMES.slice(),
    CELL_KINDS: { INPUT: INPUT, PADDING: PADDING, ZERO: ZERO },
  };
})(typeof window !== "undefined" ? window : globalThis);
