/* convviz-hover.js — point at a convviz picture and see what reads what.
 *
 * A classic script that needs nothing else (not even convviz.js): it works on any oblique
 * SVG picture convviz writes, from the data the SVG carries — the root's data-planes
 * (every plane's rows, cols, origin and basis vectors) and every frame group's
 * data-frame, data-out (its output cell) and data-cells (the canvas cells its window
 * reads, in kernel order).
 *
 *   var hover = convviz.attachHover(svgElement, options);
 *
 * Point at (or, with the keyboard, move to) an output cell: the input cells its window
 * reads light up and the picture holds that cell's frame. Point at an input cell: the
 * output cells it feeds light up. Point at a tap of the small kernel grid drawn beside
 * the picture: the input cells that tap meets over all outputs light up. A click pins
 * what is lit (hovering elsewhere leaves it); a click on the same cell, or Escape, unpins.
 * Keyboard: the picture takes focus (Tab); arrow keys move over the cells (PageUp /
 * PageDown: the depth of a 3-D picture), I and O switch between the input and output
 * planes, Enter or Space pins, Escape unpins; every kernel tap is a button.
 *
 * options (all optional): frames — {count, get(n) -> {out: [..], cells: [[..], ..]}} when
 * the frame groups are not all in the SVG (the playground makes them on demand);
 * showFrame(n) — show frame n, no frame for −1, or the picture's own state again for
 * null (default: the cv-hold / cv-on classes on the groups); kernel — false for no kernel grid, or an
 * element to draw it into (default: right after the picture); flipped — the kernel is
 * applied flipped (a transposed convolution), so drawn tap (r, c) is window position
 * (k−1−r, k−1−c).
 *
 * It returns {show(target), pin(target), unpin(), state(), detach()}; a target is
 * {side: "in" | "out" | "tap", cell: [coordinates]}. What is lit is also in the DOM:
 * <path class="cv-lit-in" data-cells="r,c r,c ..."> (and cv-lit-out, cv-lit-at).
 */
