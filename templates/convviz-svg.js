/* convviz-svg.js: the gallery's oblique picture (classic theme) as SVG text, the same
 * bytes as convviz/draw/oblique_svg.py (whose docstring gives the format; tests/
 * test_js_draw.py compares the strings). A classic script after convviz.js and
 * convviz-draw.js; it adds to `window.convviz`:
 *   pictureSvg(spec, options) -> the SVG document
 *   obliqueSvg(spec or scene, options) -> {scene, layout, size, frameCount, posterFrame,
 *     caption, planesJson(), head(options), staticPaths(), static(), frame(n, {poster, on}),
 *     document(options)}
 *   svgStyle(dark, scale), animationStyle(frames, ms), num(value)
 * options: scale (1), dark (null or "dark"), duration_ms (1000), frame (null: animated;
 * n: that frame, still), style (true: with the CSS). */
(function (root) {
  "use strict";

  var convviz = root.convviz;
  if (!convviz || typeof convviz.layout !== "function") {
    throw new Error("convviz-svg.js needs convviz.js and convviz-draw.js, loaded before it");
  }
  var SpecError = convviz.SpecError;
  var KIND = convviz.CELL_KINDS;

  /** The themes' values the SVG needs (convviz/look/themes.py; a test keeps them equal). */
  var THEMES = {
    classic: {
      background: "#ffffff", input_fill: "#268bd2", output_fill: "#2aa198",
      padding_fill: "#ffffff", zero_fill: "#ffffff", output_padding_fill: "#ffffff",
      stroke: "#002b36", shadow: "#073642", line: "#000000", text: "#002b36", muted: "#93a1a1",
      shadow_alpha: 0.4, channel_fills: ["#268bd2", "#d33682", "#859900", "#b58900"],
      stroke_width: 0.8, line_width: 0.4, dash: [3.0, 3.0],
    },
    dark: {
      background: "#002b36", input_fill: "#268bd2", output_fill: "#2aa198",
      padding_fill: "#002b36", zero_fill: "#0b4a5a", output_padding_fill: "#4a2f2a",
      stroke: "#93a1a1", shadow: "#fdf6e3", line: "#eee8d5", text: "#eee8d5", muted: "#586e75",
      shadow_alpha: 0.45, channel_fills: ["#268bd2", "#d33682", "#859900", "#b58900"],
      stroke_width: 0.8, line_width: 0.4, dash: [3.0, 3.0],
    },
  };
  var COLOUR_VARS = [["bg", "background"], ["in", "input_fill"], ["out", "output_fill"],
    ["pad", "padding_fill"], ["zero", "zero_fill"], ["opad", "output_padding_fill"],
    ["stroke", "stroke"], ["shadow", "shadow"], ["line", "line"], ["text", "text"],
    ["muted", "muted"]];
  var PT = 150.0 / 72.0;

  // -- the one number format: floor(v·10^digits + 0.5), trailing zeros stripped, no "-0" --
  var CENTS = []; // ".01" … ".99" with trailing zeros stripped
  for (var cent = 0; cent < 100; cent++) {
    CENTS.push(cent ? "." + (cent < 10 ? "0" + cent : String(cent)).replace(/0$/, "") : "");
  }
  function fixed(value, digits) {
    var scale = Math.pow(10, digits), k = Math.floor(value * scale + 0.5);
    if (k === 0) return "0";
    var sign = k < 0 ? "-" : "", a = k < 0 ? -k : k;
    var whole = Math.floor(a / scale), frac = a % scale;
    if (frac === 0) return sign + whole;
    var text = String(frac);
    while (text.length < digits) text = "0" + text;
    var end = text.length;
    while (text.charCodeAt(end - 1) === 48) end--;
    return sign + whole + "." + text.slice(0, end);
  }
  function num(value) { // fixed(value, 2), the one that matters for speed
    var k = Math.floor(value * 100 + 0.5);
    if (k >= 0) return k === 0 ? "0" : Math.floor(k / 100) + CENTS[k % 100];
    return "-" + Math.floor(-k / 100) + CENTS[-k % 100];
  }

  function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  // -- CSS
  function vars(th) {
    var parts = COLOUR_VARS.map(function (v) { return "--cv-" + v[0] + ":" + th[v[1]]; });
    parts.push("--cv-shadow-a:" + num(th.shadow_alpha));
    for (var j = 0; j < 4; j++) parts.push("--cv-c" + j + ":" + th.channel_fills[j % th.channel_fills.length]);
    return parts.join(";");
  }

  function theme(name) {
    if (!Object.prototype.hasOwnProperty.call(THEMES, name)) {
      throw SpecError("theme must be one of " + Object.keys(THEMES).join(", ") + ", got '" + name + "'");
    }
    return THEMES[name];
  }

  /** The CSS of the classic pictures at `scale` (`dark`: a theme whose colours apply
   *  under prefers-color-scheme: dark, or null). */
  function svgStyle(dark, scale) {
    var th = THEMES.classic, s = scale === undefined ? 1.0 : scale;
    var sw = num(th.stroke_width * PT * s), lw = num(th.line_width * PT * s);
    var dash = th.dash.map(function (d) { return num(d * PT * s); }).join(",");
    var rules = [".cv{" + vars(th) + "}"];
    if (dark) rules.push("@media (prefers-color-scheme: dark){.cv{" + vars(theme(dark)) + "}}");
    var outline = "stroke:var(--cv-stroke);stroke-width:" + sw + ";stroke-linejoin:miter";
    rules.push(".cv path{fill:none;stroke:none}", ".cv .cv-bg{fill:var(--cv-bg)}",
      ".cv .cv-pad{fill:var(--cv-pad)}", ".cv .cv-zero{fill:var(--cv-zero)}",
      ".cv .cv-opad{fill:var(--cv-opad)}",
      ".cv .cv-dash{stroke:var(--cv-stroke);stroke-width:" + sw + ";stroke-dasharray:" + dash + ";" +
        "stroke-linecap:butt;stroke-linejoin:round}",
      ".cv .cv-in{fill:var(--cv-in);" + outline + "}",
      ".cv .cv-out{fill:var(--cv-out);" + outline + "}");
    for (var j = 0; j < 4; j++) rules.push(".cv .cv-c" + j + "{fill:var(--cv-c" + j + ");" + outline + "}");
    rules.push(".cv .cv-mu{fill:var(--cv-muted);" + outline + "}",
      ".cv .cv-sh{fill:var(--cv-shadow);fill-opacity:var(--cv-shadow-a)}",
      ".cv .cv-ext{stroke:var(--cv-stroke);stroke-width:" + sw + ";stroke-linecap:square;" +
        "stroke-linejoin:round}",
      ".cv .cv-ln{stroke:var(--cv-line);stroke-width:" + lw + ";stroke-linecap:butt;" +
        "stroke-linejoin:round}",
      ".cv .cv-hi{fill:var(--cv-shadow);fill-opacity:var(--cv-shadow-a);" + outline + "}",
      ".cv .cv-f{visibility:hidden}", ".cv .cv-f.cv-p{visibility:visible}",
      ".cv.cv-hold .cv-f{animation:none;visibility:hidden}",
      ".cv.cv-hold .cv-f.cv-on{visibility:visible}");
    return rules.join("");
  }

  /** The CSS that plays `frames` frames of `ms` each (empty for one frame). */
  function animationStyle(frames, ms) {
    if (frames <= 1) return "";
    var name = "cv-k" + frames + "-" + ms;
    var rules = ["@keyframes " + name + "{0%{visibility:visible}" + fixed(100 / frames, 4) + "%" +
      "{visibility:hidden}100%{visibility:hidden}}",
      "." + name + " .cv-f{animation:" + name + " " + frames * ms + "ms step-end infinite}"];
    for (var k = 1; k < frames; k++) {
      rules.push("." + name + ' .cv-f[data-frame="' + k + '"]{animation-delay:' + (k - frames) * ms + "ms}");
    }
    return "@media (prefers-reduced-motion: no-preference){" + rules.join("") + "}";
  }

  // -- geometry -> path data
  function pt(p) { return num(p[0]) + "," + num(p[1]); }

  /** The rasteriser's snapping of a stroked path whose every edge runs horizontally or
   *  vertically (oblique_svg.py _Snap), for a stroke `strokePx` px wide. */
  function Snap(strokePx) { this.half = Math.floor(strokePx + 0.5) % 2 ? 0.5 : 0.0; }
  Snap.prototype.apply = function (pts, closed) {
    var n = pts.length, last = closed ? n : n - 1, half = this.half;
    for (var i = 0; i < last; i++) {
      var a = pts[i], b = pts[(i + 1) % n];
      if (!(Math.abs(b[0] - a[0]) < 1e-4 || Math.abs(b[1] - a[1]) < 1e-4)) return pts;
    }
    return pts.map(function (p) { return [Math.floor(p[0] + 0.5) + half, Math.floor(p[1] + 0.5) + half]; });
  };

  function scaled(points, s) {
    return s === 1 ? points : points.map(function (p) { return [p[0] * s, p[1] * s]; });
  }

  function quads(polys, s, snap) {
    var out = "";
    for (var i = 0; i < polys.length; i++) {
      var q = scaled(polys[i], s);
      if (snap) q = snap.apply(q, true);
      out += "M" + pt(q[0]) + "L" + pt(q[1]) + " " + pt(q[2]) + " " + pt(q[3]) + "Z";
    }
    return out;
  }
  /** quads() of a plane's cells, without building their polygons first: `cells` lists
   *  them as row·cols + col, row-major (null: every cell). A slanted plane's corners are
   *  never snapped, and a corner shared by neighbouring cells is the same number in each
   *  (origin + x·ex + y·ey of the same x, y): each lattice point is written once. */
  function cellQuads(plane, cells, s, snap) {
    var o0 = plane.origin[0], o1 = plane.origin[1], a0 = plane.ex[0], a1 = plane.ex[1];
    var b0 = plane.ey[0], b1 = plane.ey[1], dx = [0, 1, 1, 0], dy = [0, 0, 1, 1];
    var cols = plane.cols, count = cells ? cells.length : plane.rows * cols;
    var parts = new Array(count), i, k, x, y, cell;
    var slanted = Math.min(Math.abs(a0), Math.abs(a1), Math.abs(b0), Math.abs(b1)) * s > 1;
    if (slanted) {
      var stride = cols + 1, lattice = new Array(stride * (plane.rows + 1));
      var at = function (xx, yy) {
        var j = yy * stride + xx;
        return lattice[j] || (lattice[j] = num((o0 + xx * a0 + yy * b0) * s) + "," +
                                           num((o1 + xx * a1 + yy * b1) * s));
      };
      for (i = 0; i < count; i++) {
        cell = cells ? cells[i] : i;
        x = cell % cols; y = plane.rows - 1 - (cell - x) / cols;
        parts[i] = "M" + at(x, y) + "L" + at(x + 1, y) + " " + at(x + 1, y + 1) + " " + at(x, y + 1) + "Z";
      }
      return parts.join("");
    }
    var q = [[0, 0], [0, 0], [0, 0], [0, 0]];
    for (i = 0; i < count; i++) {
      cell = cells ? cells[i] : i;
      var c = cell % cols, y0 = plane.rows - 1 - (cell - c) / cols;
      for (k = 0; k < 4; k++) {
        x = c + dx[k]; y = y0 + dy[k];
        q[k][0] = (o0 + x * a0 + y * b0) * s;
        q[k][1] = (o1 + x * a1 + y * b1) * s;
      }
      var p = snap ? snap.apply(q, true) : q;
      parts[i] = "M" + pt(p[0]) + "L" + pt(p[1]) + " " + pt(p[2]) + " " + pt(p[3]) + "Z";
    }
    return parts.join("");
  }
  function segs(list, s, snap) {
    var out = "";
    for (var i = 0; i < list.length; i++) {
      var g = scaled(list[i], s);
      if (snap) g = snap.apply(g, false);
      out += "M" + pt(g[0]) + "L" + pt(g[1]);
    }
    return out;
  }
  function path(cls, d) { return d ? '<path class="' + cls + '" d="' + d + '"/>' : ""; }

  function planeJson(plane, side, index, tail, s) {
    function vec(v) { return "[" + num(v[0] * s) + "," + num(v[1] * s) + "]"; }
    return '{"side":"' + side + '","index":[' + index.join(",") + '],"tail":' + tail +
      ',"rows":' + plane.rows + ',"cols":' + plane.cols + ',"origin":' + vec(plane.origin) +
      ',"ex":' + vec(plane.ex) + ',"ey":' + vec(plane.ey) + "}";
  }

  /** Which canvas cells are input cells (input on every axis), flat, row-major. */
  function inputCells(sc) {
    var look = [true];
    sc.geometry.axes.forEach(function (t) {
      var next = [];
      look.forEach(function (x) {
        t.canvas_kind.forEach(function (kind) { next.push(x && kind === KIND.INPUT); });
      });
      look = next;
    });
    return look;
  }

  function channelNote(spec) {
    var cIn = spec.channels[0], cOut = spec.channels[1], g = spec.groups;
    if (cIn === 1 && cOut === 1 && g === 1) return "";
    if (g === cIn && g > 1) return "depthwise, groups=" + g + ": every channel has its own kernel";
    if (g > 1) return "groups=" + g + ": each output channel sees " + cIn / g + " of " + cIn + " input channels";
    return cIn + " input channels, " + cOut + " output channels, summed over channels";
  }

  function checkDuration(ms) {
    if (typeof ms !== "number") throw SpecError("duration_ms must be a number, got " + String(ms));
    if (!(isFinite(ms) && Math.floor(ms + 0.5) >= 1)) {
      throw SpecError("duration_ms must be at least 1 ms, got " + String(ms));
    }
    return Math.floor(ms + 0.5);
  }

  // -- the picture
  function ObliqueSvg(spec, options) {
    var opts = options || {};
    this.scene = spec && spec.frames && spec.geometry ? spec : convviz.scene(spec);
    this.scale = opts.scale === undefined ? 1.0 : opts.scale;
    this.layout = convviz.layout(this.scene, { scale: this.scale });
    this.size = [this.layout.width, this.layout.height];
    this.frameCount = this.scene.frames.length;
    this.posterFrame = Math.floor(this.frameCount / 2);
    var th = THEMES.classic;
    this.snap = new Snap(th.stroke_width * PT * this.scale);
    this.snapLine = new Snap(th.line_width * PT * this.scale);
    var note = channelNote(this.scene.spec);
    this.caption = this.scene.geometry.describe + (note ? " (" + note + ")" : "");
  }

  ObliqueSvg.prototype.planesJson = function () {
    var lay = this.layout, ndim = this.scene.ndim, s = this.scale, items = [];
    lay.inputs.forEach(function (plane, z) {
      items.push(ndim === 3 ? planeJson(plane, "in", [z], 2, s)
                            : planeJson(plane, "in", [], ndim === 1 ? 1 : 2, s));
    });
    lay.outputs.forEach(function (plane, z) {
      items.push(ndim === 1 ? planeJson(plane, "out", [z], 0, s)
                 : ndim === 3 ? planeJson(plane, "out", [z], 2, s) : planeJson(plane, "out", [], 2, s));
    });
    return "[" + items.join(",") + "]";
  };

  /** The static picture's paths, in order: [class, d] each (what static() writes; a page
   *  that redraws sets them on the path elements it has, without parsing SVG text). */
  ObliqueSvg.prototype.staticPaths = function () {
    var lay = this.layout, sc = this.scene, s = this.scale, snap = this.snap;
    var paths = [["cv-bg", "M0,0H" + lay.width + "V" + lay.height + "H0Z"]];
    // (the classic theme fills padding and zeros with the background: no fills drawn)
    var look = inputCells(sc);
    lay.inputs.forEach(function (plane, z) {
      var all = plane.rows * plane.cols, base = sc.ndim === 3 ? z * all : 0, inputs = [];
      for (var cell = 0; cell < all; cell++) if (look[base + cell]) inputs.push(cell);
      if (inputs.length < all) {
        paths.push(["cv-dash", segs(plane.grid(0, plane.rows, 0, plane.cols), s, snap)]);
      }
      if (inputs.length) paths.push(["cv-in", cellQuads(plane, inputs, s, snap)]);
    });
    var outs = "";
    lay.outputs.forEach(function (plane) { outs += cellQuads(plane, null, s, snap); });
    paths.push(["cv-out", outs]);
    return paths.filter(function (p) { return p[1]; });
  };

  /** The static picture: one path a line, each line ending in a newline. */
  ObliqueSvg.prototype.static = function () {
    return this.staticPaths().map(function (p) { return path(p[0], p[1]) + "\n"; }).join("");
  };

  ObliqueSvg.prototype.checkFrame = function (n) {
    var count = this.frameCount;
    if (typeof n !== "number" || !Number.isInteger(n)) {
      throw SpecError("frame must be a whole number, got " + String(n));
    }
    if (!(n >= -count && n < count)) {
      throw SpecError("frame=" + n + " is not a frame of this animation (0 … " + (count - 1) + ")");
    }
    return ((n % count) + count) % count;
  };

  /** Frame n's group, one line ending in a newline (poster / on: the cv-p / cv-on classes). */
  ObliqueSvg.prototype.frame = function (n, flags) {
    n = this.checkFrame(n);
    var f = this.scene.frames[n], s = this.scale, fl = flags || {};
    var geo = convviz.frameGeometry(this.scene, this.layout, n);
    var cls = "cv-f" + (fl.poster ? " cv-p" : "") + (fl.on ? " cv-on" : "");
    var cells = f.taps.map(function (tap) { return tap.join(","); }).join(" ");
    return '<g class="' + cls + '" data-frame="' + n + '" data-out="' + f.output_index.join(" ") +
      '" data-cells="' + cells + '">' +
      (geo.shadow.length ? path("cv-sh", quads(geo.shadow, s)) : "") +
      path("cv-ext", segs(geo.segs, s, this.snap)) + path("cv-ln", segs(geo.lines, s, this.snapLine)) +
      path("cv-hi", quads(geo.cell, s, this.snap)) + "</g>\n";
  };

  /** The document's first four lines: root element, title, desc, style. */
  ObliqueSvg.prototype.head = function (options) {
    var opts = options || {}, count = this.frameCount, d = checkDuration(
      opts.duration_ms === undefined ? 1000 : opts.duration_ms);
    var cls, what, css;
    if (opts.frame === undefined || opts.frame === null) { // (one frame: held)
      cls = count > 1 ? "cv cv-k" + count + "-" + d : "cv cv-hold";
      what = count > 1 ? count + " frames, " + fixed(d / 1000, 3) + "s each, looping" : "1 frame";
      css = animationStyle(count, d);
    } else {
      cls = "cv cv-hold";
      what = "frame " + this.checkFrame(opts.frame) + " of " + count;
      css = "";
    }
    if (opts.style === undefined || opts.style) css = svgStyle(opts.dark || null, this.scale) + css;
    var w = this.size[0], h = this.size[1], caption = escape(this.caption);
    return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ' + w + " " + h + '" width="' + w +
      '" height="' + h + '" class="' + cls + '" role="img" data-planes=\'' + this.planesJson() + "'>\n" +
      "<title>" + caption + "</title>\n" +
      "<desc>" + caption + " (" + escape(what) + ")</desc>\n" +
      "<style>" + css + "</style>\n";
  };

  /** The whole SVG: every frame animated, or (options.frame) that still. */
  ObliqueSvg.prototype.document = function (options) {
    var opts = options || {}, head = this.head(opts), frames = "";
    if (opts.frame === undefined || opts.frame === null) {
      for (var n = 0; n < this.frameCount; n++) {
        frames += this.frame(n, { poster: n === this.posterFrame, on: this.frameCount === 1 });
      }
    } else {
      frames = this.frame(opts.frame, { on: true });
    }
    return head + this.static() + frames + "</svg>\n";
  };

  function obliqueSvg(spec, options) { return new ObliqueSvg(spec, options); }
  function pictureSvg(spec, options) { return new ObliqueSvg(spec, options).document(options); }

  convviz.obliqueSvg = obliqueSvg;
  convviz.pictureSvg = pictureSvg;
  convviz.svgStyle = svgStyle;
  convviz.animationStyle = animationStyle;
  convviz.num = num;
  convviz.SVG_THEMES = THEMES;
})(typeof window !== "undefined" ? window : globalThis);
