/* convviz-svg.js — the gallery's oblique picture as SVG text, in the browser.
 *
 * A port of convviz/draw/oblique_svg.py for the classic (text-free) theme: the same
 * document, byte for byte (the test-suite compares the strings over every preset and
 * hundreds of generated specs, in Chromium). The document's structure, its CSS and its
 * number format are described in that module.
 *
 * A classic script, loaded after convviz.js and convviz-draw.js; it adds to `window.convviz`:
 *
 *   convviz.pictureSvg(spec, options) -> the whole SVG document (a string)
 *   convviz.obliqueSvg(spec, options) -> its pieces: {scene, layout, size, frameCount,
 *        posterFrame, caption, planesJson(), head({frame, duration_ms, dark, style}),
 *        static(), frame(n, {poster, on}), document({...})}
 *   convviz.svgStyle(dark, scale), convviz.animationStyle(frames, ms), convviz.num(value)
 *
 * options: scale (1), dark (null or "dark": its colours under prefers-color-scheme: dark),
 * duration_ms (1000), frame (null: every frame, animated by CSS; a number: that frame,
 * still), style (true; false leaves the shared CSS out).
 */
(function (root) {
  "use strict";

  var convviz = root.convviz;
  if (!convviz || typeof convviz.layout !== "function") {
    throw new Error("convviz-svg.js needs convviz.js and convviz-draw.js, loaded before it");
  }
  var SpecError = convviz.SpecError;
  var KIND = convviz.CELL_KINDS, OUTPUT_PADDING = 3;

  /** The themes' values the SVG needs (convviz/look/themes.py; a test keeps them equal). */
  var THEMES = {
    classic: {
      background: "#ffffff", input_fill: "#268bd2", output_fill: "#2aa198",
      padding_fill: "#ffffff", zero_fill: "#ffffff", output_padding_fill: "#ffffff",
      stroke: "#002b36", shadow: "#073642", line: "#000000", text: "#002b36", muted: "#93a1a1",
      shadow_alpha: 0.4, channel_fills: ["#268bd2", "#d33682", "#859900", "#b58900"],
      font_size: 8.0, stroke_width: 0.8, line_width: 0.4, dash: [3.0, 3.0],
    },
    dark: {
      background: "#002b36", input_fill: "#268bd2", output_fill: "#2aa198",
      padding_fill: "#002b36", zero_fill: "#0b4a5a", output_padding_fill: "#4a2f2a",
      stroke: "#93a1a1", shadow: "#fdf6e3", line: "#eee8d5", text: "#eee8d5", muted: "#586e75",
      shadow_alpha: 0.45, channel_fills: ["#268bd2", "#d33682", "#859900", "#b58900"],
      font_size: 8.0, stroke_width: 0.8, line_width: 0.4, dash: [3.0, 3.0],
    },
  };
  var COLOUR_VARS = [["bg", "background"], ["in", "input_fill"], ["out", "output_fill"],
    ["pad", "padding_fill"], ["zero", "zero_fill"], ["opad", "output_padding_fill"],
    ["stroke", "stroke"], ["shadow", "shadow"], ["line", "line"], ["text", "text"],
    ["muted", "muted"]];
  var PT = 150.0 / 72.0;

  // -- the one number format: floor(v·10^digits + 0.5), trailing zeros stripped, no "-0" --
  function fixed(value, digits) {
    var scale = Math.pow(10, digits), k = Math.floor(value * scale + 0.5);
    if (k === 0) return "0";
    var sign = k < 0 ? "-" : "", a = Math.abs(k);
    var whole = Math.floor(a / scale), frac = String(a % scale);
    while (frac.length < digits) frac = "0" + frac;
    frac = frac.replace(/0+$/, "");
    return sign + whole + (frac ? "." + frac : "");
  }
  function num(value) { return fixed(value, 2); }

  function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  // -- CSS ---------------------------------------------------------------------------------
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
      ".cv .cv-f{visibility:hidden}",
      ".cv.cv-hold .cv-f{animation:none;visibility:hidden}",
      ".cv.cv-hold .cv-f.cv-on{visibility:visible}",
      "@media (prefers-reduced-motion: reduce){.cv .cv-f{animation:none}" +
        ".cv:not(.cv-hold) .cv-f.cv-p{visibility:visible}}");
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
      rules.push("." + name + ' .cv-f[data-frame="' + k + '"]{animation-delay:' + k * ms + "ms}");
    }
    return "@media (prefers-reduced-motion: no-preference){" + rules.join("") + "}";
  }

  // -- geometry -> path data ---------------------------------------------------------------
  function pt(p) { return num(p[0]) + "," + num(p[1]); }

  /** The rasteriser's snapping of a stroked path whose every edge runs horizontally or
   *  vertically (oblique_svg.py _Snap): `height` px canvas, `strokePx` px wide stroke. */
  function Snap(height, strokePx) {
    this.height = height;
    this.half = Math.floor(strokePx + 0.5) % 2 ? 0.5 : 0.0;
  }
  Snap.prototype.apply = function (pts, closed) {
    var n = pts.length, last = closed ? n : n - 1;
    for (var i = 0; i < last; i++) {
      var a = pts[i], b = pts[(i + 1) % n];
      if (!(Math.abs(b[0] - a[0]) < 1e-4 || Math.abs(b[1] - a[1]) < 1e-4)) return pts;
    }
    var h = this.height, half = this.half;
    return pts.map(function (p) {
      return [Math.floor(p[0] + 0.5) + half, h - (Math.floor((h - p[1]) + 0.5) + half)];
    });
  };

  function scaled(points, s) { return points.map(function (p) { return [p[0] * s, p[1] * s]; }); }

  function quads(polys, s, snap) {
    var out = "";
    for (var i = 0; i < polys.length; i++) {
      var q = scaled(polys[i], s);
      if (snap) q = snap.apply(q, true);
      out += "M" + pt(q[0]) + "L" + pt(q[1]) + " " + pt(q[2]) + " " + pt(q[3]) + "Z";
    }
    return out;
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

  /** The canvas as drawn (scene.py cell_look): the engine's kinds, and OUTPUT_PADDING where
   *  a cell is there only for a transposed convolution's output_padding; flat, row-major. */
  function cellLook(sc) {
    var spec = sc.spec, size = sc.canvas_size, n = size.length;
    var flat = [];
    (function walk(a, level) {
      if (level === n) { flat.push(a); return; }
      for (var i = 0; i < a.length; i++) walk(a[i], level + 1);
    })(sc.geometry.canvas_kind, 0);
    if (!spec.transposed) return flat;
    var bands = spec.axes.map(function (g) { return Math.min(g.output_padding, g.canvas_padding[1]); });
    var stride = 1, strides = [];
    for (var a = n - 1; a >= 0; a--) { strides[a] = stride; stride *= size[a]; }
    return flat.map(function (kind, at) {
      for (var a = 0; a < n; a++) {
        var c = Math.floor(at / strides[a]) % size[a];
        if (bands[a] && c >= size[a] - bands[a]) return OUTPUT_PADDING;
      }
      return kind;
    });
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
    var d = convviz.draw.pyRound(ms);
    if (!(isFinite(ms) && d >= 1)) throw SpecError("duration_ms must be at least 1 ms, got " + String(ms));
    return d;
  }

  // -- the picture ---------------------------------------------------------------------------
  function ObliqueSvg(spec, options) {
    var opts = options || {};
    this.scene = spec && spec.frames && spec.geometry ? spec : convviz.scene(spec);
    this.scale = opts.scale === undefined ? 1.0 : opts.scale;
    this.layout = convviz.layout(this.scene, { scale: this.scale });
    this.size = [this.layout.width, this.layout.height];
    this.frameCount = this.scene.frames.length;
    this.posterFrame = Math.floor(this.frameCount / 2);
    var th = THEMES.classic, height = this.layout.height;
    this.snap = new Snap(height, th.stroke_width * PT * this.scale);
    this.snapLine = new Snap(height, th.line_width * PT * this.scale);
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

  /** The static picture: one path a line, each line ending in a newline. */
  ObliqueSvg.prototype.static = function () {
    var lay = this.layout, sc = this.scene, s = this.scale, th = THEMES.classic, snap = this.snap;
    var lines = [path("cv-bg", "M0,0H" + lay.width + "V" + lay.height + "H0Z")];
    var look = cellLook(sc), fillOf = {};
    fillOf[KIND.PADDING] = ["cv-pad", th.padding_fill];
    fillOf[KIND.ZERO] = ["cv-zero", th.zero_fill];
    fillOf[OUTPUT_PADDING] = ["cv-opad", th.output_padding_fill];
    lay.inputs.forEach(function (plane, z) {
      var base = sc.ndim === 3 ? z * plane.rows * plane.cols : 0, other = [], inputs = [];
      for (var r = 0; r < plane.rows; r++) {
        for (var c = 0; c < plane.cols; c++) {
          var kind = look[base + r * plane.cols + c];
          (kind === KIND.INPUT ? inputs : other).push([r, c, kind]);
        }
      }
      var fills = other.map(function (cell) { return fillOf[cell[2]]; });
      if (other.length && fills.some(function (f) { return f[1] !== th.background; })) {
        var colours = Array.from(new Set(fills.map(function (f) { return f[1]; }))).sort();
        colours.forEach(function (fill) {
          var classes = Array.from(new Set(fills.filter(function (f) { return f[1] === fill; })
            .map(function (f) { return f[0]; }))).sort();
          classes.forEach(function (cls) {
            var polys = other.filter(function (cell, i) { return fills[i][0] === cls && fills[i][1] === fill; })
              .map(function (cell) { return plane.cell(cell[0], cell[1]); });
            lines.push(path(cls, quads(polys, s)));
          });
        });
      }
      if (other.length) lines.push(path("cv-dash", segs(plane.grid(0, plane.rows, 0, plane.cols), s, snap)));
      if (inputs.length) {
        lines.push(path("cv-in", quads(inputs.map(function (cell) { return plane.cell(cell[0], cell[1]); }), s, snap)));
      }
    });
    var outs = "";
    lay.outputs.forEach(function (plane) {
      var polys = [];
      for (var r = 0; r < plane.rows; r++) for (var c = 0; c < plane.cols; c++) polys.push(plane.cell(r, c));
      outs += quads(polys, s, snap);
    });
    lines.push(path("cv-out", outs));
    return lines.filter(Boolean).map(function (line) { return line + "\n"; }).join("");
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

  /** The document's first four lines: the root element (with or without its end), title,
   *  desc and style. */
  ObliqueSvg.prototype.head = function (options) {
    var opts = options || {}, count = this.frameCount, d = checkDuration(
      opts.duration_ms === undefined ? 1000 : opts.duration_ms);
    var cls, what, css;
    if (opts.frame === undefined || opts.frame === null) {
      cls = "cv cv-k" + count + "-" + d;
      what = count + " frames, " + fixed(d / 1000, 3) + "s each, looping";
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
      for (var n = 0; n < this.frameCount; n++) frames += this.frame(n, { poster: n === this.posterFrame });
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