(function (root) {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var LIT = "fill:#cb4b16;fill-opacity:.55;stroke:#cb4b16;stroke-width:2;stroke-linejoin:round";
  var STYLE = { "cv-lit-in": LIT, "cv-lit-out": LIT,
    "cv-lit-at": "fill:none;stroke:var(--cv-line,#000);stroke-width:3;stroke-dasharray:4,2" };

  function key(cell) { return cell.join(","); }
  function parseCells(text) {
    return text ? text.split(" ").map(function (c) { return c.split(",").map(Number); }) : [];
  }

  function attachHover(svg, options) {
    var opts = options || {};
    var planes = JSON.parse(svg.getAttribute("data-planes") || "[]");
    var frames = opts.frames || domFrames(svg);
    var overlay = document.createElementNS(SVGNS, "g");
    overlay.setAttribute("class", "cv-hover");
    overlay.setAttribute("pointer-events", "none");
    svg.appendChild(overlay);
    var state = { target: null, pinned: null, cursor: null, lit: { in: [], out: [] } };
    var index = null; // canvas cell -> frames whose window reads it; output cell -> frames
    var kernel = null;

    function lookup() {
      if (index) return index;
      index = { reads: {}, outs: {}, first: null };
      for (var n = 0; n < frames.count; n++) {
        var f = frames.get(n), ok = key(f.out);
        if (!index.outs[ok]) index.outs[ok] = [];
        index.outs[ok].push(n);
        f.cells.forEach(function (cell, t) {
          var k = key(cell);
          if (!index.reads[k]) index.reads[k] = [];
          index.reads[k].push([n, t]);
        });
        if (index.first === null) index.first = f;
      }
      return index;
    }

    // -- planes: cell polygons and hit testing -------------------------------------------
    function planeCell(p, row, col) {
      var y = p.rows - 1 - row;
      function at(x, yy) {
        return [p.origin[0] + x * p.ex[0] + yy * p.ey[0], p.origin[1] + x * p.ex[1] + yy * p.ey[1]];
      }
      return [at(col, y), at(col + 1, y), at(col + 1, y + 1), at(col, y + 1)];
    }
    function cellOf(p, row, col) { return p.index.concat([row, col].slice(2 - p.tail)); }
    function locate(side, cell) { // the plane and [row, col] of a cell
      for (var i = 0; i < planes.length; i++) {
        var p = planes[i];
        if (p.side !== side || cell.length !== p.index.length + p.tail) continue;
        if (!p.index.every(function (v, a) { return cell[a] === v; })) continue;
        var rc = cell.slice(p.index.length), row = p.tail === 2 ? rc[0] : 0;
        var col = p.tail === 0 ? 0 : rc[rc.length - 1];
        if (row >= 0 && row < p.rows && col >= 0 && col < p.cols) return [p, row, col];
      }
      return null;
    }
    function hit(x, y) { // output planes lie on top: they are tried first
      var order = planes.filter(function (p) { return p.side === "out"; })
        .concat(planes.filter(function (p) { return p.side === "in"; }));
      for (var i = 0; i < order.length; i++) {
        var p = order[i], det = p.ex[0] * p.ey[1] - p.ex[1] * p.ey[0];
        if (!det) continue;
        var dx = x - p.origin[0], dy = y - p.origin[1];
        var u = (dx * p.ey[1] - dy * p.ey[0]) / det, v = (p.ex[0] * dy - p.ex[1] * dx) / det;
        var col = Math.floor(u), yy = Math.floor(v);
        if (col >= 0 && col < p.cols && yy >= 0 && yy < p.rows) {
          return { side: p.side, cell: cellOf(p, p.rows - 1 - yy, col) };
        }
      }
      return null;
    }

    // -- what a target lights --------------------------------------------------------------
    function tapPosition(tap) { // a drawn kernel tap -> the window position it is
      if (!opts.flipped || !kernel) return tap;
      return tap.map(function (v, a) { return kernel.size[a] - 1 - v; });
    }
    function lights(target) {
      var ix = lookup(), lit = { in: [], out: [], frame: -1 }; // -1: hold, no frame shown
      if (target.side === "out") {
        var ns = ix.outs[key(target.cell)] || [];
        if (ns.length) {
          var f = frames.get(ns[0]);
          lit.frame = f.frame === undefined ? ns[0] : f.frame;
          lit.in = f.cells;
        }
        lit.out = [target.cell];
      } else if (target.side === "in") {
        var seen = {};
        (ix.reads[key(target.cell)] || []).forEach(function (nt) {
          var out = frames.get(nt[0]).out, k = key(out);
          if (!seen[k]) { seen[k] = true; lit.out.push(out); }
        });
        lit.in = [target.cell];
      } else if (target.side === "tap" && kernel) {
        var pos = tapPosition(target.cell), t = 0, seenIn = {};
        for (var a = 0; a < pos.length; a++) t = t * kernel.size[a] + pos[a];
        for (var n = 0; n < frames.count; n++) {
          var cell = frames.get(n).cells[t];
          if (cell && !seenIn[key(cell)]) { seenIn[key(cell)] = true; lit.in.push(cell); }
        }
      }
      return lit;
    }

    function pathOf(cls, side, cells) {
      var d = "", shown = [];
      cells.forEach(function (cell) {
        var found = locate(side, cell);
        if (!found) return;
        var q = planeCell(found[0], found[1], found[2]);
        d += "M" + q.map(function (p) { return p[0].toFixed(2) + "," + p[1].toFixed(2); }).join("L") + "Z";
        shown.push(key(cell));
      });
      var el = document.createElementNS(SVGNS, "path");
      el.setAttribute("class", cls);
      el.setAttribute("style", STYLE[cls]);
      el.setAttribute("d", d || "M0,0");
      el.setAttribute("data-cells", shown.join(" "));
      return el;
    }

    function render() {
      var target = state.pinned || state.target;
      overlay.textContent = "";
      state.lit = { in: [], out: [] };
      if (kernel) kernel.mark(target && target.side === "tap" ? target.cell : null);
      if (!target) { showFrame(null); return; }
      var lit = lights(target);
      state.lit = { in: lit.in.map(key), out: lit.out.map(key) };
      showFrame(lit.frame);
      overlay.appendChild(pathOf("cv-lit-in", "in", lit.in));
      overlay.appendChild(pathOf("cv-lit-out", "out", lit.out));
      if (state.cursor && target.side !== "tap") {
        overlay.appendChild(pathOf("cv-lit-at", state.cursor.side, [state.cursor.cell]));
      }
    }

    var held = null, hadHold = svg.classList.contains("cv-hold");
    function showFrame(n) {
      if (opts.showFrame) { opts.showFrame(n); return; }
      if (held !== null) {
        var old = svg.querySelector('.cv-f[data-frame="' + held + '"]');
        if (old) old.classList.remove("cv-on");
        held = null;
      }
      if (n === null || n === undefined) {
        if (!hadHold) svg.classList.remove("cv-hold");
        return;
      }
      var group = svg.querySelector('.cv-f[data-frame="' + n + '"]');
      hadHold = hadHold || svg.classList.contains("cv-hold");
      svg.classList.add("cv-hold");
      if (group && !group.classList.contains("cv-on")) { group.classList.add("cv-on"); held = n; }
    }

    function same(a, b) { return a && b && a.side === b.side && key(a.cell) === key(b.cell); }
    function show(target) { state.target = target; render(); }
    function pin(target) { state.pinned = target || state.target; render(); }
    function unpin() { state.pinned = null; render(); }
    function toggle(target) { if (same(state.pinned, target)) unpin(); else pin(target); }

    // -- pointer ---------------------------------------------------------------------------
    function userPoint(event) {
      var m = svg.getScreenCTM();
      if (!m) return null;
      var p = svg.createSVGPoint();
      p.x = event.clientX; p.y = event.clientY;
      return p.matrixTransform(m.inverse());
    }
    function onMove(event) {
      var p = userPoint(event);
      var target = p ? hit(p.x, p.y) : null;
      if (!same(target, state.target)) { state.cursor = null; show(target); }
    }
    function onLeave() { state.target = null; render(); }
    function onClick(event) {
      var p = userPoint(event), target = p ? hit(p.x, p.y) : null;
      if (target) toggle(target); else unpin();
    }

    // -- keyboard --------------------------------------------------------------------------
    function firstCell(side) {
      if (side === "out") return lookup().first ? lookup().first.out : null;
      var p = planes.filter(function (q) { return q.side === "in"; })[0];
      return p ? cellOf(p, 0, 0) : null;
    }
    function move(cell, axis, step, side) {
      var next = cell.slice();
      if (axis < 0) axis += next.length;
      if (axis < 0 || axis >= next.length) return cell;
      next[axis] += step;
      return locate(side, next) ? next : cell;
    }
    function onFocus() {
      if (!state.cursor) state.cursor = { side: "out", cell: firstCell("out") };
      if (state.cursor.cell) show({ side: state.cursor.side, cell: state.cursor.cell });
    }
    function onBlur() { state.target = null; render(); }
    function onKey(event) {
      var c = state.cursor, moves = { ArrowLeft: [-1, -1], ArrowRight: [-1, 1], ArrowUp: [-2, -1],
        ArrowDown: [-2, 1], PageUp: [0, -1], PageDown: [0, 1] };
      if (event.key === "Escape") { unpin(); event.preventDefault(); return; }
      if (!c || !c.cell) return;
      if (moves[event.key]) {
        var mv = moves[event.key], cell = c.cell;
        if (mv[0] === -2 && cell.length === 1) return; // a 1-D row has no up or down
        if (mv[0] === 0 && cell.length < 3) return;
        c.cell = move(cell, mv[0], mv[1], c.side);
      } else if (event.key === "i" || event.key === "I" || event.key === "o" || event.key === "O") {
        var side = event.key.toLowerCase() === "i" ? "in" : "out";
        if (side !== c.side) state.cursor = c = { side: side, cell: firstCell(side) };
      } else if (event.key === "Enter" || event.key === " ") {
        toggle({ side: c.side, cell: c.cell });
      } else {
        return;
      }
      event.preventDefault();
      show({ side: c.side, cell: c.cell });
    }

    // -- the kernel grid -------------------------------------------------------------------
    if (opts.kernel !== false) kernel = drawKernel();
    function drawKernel() {
      var first = lookup().first;
      if (!first || !first.cells.length) return null;
      var n = first.cells[0].length, size = [];
      for (var a = 0; a < n; a++) {
        size.push(new Set(first.cells.map(function (cell) { return cell[a]; })).size);
      }
      var rows = n === 1 ? 1 : size[n - 2], cols = size[n - 1], depth = n === 3 ? size[0] : 1;
      var box = document.createElement("div");
      box.className = "cv-kernel";
      box.appendChild(document.createTextNode("kernel taps" + (opts.flipped ? " (applied flipped)" : "") + ": "));
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "kernel " + size.join("×") + (opts.flipped ? ", applied flipped" : "") +
        ": point at a tap to light the input cells it meets");
      var buttons = [];
      for (var z = 0; z < depth; z++) {
        var grid = document.createElement("div");
        grid.className = "cv-kernel-grid";
        grid.style.display = "inline-grid";
        grid.style.gridTemplateColumns = "repeat(" + cols + ", 1.4em)";
        grid.style.margin = "0 .6em .3em 0";
        for (var r = 0; r < rows; r++) {
          for (var c = 0; c < cols; c++) {
            var tap = n === 1 ? [c] : n === 2 ? [r, c] : [z, r, c];
            var b = document.createElement("button");
            b.type = "button";
            b.className = "cv-tap";
            b.dataset.tap = key(tap);
            b.setAttribute("aria-label", "kernel tap " + tap.join(", "));
            b.setAttribute("aria-pressed", "false");
            b.style.cssText = "width:1.4em;height:1.4em;padding:0;border:1px solid currentColor;" +
              "background:transparent;color:inherit;font:inherit;font-size:.7em";
            grid.appendChild(b);
            buttons.push(b);
          }
        }
        box.appendChild(grid);
      }
      function tapOf(el) { return el && el.dataset && el.dataset.tap ? el.dataset.tap.split(",").map(Number) : null; }
      function over(event) { var t = tapOf(event.target); if (t) show({ side: "tap", cell: t }); }
      box.addEventListener("mouseover", over);
      box.addEventListener("focusin", over);
      box.addEventListener("mouseleave", function () { state.target = null; render(); });
      box.addEventListener("focusout", function () { state.target = null; render(); });
      box.addEventListener("click", function (event) {
        var t = tapOf(event.target);
        if (t) toggle({ side: "tap", cell: t });
      });
      box.addEventListener("keydown", function (event) { if (event.key === "Escape") unpin(); });
      var into = opts.kernel && opts.kernel.appendChild ? opts.kernel : null;
      if (into) into.appendChild(box); else svg.parentNode.insertBefore(box, svg.nextSibling);
      return {
        size: size, element: box,
        mark: function (tap) {
          var k = tap ? key(tap) : null, pinned = state.pinned && state.pinned.side === "tap" ? key(state.pinned.cell) : null;
          buttons.forEach(function (b) {
            b.style.background = b.dataset.tap === k ? "var(--cv-shadow, #073642)" : "transparent";
            b.style.opacity = b.dataset.tap === k ? ".6" : "1";
            b.setAttribute("aria-pressed", String(b.dataset.tap === pinned));
          });
        },
      };
    }

    if (!svg.hasAttribute("tabindex")) svg.setAttribute("tabindex", "0");
    svg.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight ArrowUp ArrowDown I O Enter Escape");
    var listeners = [["pointermove", onMove], ["pointerleave", onLeave], ["click", onClick],
      ["focus", onFocus], ["blur", onBlur], ["keydown", onKey]];
    listeners.forEach(function (l) { svg.addEventListener(l[0], l[1]); });

    return {
      show: show, pin: pin, unpin: unpin,
      state: function () {
        return { target: state.target, pinned: state.pinned, lit: state.lit,
                 cursor: state.cursor };
      },
      kernel: kernel ? kernel.element : null,
      detach: function () {
        listeners.forEach(function (l) { svg.removeEventListener(l[0], l[1]); });
        if (overlay.parentNode) overlay.parentNode.removeChild(overlay);
        if (kernel && kernel.element.parentNode) kernel.element.parentNode.removeChild(kernel.element);
        showFrame(null);
      },
    };
  }

  /** The frames as the SVG's groups list them. */
  function domFrames(svg) {
    var groups = Array.prototype.slice.call(svg.querySelectorAll(".cv-f[data-frame]"));
    var byFrame = {};
    groups.forEach(function (g) { byFrame[Number(g.getAttribute("data-frame"))] = g; });
    var numbers = Object.keys(byFrame).map(Number).sort(function (a, b) { return a - b; });
    return {
      count: numbers.length,
      get: function (i) {
        var g = byFrame[numbers[i]];
        return { frame: numbers[i], out: g.getAttribute("data-out").split(" ").map(Number),
                 cells: parseCells(g.getAttribute("data-cells")) };
      },
    };
  }

  root.convviz = root.convviz || {};
  root.convviz.attachHover = attachHover;
})(typeof window !== "undefined" ? window : globalThis);
