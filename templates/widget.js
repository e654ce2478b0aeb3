/* widget.js — the front end of convviz.widget(), an anywidget (plain ESM, no build step).
 *
 * It computes nothing: the controls set the model's `spec` (a dict with ConvSpec's
 * parameter names), and the Python engine answers through the model's state: `error`,
 * `describe`, `output_size`, `formula` (text lines), `pytorch` and `keras` (convviz.info's
 * entries), `disagreements`, `frame_count`, `svg` (the picture) and `picture_note`; with an
 * invalid spec `error` (the engine's message) and `error_parameter` (its field). `frame`
 * is -1 while the picture plays, else the frame shown. Save sends {type: "save"}; Python
 * writes `save_path` (an existing file only with `save_overwrite`) and answers in
 * `save_message` / `save_failed`.
 *
 * The picture is the SVG text inline (written by convviz's own Python code), with the
 * playground's and the gallery's hover (templates/convviz-hover.js, which Python puts in
 * front of this module: `globalThis.convviz.attachHover`): point at an output cell to see
 * its window, at an input cell to see the outputs it feeds; click pins. With
 * prefers-reduced-motion the view starts held on the poster frame (it sets `frame`).
 *
 * The model is anywidget's: get, set, save_changes, on, off, send.
 */

const PARAMETERS = ["input_size", "kernel_size", "stride", "padding", "dilation", "transposed",
  "output_padding", "groups", "in_channels", "out_channels"];
const PADDING_NAMES = ["valid", "same", "full", "causal"];
const TYPING_DELAY_MS = 300; // a text field is sent this long after the last key (or on Enter)
let instances = 0; // for the ids a datalist needs, unique in the page

// -- text of the controls <-> the spec's values ----------------------------------------------
const WHOLE = /^-?\d+$/;

/** "7" -> 7, "7, 5" -> [7, 5]; any other text goes as it is (the engine names what is wrong). */
export function parseNumbers(text) {
  const parts = text.split(",").map((part) => part.trim());
  if (!parts.every((part) => WHOLE.test(part))) return text.trim();
  const values = parts.map(Number);
  return values.length === 1 ? values[0] : values;
}

/** A number, one per axis ("1,0"), before/after pairs ("1/2,0/1") or a name ("same"). */
export function parsePadding(text) {
  const trimmed = text.trim();
  if (trimmed.indexOf("/") < 0) return parseNumbers(trimmed);
  const pairs = trimmed.split(",").map((entry) => entry.split("/").map((v) => v.trim()));
  if (!pairs.every((pair) => pair.length === 2 && pair.every((v) => WHOLE.test(v)))) {
    return trimmed;
  }
  return pairs.map((pair) => pair.map(Number));
}

/** JSON with the keys of every object sorted: two specs are the same whatever their order. */
function canonical(value) {
  if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
  if (value && typeof value === "object") {
    return "{" + Object.keys(value).sort().map((key) => JSON.stringify(key) + ":" +
      canonical(value[key])).join(",") + "}";
  }
  return JSON.stringify(value === undefined ? null : value);
}

function same(a, b) { return canonical(a) === canonical(b); }

/** The text of a per-axis value: 3 or [3, 3] -> "3", [7, 5] -> "7,5". */
export function numbersText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "string") return String(value);
  if (Array.isArray(value) && value.length && value.every((v) => typeof v === "number")) {
    return value.every((v) => v === value[0]) ? String(value[0]) : value.join(",");
  }
  return JSON.stringify(value);
}

export function paddingText(value) {
  if (!Array.isArray(value)) return numbersText(value);
  const pairs = value.map((entry) => (typeof entry === "number" ? [entry, entry] : entry));
  if (!pairs.every((pair) => Array.isArray(pair) && pair.length === 2 &&
                              pair.every((v) => typeof v === "number"))) {
    return JSON.stringify(value);
  }
  if (pairs.every((pair) => pair[0] === pair[1])) return numbersText(pairs.map((p) => p[0]));
  return pairs.map((pair) => pair[0] + "/" + pair[1]).join(",");
}

// -- building the view --------------------------------------------------------------------
function make(tag, attributes, parent) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  if (parent) parent.appendChild(node);
  return node;
}

