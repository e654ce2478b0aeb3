/* convviz-draw.js: the geometry of the gallery's (classic, text-free) picture in the
 * browser, ported from convviz/look/scene.py (the frames), convviz/draw/oblique_layout.py
 * (the layout) and oblique_frame.py (each frame); tests/test_js_draw.py compares every
 * number with Python's. A classic script after convviz.js; it adds to `window.convviz`:
 *   scene(spec) -> {spec, geometry, ndim, canvas_size, output_size, frames, output_anchor}
 *   layout(scene, {scale}) -> {width, height, scale, inputs, outputs, flat, hiders}
 *   frameGeometry(scene, layout, n) -> {shadow, segs, lines, cell}
 * A plane {rows, cols, origin, ex, ey} draws grid point (x, y) (cells; y up the rows) at
 * origin + x·ex + y·ey (px, y down). Points are [x, y]. */
(function (root) {
  "use strict";

  var convviz = root.convviz;
  if (!convviz || typeof convviz.geometry !== "function") {
    throw new Error("convviz-draw.js needs convviz.js, loaded before it");
  }
  var SpecError = convviz.SpecError;

  // -- the oblique map and the picture's measures (oblique_layout.py)
  var DPI = 150.0;
  var CELL = 0.5 / 2.54 * DPI; // one grid cell, 0.5 cm at 150 dpi, px
  var MARGIN = 21.6;
  var OUTPUT_SHIFT = 5.2;
  var EX = [1.0, 0.5];
  var EY = [-0.7, 0.65];
  var NUDGE = [0.05, 0.0];
  var MAX_PIXELS = 8192;
  var SLICE_GAP = 0.8;
  var ROW_GAP_1D = 2.0;
  var SCALE_RANGE = [0.1, 8.0];
  // the scene's limits (scene.py)
  var MAX_FRAMES = 4096;
  var MAX_CANVAS_CELLS = 64;
  var MAX_CHANNEL_FRAMES = 64;

  function repr(values) { // a tuple as Python prints it
    return "(" + values.join(", ") + (values.length === 1 ? ",)" : ")");
  }

  /** Python's round(): to the nearest whole number, halves to the even one. */
  function pyRound(x) {
    var r = Math.round(x);
    if (Math.abs(x - Math.trunc(x)) === 0.5) r = 2 * Math.round(x / 2);
    return r;
  }

  // -- the scene: one frame per output cell (scene.py)
  function channelsRead(spec, outChannel) {
    var perIn = spec.channels[0] / spec.groups, perOut = spec.channels[1] / spec.groups;
    var g = Math.floor(outChannel / perOut), reads = [];
    for (var c = g * perIn; c < (g + 1) * perIn; c++) reads.push(c);
    return reads;
  }

  function channelFrames(spec) {
    if (spec.ndim !== 2 || (spec.channels[0] === 1 && spec.channels[1] === 1)) return 1;
    var cells = spec.output_size[0] * spec.output_size[1];
    return spec.channels[1] * cells > MAX_CHANNEL_FRAMES ? 1 : spec.channels[1];
  }

  function checkSize(spec) {
    var frames = spec.output_size.reduce(function (a, b) { return a * b; }, 1);
    if (frames > MAX_FRAMES) {
      throw SpecError("output_size " + repr(spec.output_size) + " needs " + frames +
        " frames (one per output cell); the most an animation may have is " + MAX_FRAMES);
    }
    if (Math.max.apply(null, spec.canvas_size) > MAX_CANVAS_CELLS) {
      throw SpecError("the drawn grid (canvas_size) " + repr(spec.canvas_size) + " has more than " +
        MAX_CANVAS_CELLS + " cells on a side; use a smaller input_size, stride or kernel");
    }
  }

  /** Every output index in row-major order (np.ndindex). */
  function ndindex(shape) {
    var n = shape.length, total = 1, a;
    for (a = 0; a < n; a++) total *= shape[a];
    var out = new Array(total);
    for (var i = 0; i < total; i++) { // the last axis fastest
      var index = new Array(n), rest = i;
      for (a = n - 1; a >= 0; a--) { index[a] = rest % shape[a]; rest = (rest - index[a]) / shape[a]; }
      out[i] = index;
    }
    return out;
  }

  /** One frame; its taps are worked out when first read. */
  function Frame(shared, index, out, channel, reads) {
    this.shared = shared; this.index = index; this.output_index = out;
    this.out_channel = channel; this.reads = reads; this.cells = null;
  }
  Object.defineProperties(Frame.prototype, {
    taps: { enumerable: true, get: function () { // the product of the per-axis windows
      if (this.cells) return this.cells;
      var axes = this.shared.axes, out = this.output_index, cells = [[]];
      for (var a = 0; a < out.length; a++) {
        var row = axes[a].canvas_taps[out[a]], next = [];
        for (var j = 0; j < cells.length; j++) {
          for (var t = 0; t < row.length; t++) next.push(cells[j].concat([row[t]]));
        }
        cells = next;
      }
      return (this.cells = cells);
    } },
    weight_index: { enumerable: true, get: function () { return this.shared.weightIndex; } },
    extent: { enumerable: true, get: function () {
      var axes = this.shared.axes, kHat = this.shared.kHat, out = this.output_index;
      return out.map(function (o, a) { var v = axes[a].canvas_taps[o][0]; return [v, v + kHat[a]]; });
    } },
    // every tap reads padding or an inserted zero: on some axis every position does
    bias_only: { enumerable: true, get: function () {
      var axes = this.shared.axes, out = this.output_index;
      return out.some(function (o, a) { return axes[a].input_taps[o].every(function (v) { return v < 0; }); });
    } },
  });

  /** The scene: one frame per output cell, in the animation's order; a frame is {index,
   *  output_index, taps, weight_index, extent, bias_only, out_channel, reads}. */
  function scene(raw) {
    var spec = convviz.validate(raw);
    checkSize(spec);
    var g = convviz.geometry(spec), n = spec.ndim;
    var kHat = g.effective_kernel_size;
    // the kernel tap read at every window position: flipped per axis when transposed
    var weightIndex = ndindex(spec.kernel_size).map(function (tap) {
      var flat = 0;
      for (var a = 0; a < n; a++) {
        var t = spec.transposed ? spec.kernel_size[a] - 1 - tap[a] : tap[a];
        flat = flat * spec.kernel_size[a] + t;
      }
      return flat;
    });
    var multi = n === 2 && !(spec.channels[0] === 1 && spec.channels[1] === 1);
    var stepped = channelFrames(spec), outs = ndindex(spec.output_size), frames = [];
    var shared = { axes: g.axes, kHat: kHat, weightIndex: weightIndex };
    for (var ch = 0; ch < stepped; ch++) {
      for (var o = 0; o < outs.length; o++) {
        var index = frames.length, channel = ch;
        if (stepped === 1 && multi) channel = index % spec.channels[1];
        frames.push(new Frame(shared, index, outs[o], channel,
                              multi ? channelsRead(spec, channel) : [0]));
      }
    }
    var anchors = [];
    if (n === 1) {
      var axis = spec.axes[0], causal = spec.padding === "causal" && !spec.transposed;
      g.axes[0].canvas_taps.forEach(function (row) {
        anchors.push(causal ? row[0] + axis.effective_kernel - 0.5 : row[0] + axis.effective_kernel / 2);
      });
    }
    return { spec: spec, geometry: g, ndim: n, canvas_size: spec.canvas_size.slice(),
             output_size: spec.output_size.slice(), frames: frames, output_anchor: anchors };
  }

  // -- planes
  function Plane(rows, cols, origin, ex, ey) {
    this.rows = rows; this.cols = cols; this.origin = origin; this.ex = ex; this.ey = ey;
  }
  Plane.prototype.point = function (x, y) {
    return [this.origin[0] + x * this.ex[0] + y * this.ey[0],
            this.origin[1] + x * this.ex[1] + y * this.ey[1]];
  };
  /** The polygon (4 points) of cell [row, col]. */
  Plane.prototype.cell = function (r, c) {
    var y0 = this.rows - 1 - r;
    return [this.point(c, y0), this.point(c + 1, y0), this.point(c + 1, y0 + 1),
            this.point(c, y0 + 1)];
  };
  /** Corners of rows [r0, r1) × cols [c0, c1): (x0,y0), (x1,y0), (x1,y1), (x0,y1), y0 the bottom. */
  Plane.prototype.box = function (r0, r1, c0, c1) {
    var y0 = this.rows - r1, y1 = this.rows - r0;
    return [this.point(c0, y0), this.point(c1, y0), this.point(c1, y1), this.point(c0, y1)];
  };
  /** Grid lines over rows [r0, r1) × cols [c0, c1): constant x, then constant y. */
  Plane.prototype.grid = function (r0, r1, c0, c1) {
    var y0 = this.rows - r1, y1 = this.rows - r0, segs = [], v;
    for (v = c0; v <= c1; v++) segs.push([this.point(v, y0), this.point(v, y1)]);
    for (v = y0; v <= y1; v++) segs.push([this.point(c0, v), this.point(c1, v)]);
    return segs;
  };
  Plane.prototype.outlineExtent = function () { return this.box(0, this.rows, 0, this.cols); };
  Plane.prototype.shift = function (dx, dy) {
    return new Plane(this.rows, this.cols, [this.origin[0] + dx, this.origin[1] + dy], this.ex, this.ey);
  };

  function planeSize(rows, cols) {
    return [(cols * EX[0] - rows * EY[0]) * CELL, (cols * EX[1] + rows * EY[1]) * CELL];
  }

  function oblique(rows, cols, left, bottom) {
    return new Plane(rows, cols, [left - rows * EY[0] * CELL, bottom],
                     [EX[0] * CELL, -EX[1] * CELL], [EY[0] * CELL, -EY[1] * CELL]);
  }

  function grid2(shape) { return shape.length === 1 ? [1, shape[0]] : [shape[shape.length - 2], shape[shape.length - 1]]; }

  // -- overlap and clipping
  function convexOverlap(a, b, pad) { // separating axes
    var polys = [a, b];
    for (var p = 0; p < 2; p++) {
      var poly = polys[p];
      for (var k = 0; k < poly.length; k++) {
        var next = poly[(k + 1) % poly.length];
        var ex = next[0] - poly[k][0], ey = next[1] - poly[k][1], len = Math.hypot(ex, ey);
        var axis = [-ey / len, ex / len];
        var pa = a.map(function (q) { return q[0] * axis[0] + q[1] * axis[1]; });
        var pb = b.map(function (q) { return q[0] * axis[0] + q[1] * axis[1]; });
        var aMax = Math.max.apply(null, pa), aMin = Math.min.apply(null, pa);
        var bMax = Math.max.apply(null, pb), bMin = Math.min.apply(null, pb);
        if (aMax + pad < bMin || bMax + pad < aMin) return false;
      }
    }
    return true;
  }

  function overlap(inputs, outputs, pad) {
    return inputs.some(function (a) {
      return outputs.some(function (b) { return convexOverlap(a.outlineExtent(), b.outlineExtent(), pad); });
    });
  }

  /** [vx, vy, nx, ny] per edge of a convex polygon: a vertex and the inward normal. */
  function inwardEdges(poly) {
    var cx = 0, cy = 0, edges = [];
    poly.forEach(function (p) { cx += p[0]; });
    poly.forEach(function (p) { cy += p[1]; });
    cx /= poly.length; cy /= poly.length;
    for (var k = 0; k < poly.length; k++) {
      var vx = poly[k][0], vy = poly[k][1];
      var w = poly[(k + 1) % poly.length];
      var nx = -(w[1] - vy), ny = w[0] - vx;
      if (nx * (cx - vx) + ny * (cy - vy) < 0) { nx = -nx; ny = -ny; }
      edges.push([vx, vy, nx, ny]);
    }
    return edges;
  }

  /** The part of segment p→q before it enters any hider (inward edges of a convex
   *  polygon; Cyrus–Beck), or null when nothing of it shows. */
  function clip(p, q, hiders) {
    var px = p[0], py = p[1], dx = q[0] - px, dy = q[1] - py, tHide = 1.0;
    for (var h = 0; h < hiders.length; h++) {
      var edges = hiders[h], t0 = 0.0, t1 = 1.0;
      for (var e = 0; e < edges.length; e++) {
        var vx = edges[e][0], vy = edges[e][1], nx = edges[e][2], ny = edges[e][3];
        var num = nx * (px - vx) + ny * (py - vy);
        var den = nx * dx + ny * dy;
        if (Math.abs(den) < 1e-12) {
          if (num < 0) { t0 = 1.0; t1 = 0.0; break; }
          continue;
        }
        var t = -num / den;
        if (den > 0) t0 = Math.max(t0, t);
        else t1 = Math.min(t1, t);
      }
      if (t0 <= t1) tHide = Math.min(tHide, t0);
    }
    if (tHide <= 1e-9) return null;
    return [[px, py], [px + tHide * dx, py + tHide * dy]];
  }

  // -- the layout (oblique_layout.py _layout, classic theme: no labels, no caption)
  function checkScale(scale) {
    if (typeof scale !== "number") throw SpecError("scale must be a number, got " + String(scale));
    if (!(isFinite(scale) && scale >= SCALE_RANGE[0] && scale <= SCALE_RANGE[1])) {
      throw SpecError("scale must be between 0.1 and 8, got " + String(scale));
    }
    return scale;
  }

  /** Where every plane goes; hiders: the output planes' inward edges (they stop the lines). */
  function layout(sc, options) {
    var scale = checkScale(options && options.scale !== undefined ? options.scale : 1.0);
    var ndim = sc.ndim, canvas = sc.canvas_size, out = sc.output_size, m = MARGIN;
    var width, height, inputs, outputs, flat;
    if (ndim === 1) {
      var n = canvas[0], left = m;
      width = n * CELL + 2 * m;
      height = (2 + ROW_GAP_1D) * CELL + 2 * m;
      inputs = [new Plane(1, n, [left, m + (1 + ROW_GAP_1D + 1) * CELL], [CELL, 0.0], [0.0, -CELL])];
      outputs = sc.output_anchor.map(function (a) {
        return new Plane(1, 1, [left + (a - 0.5) * CELL, m + CELL], [CELL, 0.0], [0.0, -CELL]);
      });
      flat = true;
    } else {
      var rc = grid2(canvas), orc = grid2(out), rows = rc[0], cols = rc[1];
      var orows = orc[0], ocols = orc[1];
      var slices = ndim === 3 ? canvas[0] : 1;
      var ps = planeSize(rows, cols), ops = planeSize(orows, ocols);
      var pw = ps[0], ph = ps[1], opw = ops[0], oph = ops[1];
      var gap = SLICE_GAP * CELL;
      var inW = slices * pw + (slices - 1) * gap, inLeft = m, outLefts;
      if (ndim === 2) {
        outLefts = [m + (rows - orows) * -EY[0] * CELL - OUTPUT_SHIFT];
      } else {
        var depth = sc.spec.axes[0], kh = depth.effective_kernel;
        outLefts = sc.geometry.axes[0].canvas_taps.map(function (row) {
          var start = row[0];
          return m + (start * (pw + gap) + (kh * pw + (kh - 1) * gap) / 2) - opw / 2;
        });
      }
      var place = function (bottom, lift) {
        var ins = [];
        for (var z = 0; z < slices; z++) ins.push(oblique(rows, cols, inLeft + z * (pw + gap), bottom));
        var outs = outLefts.map(function (x) { return oblique(orows, ocols, x, bottom - lift); });
        return [ins, outs];
      };
      var lift = ((rows + cols) / 2 + 1) * CELL;
      for (;;) {
        var trial = place(0.0, lift);
        if (!overlap(trial[0], trial[1], 3.0)) break;
        lift += 0.25 * CELL;
      }
      var top = Math.max(ph, lift + oph), topExtra = 0.0;
      width = inW + 2 * m;
      height = top + topExtra + 2 * m;
      var placed = place(m + topExtra + top, lift);
      inputs = placed[0]; outputs = placed[1];
      flat = false;
    }
    var wPx = pyRound(width * scale), hPx = pyRound(height * scale);
    if (Math.max(wPx, hPx) > MAX_PIXELS) {
      throw SpecError("the picture would be " + wPx + "×" + hPx + " px; the most is " + MAX_PIXELS +
        " px per side (use a smaller scale or spec)");
    }
    var dx = (wPx / scale - width) / 2 + NUDGE[0], dy = (hPx / scale - height) / 2 + NUDGE[1];
    inputs = inputs.map(function (p) { return p.shift(dx, dy); });
    outputs = outputs.map(function (p) { return p.shift(dx, dy); });
    return { width: wPx, height: hPx, scale: scale, inputs: inputs, outputs: outputs, flat: flat,
             hiders: outputs.map(function (p) { return inwardEdges(p.outlineExtent()); }) };
  }

  // -- one frame (oblique_frame.py frame_geometry)
  /** Frame n in layout px: the window's cells, the grid over the kernel's extent, the
   *  projection lines (clipped at the output planes) and the output cell. */
  function frameGeometry(sc, lay, n) {
    var f = sc.frames[n], ndim = sc.ndim, ext = f.extent;
    var r0, r1, c0, c1;
    if (ndim === 1) { r0 = 0; r1 = 1; c0 = ext[0][0]; c1 = ext[0][1]; }
    else { r0 = ext[ndim - 2][0]; r1 = ext[ndim - 2][1]; c0 = ext[ndim - 1][0]; c1 = ext[ndim - 1][1]; }
    // the plane and [row, col] of every tap
    var z = [], rc = [];
    f.taps.forEach(function (cell) {
      if (ndim === 1) { z.push(0); rc.push([0, cell[0]]); }
      else if (ndim === 2) { z.push(0); rc.push(cell); }
      else { z.push(cell[0]); rc.push([cell[1], cell[2]]); }
    });
    var zs = Array.from(new Set(z)).sort(function (a, b) { return a - b; });
    var shadow = [];
    zs.forEach(function (zi) {
      var plane = lay.inputs[zi];
      for (var t = 0; t < z.length; t++) if (z[t] === zi) shadow.push(plane.cell(rc[t][0], rc[t][1]));
    });
    var o = f.output_index, oplane, orow, ocol;
    if (ndim === 1) { oplane = lay.outputs[o[0]]; orow = 0; ocol = 0; }
    else if (ndim === 2) { oplane = lay.outputs[0]; orow = o[0]; ocol = o[1]; }
    else { oplane = lay.outputs[o[0]]; orow = o[1]; ocol = o[2]; }
    var grids = [];
    if (ndim === 3) { for (var g = ext[0][0]; g < ext[0][1]; g++) grids.push(g); } else grids.push(0);
    if (zs.length > 2) zs = [zs[0], zs[zs.length - 1]];
    var cell = oplane.box(orow, orow + 1, ocol, ocol + 1);
    var segs = [], lines = [];
    grids.forEach(function (zi) { segs.push.apply(segs, lay.inputs[zi].grid(r0, r1, c0, c1)); });
    zs.forEach(function (zi) {
      var box = lay.inputs[zi].box(r0, r1, c0, c1);
      if (lay.flat) lines.push([box[3], cell[0]], [box[2], cell[1]]);
      else for (var k = 0; k < 4; k++) lines.push([box[k], cell[k]]);
    });
    var shown = [];
    lines.forEach(function (seg) {
      var part = clip(seg[0], seg[1], lay.hiders);
      if (part !== null) shown.push(part);
    });
    return { shadow: shadow, segs: segs, lines: shown, cell: [cell] };
  }

  convviz.scene = scene;
  convviz.layout = layout;
  convviz.frameGeometry = frameGeometry;
  convviz.draw = { Plane: Plane, CELL: CELL, MARGIN: MARGIN, pyRound: pyRound, clip: clip,
                   inwardEdges: inwardEdges, overlap: overlap };
})(typeof window !== "undefined" ? window : globalThis);
