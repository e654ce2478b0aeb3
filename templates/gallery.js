/* convviz gallery: the hover maps and the pictures. Hovering or focusing an output cell highlights
   the canvas cells its window covers (.read) and the input cells it reads (.hit),
   from the engine's index maps embedded as JSON. No network, no dependencies. */
(function () {
  "use strict";
  function setup(root) {
    var data = JSON.parse(root.querySelector("script.grid-data").textContent);
    var hint = root.querySelector(".grid-hint");
    var idle = hint ? hint.textContent : "";
    var canvas = {}, inputs = {}, lit = [];
    root.querySelectorAll(".canvas .cell").forEach(function (el) {
      canvas[el.getAttribute("data-c")] = el;
      var i = el.getAttribute("data-i");
      if (i) { inputs[i] = el; }
    });
    function clear() {
      lit.forEach(function (el) { el.classList.remove("read", "hit", "active"); });
      lit = [];
      if (hint) { hint.textContent = idle; }
    }
    function show(button) {
      clear();
      var n = Number(button.getAttribute("data-o"));
      var read = [];
      data.taps[n].forEach(function (c) {
        var el = canvas[c.join(",")];
        if (el) { el.classList.add("read"); lit.push(el); }
      });
      data.input_taps[n].forEach(function (c) {
        if (c[0] < 0) { return; }
        var el = inputs[c.join(",")];
        if (el) { el.classList.add("hit"); lit.push(el); read.push("(" + c.join(", ") + ")"); }
      });
      button.classList.add("active");
      lit.push(button);
      if (hint) { hint.textContent = button.getAttribute("aria-label") + " ← " + (read.join(" ") || "0"); }
    }
    root.querySelectorAll(".output .cell").forEach(function (button) {
      button.addEventListener("mouseenter", function () { show(button); });
      button.addEventListener("focus", function () { show(button); });
      button.addEventListener("mouseleave", clear);
      button.addEventListener("blur", clear);
    });
  }
  document.querySelectorAll(".hover-grid").forEach(setup);
  // the oblique pictures in the page: pointing at a cell lights what it reads
  // (convviz-hover.js; the page works without it)
  var convviz = window.convviz;
  if (convviz && typeof convviz.attachHover === "function") {
    document.querySelectorAll(".pic-svg > svg.cv").forEach(function (svg) {
      convviz.attachHover(svg, { kernel: false });
    });
  }
})();