function field(parent, caption, attributes) {
  const label = make("label", {}, parent);
  make("span", { text: caption }, label);
  return make("input", Object.assign({ type: "text", spellcheck: "false", autocomplete: "off" },
    attributes), label);
}

function build(el) {
  const id = "convviz-widget-" + ++instances;
  const root = make("div", { class: "convviz-widget" }, el);
  const controls = make("div", { class: "cvw-controls", role: "group",
    "aria-label": "convolution parameters" }, root);
  const dimsLabel = make("label", {}, controls);
  make("span", { text: "dimensions" }, dimsLabel);
  const n = make("select", { name: "n" }, dimsLabel);
  [1, 2, 3].forEach((d) => make("option", { value: String(d), text: d + "-D" }, n));
  const inputs = {
    n: n,
    input_size: field(controls, "input size i", { name: "input_size", inputmode: "numeric" }),
    kernel_size: field(controls, "kernel size k", { name: "kernel_size", inputmode: "numeric" }),
    stride: field(controls, "stride s", { name: "stride", inputmode: "numeric" }),
    padding: field(controls, "padding p", { name: "padding", list: id + "-padding" }),
    dilation: field(controls, "dilation d", { name: "dilation", inputmode: "numeric" }),
  };
  const names = make("datalist", { id: id + "-padding" }, controls);
  PADDING_NAMES.forEach((name) => make("option", { value: name }, names));
  const check = make("label", { class: "cvw-check" }, controls);
  inputs.transposed = make("input", { type: "checkbox", name: "transposed" }, check);
  make("span", { text: "transposed" }, check);
  inputs.output_padding = field(controls, "output padding", { name: "output_padding",
    inputmode: "numeric" });
  inputs.groups = field(controls, "groups", { name: "groups", inputmode: "numeric" });
  inputs.in_channels = field(controls, "in channels", { name: "in_channels",
    inputmode: "numeric", placeholder: "= groups" });
  inputs.out_channels = field(controls, "out channels", { name: "out_channels",
    inputmode: "numeric", placeholder: "= groups" });

  const error = make("p", { class: "cvw-error", role: "alert" }, root);
  const result = make("div", { class: "cvw-result" }, root);
  const size = make("p", { class: "cvw-size" }, result);
  make("span", { text: "Output size " }, size);
  const outputSize = make("strong", {}, size);
  const describe = make("span", { class: "cvw-describe" }, size);
  const figure = make("div", { class: "cvw-picture" }, result);
  const picture = make("div", { class: "cvw-svg" }, figure);
  const note = make("p", { class: "cvw-note" }, result);
  const frames = make("div", { class: "cvw-frames", role: "group", "aria-label": "frames" },
    result);
  const previous = make("button", { type: "button", "aria-label": "previous frame",
    text: "◀" }, frames);
  const play = make("button", { type: "button", class: "cvw-play" }, frames);
  const next = make("button", { type: "button", "aria-label": "next frame", text: "▶" },
    frames);
  const slider = make("input", { type: "range", min: "0", step: "1", "aria-label": "frame" },
    frames);
  const frameText = make("span", { class: "cvw-frame-text" }, frames);
  make("h4", { text: "Output size" }, result);
  const formula = make("pre", { class: "cvw-formula" }, result);
  make("h4", { text: "PyTorch" }, result);
  const pytorch = make("pre", { class: "cvw-pytorch" }, result);
  make("h4", { text: "Keras 3" }, result);
  const keras = make("pre", { class: "cvw-keras" }, result);
  make("h4", { text: "Where PyTorch and Keras differ" }, result);
  const disagreements = make("ul", { class: "cvw-disagreements" }, result);

  const saveRow = make("div", { class: "cvw-save", role: "group", "aria-label": "save" }, root);
  const savePath = field(saveRow, "save as", { name: "save_path", size: "32" });
  const overwriteLabel = make("label", { class: "cvw-check" }, saveRow);
  const overwrite = make("input", { type: "checkbox", name: "save_overwrite" }, overwriteLabel);
  make("span", { text: "overwrite" }, overwriteLabel);
  const save = make("button", { type: "button", class: "cvw-save-button", text: "Save" },
    saveRow);
  const saveMessage = make("span", { class: "cvw-save-message", role: "status" }, saveRow);
  return { root, inputs, error, result, outputSize, describe, picture, note, frames, previous,
    play, next, slider, frameText, formula, pytorch, keras, disagreements, savePath, overwrite,
    save, saveMessage };
}

