// Reading help for every page.
//
// Figures scale down to fit the column (extra.css). Where that shrinks one, a button
// under it shows it at full size, in a box that scrolls sideways and takes the
// keyboard focus (arrow keys scroll it); a step-through figure scrolls its
// highlighted node into view. Without JavaScript the figures stay fitted.
const HIGHLIGHT = '[fill="#ffd54f"]';  // gradbook.viz._HIGHLIGHT

function naturalWidth(svg) {
  const w = svg.getAttribute("width") || "";
  const n = parseFloat(w);
  return w.endsWith("pt") ? (n * 4) / 3 : n;  // Graphviz and matplotlib size in pt
}

function showHighlight(box) {
  const node = box.querySelector(HIGHLIGHT);
  if (!node) return;
  const r = node.getBoundingClientRect(), b = box.getBoundingClientRect();
  box.scrollLeft += r.left + r.width / 2 - (b.left + b.width / 2);
}

function setFull(box, button, full) {
  box.classList.toggle("gb-figure--full", full);
  button.setAttribute("aria-pressed", String(full));
  button.textContent = full ? "Fit to width" : "Show full size";
  if (full) {
    box.tabIndex = 0;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Figure at full size, scrolls sideways");
    showHighlight(box);
  } else {
    box.removeAttribute("tabindex");
    box.removeAttribute("role");
    box.removeAttribute("aria-label");
  }
}

// The width a figure has to fit in: the column's, not the box's (a figure in a hidden
// tab has no width yet). Measured by a ResizeObserver, after the browser has laid the
// page out, never in the middle of a script: reading a size right after changing the
// page makes the browser lay the whole page out again, once per figure (on chapter 7,
// 29 figures, that was a long task on load).
let room = null;

function update(box) {
  const svg = box.querySelector(":scope > svg");
  const button = box.nextElementSibling;
  if (!svg || !button || !button.classList.contains("gb-zoom")) return;
  if (room === null) return;  // the observer updates every figure once it has measured
  const shrunk = naturalWidth(svg) > room;
  button.hidden = !shrunk;
  if (!shrunk && box.classList.contains("gb-figure--full")) setFull(box, button, false);
}

const zoomed = new Set();  // every figure box with a zoom button

// A "Show full size" button under a figure box; the live pages call it for the
// figures a Run draws (window.gradbookFigures.zoomable).
function zoomable(box) {
  if (zoomed.has(box)) return;
  zoomed.add(box);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "gb-zoom md-button";
  button.hidden = true;  // until measured: shown only if the figure had to shrink
  button.addEventListener("click", () =>
    setFull(box, button, !box.classList.contains("gb-figure--full")));
  box.after(button);
  setFull(box, button, false);
  update(box);
}
window.gradbookFigures = { zoomable };

// A box that scrolls sideways (a long code line or formula, a notebook's output) can be
// scrolled from the keyboard only if it can take the focus. All sizes are read first,
// then the attributes written: one layout of the page, not one per box.
function focusScrollers(body) {
  const boxes = [...body.querySelectorAll("pre, pre > code, .highlight-ipynb, .jp-OutputArea-output, div.arithmatex, .katex-display")];
  const wide = boxes.filter((box) => !box.hasAttribute("tabindex") && box.scrollWidth > box.clientWidth);
  for (const box of wide) box.tabIndex = 0;
}

// Once the browser has laid the page out (a ResizeObserver's first call comes then), and
// whenever the column changes width: which figures shrink, which boxes scroll.
function measure(body) {
  const column = body.querySelector(".md-content__inner") || body;
  new ResizeObserver(() => {
    room = column.clientWidth - 16;  // .gb-figure's padding
    zoomed.forEach((box) => box.isConnected ? update(box) : zoomed.delete(box));
    focusScrollers(body);
  }).observe(column);
  // Again once the fonts are in: KaTeX's fonts change how wide a formula is.
  document.fonts.ready.then(() => focusScrollers(body));
}

document$.subscribe(({ body }) => {
  body.querySelectorAll(".gb-figure").forEach(zoomable);
  // A step's tab shows another figure: keep its highlighted node in view too.
  body.querySelectorAll(".tabbed-set > input").forEach((input) =>
    input.addEventListener("change", () => requestAnimationFrame(() =>
      input.closest(".tabbed-set").querySelectorAll(".gb-figure--full").forEach(showHighlight))));
  measure(body);
});

// Material puts each code block's Copy button in a <nav> of its own, unnamed:
// dozens of identical navigation landmarks, which screen readers list and axe
// reports (landmark-unique). A row of buttons is not a landmark: role none.
// Material adds them as blocks come into view, so they are caught as they come.
function unlandmark(root) {
  root.querySelectorAll("nav.md-code__nav:not([role])").forEach((nav) => nav.setAttribute("role", "none"));
}
unlandmark(document);
new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) {
    if (n.matches("nav.md-code__nav")) n.setAttribute("role", "none");
    else unlandmark(n);
  }
}).observe(document.documentElement, { childList: true, subtree: true });