// -- the widget -----------------------------------------------------------------------------
function render({ model, el }) {
  const view = build(el);
  const inputs = view.inputs;
  let pending = null; // a text field's change, sent after TYPING_DELAY_MS
  let hover = null; // the picture's hover (attachHover's handle), detached before a redraw

  /** The spec the controls say (the number of axes comes from "dimensions"). */
  function readSpec() {
    const ndim = Number(inputs.n.value);
    let input = parseNumbers(inputs.input_size.value);
    if (typeof input === "number") input = Array(ndim).fill(input);
    const channels = (node) => (node.value.trim() === "" ? null : parseNumbers(node.value));
    return {
      input_size: input,
      kernel_size: parseNumbers(inputs.kernel_size.value),
      stride: parseNumbers(inputs.stride.value),
      padding: parsePadding(inputs.padding.value),
      dilation: parseNumbers(inputs.dilation.value),
      transposed: inputs.transposed.checked,
      output_padding: parseNumbers(inputs.output_padding.value),
      groups: parseNumbers(inputs.groups.value),
      in_channels: channels(inputs.in_channels),
      out_channels: channels(inputs.out_channels),
    };
  }

  function sendSpec() {
    clearTimeout(pending);
    pending = null;
    const spec = readSpec();
    if (Array.isArray(spec.input_size) && spec.input_size.length >= 1 &&
        spec.input_size.length <= 3) {
      inputs.n.value = String(spec.input_size.length);
    }
    if (same(spec, model.get("spec"))) return;
    model.set("spec", spec);
    model.save_changes();
  }

  /** Show the model's spec in the controls, unless they already say it (or are being typed
   *  in: the field's text is sent when the typing stops). */
  function showSpec() {
    const spec = model.get("spec") || {};
    if (pending !== null || same(readSpec(), spec)) return;
    const input = spec.input_size;
    inputs.n.value = Array.isArray(input) && input.length >= 1 && input.length <= 3
      ? String(input.length) : typeof input === "number" ? "2" : inputs.n.value;
    PARAMETERS.forEach((key) => {
      if (key === "transposed") inputs.transposed.checked = spec.transposed === true;
      else if (key === "padding") inputs.padding.value = paddingText(spec.padding);
      else inputs[key].value = numbersText(spec[key]);
    });
  }

  function showResult() {
    const message = model.get("error");
    view.error.textContent = message;
    view.result.hidden = Boolean(message);
    const wrong = model.get("error_parameter") || "";
    for (const key of PARAMETERS) {
      if (key === wrong) inputs[key].setAttribute("aria-invalid", "true");
      else inputs[key].removeAttribute("aria-invalid");
    }
    view.outputSize.textContent = (model.get("output_size") || []).join(" × ");
    view.describe.textContent = model.get("describe") ? " — " + model.get("describe") : "";
    view.formula.textContent = (model.get("formula") || []).join("\n");
    for (const [key, node, none] of [["pytorch", view.pytorch, "PyTorch"],
      ["keras", view.keras, "Keras"]]) {
      const entry = model.get(key) || {};
      const lines = [entry.code || "(no " + none + " layer computes this)"];
      if (entry.note) lines.push(entry.note);
      node.textContent = message ? "" : lines.join("\n");
    }
    view.disagreements.textContent = "";
    for (const text of model.get("disagreements") || []) {
      make("li", { text: text }, view.disagreements);
    }
  }

  function showPicture() {
    const text = model.get("svg") || "";
    if (hover) hover.detach();
    hover = null;
    // the SVG text is written by convviz's own Python code (no user text in it)
    view.picture.innerHTML = text;
    view.picture.hidden = !text;
    const svg = view.picture.querySelector("svg");
    if (svg) {
      const spec = model.get("spec") || {};
      svg.setAttribute("aria-label", "the convolution " + (model.get("describe") || "") +
        ": point at a cell, or focus the picture and use the arrow keys, to see what reads what");
      hover = globalThis.convviz.attachHover(svg, { flipped: spec.transposed === true });
    }
    view.note.textContent = model.get("picture_note") || "";
    showFrame();
  }

  /** Under prefers-reduced-motion a playing picture is held on its poster frame. */
  function holdIfReduced() {
    const svg = view.picture.querySelector("svg");
    const poster = svg && svg.querySelector(".cv-f.cv-p");
    if (poster && model.get("frame") < 0 && (model.get("frame_count") || 0) > 1 &&
        globalThis.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      setFrame(Number(poster.getAttribute("data-frame")));
    }
  }

  function showFrame() {
    const count = model.get("frame_count") || 0, frame = model.get("frame");
    const playing = frame < 0;
    view.frames.hidden = count < 1;
    view.slider.max = String(Math.max(count - 1, 0));
    view.slider.value = String(playing ? 0 : frame);
    view.play.textContent = playing ? "Pause" : "Play";
    view.play.setAttribute("aria-pressed", playing ? "true" : "false");
    view.frameText.textContent = playing ? "all " + count + " frames, looping"
      : "frame " + (frame + 1) + " of " + count;
  }

  function showSave() {
    if (view.savePath.value !== model.get("save_path")) view.savePath.value = model.get("save_path");
    view.overwrite.checked = model.get("save_overwrite") === true;
    view.saveMessage.textContent = model.get("save_message") || "";
    view.saveMessage.classList.toggle("cvw-failed", model.get("save_failed") === true);
  }

  function setFrame(frame) {
    model.set("frame", frame);
    model.save_changes();
  }

  function step(by) {
    const count = model.get("frame_count") || 0, frame = model.get("frame");
    if (count < 1) return;
    setFrame(frame < 0 ? (by > 0 ? 0 : count - 1) : (frame + by + count) % count);
  }

  // controls -> model
  for (const key of ["input_size", "kernel_size", "stride", "padding", "dilation",
    "output_padding", "groups", "in_channels", "out_channels"]) {
    inputs[key].addEventListener("input", () => {
      clearTimeout(pending);
      pending = setTimeout(sendSpec, TYPING_DELAY_MS);
    });
    inputs[key].addEventListener("change", sendSpec);
    inputs[key].addEventListener("keydown", (event) => {
      if (event.key === "Enter") sendSpec();
    });
  }
  inputs.n.addEventListener("change", () => {
    const input = parseNumbers(inputs.input_size.value);
    if (Array.isArray(input) && input.length !== Number(inputs.n.value)) {
      inputs.input_size.value = String(input[0]);
    }
    sendSpec();
  });
  inputs.transposed.addEventListener("change", sendSpec);
  view.play.addEventListener("click", () => setFrame(model.get("frame") < 0 ? 0 : -1));
  view.previous.addEventListener("click", () => step(-1));
  view.next.addEventListener("click", () => step(1));
  view.slider.addEventListener("input", () => setFrame(Number(view.slider.value)));
  view.savePath.addEventListener("input", () => {
    model.set("save_path", view.savePath.value);
    model.save_changes();
  });
  view.overwrite.addEventListener("change", () => {
    model.set("save_overwrite", view.overwrite.checked);
    model.save_changes();
  });
  view.save.addEventListener("click", () => {
    view.saveMessage.textContent = "Saving…";
    view.saveMessage.classList.remove("cvw-failed");
    model.send({ type: "save" });
  });

  // model -> view
  const listeners = [
    ["change:spec", showSpec],
    ["change:error change:error_parameter change:describe change:output_size change:formula change:pytorch " +
     "change:keras change:disagreements", showResult],
    ["change:svg change:picture_note", showPicture],
    ["change:frame change:frame_count", showFrame],
    ["change:save_path change:save_overwrite change:save_message change:save_failed",
     showSave],
  ];
  for (const [events, handler] of listeners) {
    for (const event of events.split(" ")) model.on(event, handler);
  }
  showSpec();
  showResult();
  showPicture();
  showSave();
  holdIfReduced();
  return () => {
    clearTimeout(pending);
    for (const [events, handler] of listeners) {
      for (const event of events.split(" ")) model.off(event, handler);
    }
    if (hover) hover.detach();
    hover = null;
  };
}

export default { render };
