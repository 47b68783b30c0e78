// Live pages: the reader edits a block of the chapter and runs it in the page.
//
// book/hooks/live.py wraps each runnable block in <div class="gb-live"> with its
// session, its place in the session, its code (as shown: build-only lines are
// left out) and whether its output is HTML. This script adds the Run, Stop and
// Reset buttons and makes the code editable in place (the page's highlighting
// stays). Python (Pyodide, in a Web Worker) and Graphviz load on the first Run.
const script = document.querySelector("script[data-gb-wheels]");
const WHEELS = JSON.parse(script.dataset.gbWheels).map((url) => new URL(url, location.href).href);
const HERE = new URL("./", import.meta.url);
// dot numbers its elements in every drawing; several drawings on a page would
// repeat the ids, so they go (as at build time, book/figures.py).
const DOT_IDS = / id="(?:graph|node|edge|clust|a_node|a_edge)\d+"/g;

let worker = null; // the Python worker, started on the first Run, ended by Stop
let running = null; // {block, resolve} while a block runs
let graphviz = null;
let stepsCount = 0;

function startWorker() {
  worker = new Worker(new URL("worker.js", HERE), { type: "module" });
  worker.onmessage = ({ data }) => {
    if (!running) return;
    if (data.type === "status") running.block.status(data.text, true);
    else if (data.type === "result") {
      if (data.result.fatal) {
        worker.terminate();
        worker = null; // as after Stop: the next Run starts Python afresh and replays the session
      }
      finish(data.result);
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    finish({ parts: [], error: `The browser could not start Python: ${event.message || "unknown error"}` });
  };
}

function finish(result) {
  if (!running) return;
  const { resolve } = running;
  running = null;
  resolve(result);
}

function stop() {
  if (!running) return;
  worker.terminate();
  worker = null; // the next Run starts Python afresh and replays the session
  finish({ stopped: true });
}

async function drawDot({ dot, alt, desc }) {
  if (!graphviz) {
    const { Graphviz } = await import(new URL("graphviz/index.js", HERE).href);
    graphviz = await Graphviz.load();
  }
  let svg = graphviz.dot(dot);
  svg = svg.slice(svg.indexOf("<svg")).replace(DOT_IDS, "");
  if (alt) {
    // As gradbook.viz.label_svg does at build time: one image, with its words.
    const open = svg.indexOf(">") + 1;
    const label = escapeHtml(alt.split(/\s+/).join(" "));
    svg = `<svg role="img" aria-label="${label}"` + svg.slice(4, open) +
      (desc ? `<desc>${escapeHtml(desc)}</desc>` : "") + svg.slice(open);
  }
  return `<div class="gb-figure">\n${svg}</div>`;
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function textBlock(text, cls = "") {
  return `<div class="language-text highlight ${cls}"><pre><code>${escapeHtml(text)}</code></pre></div>`;
}

// The same tabs as book/output.py's Steps (pymdownx.tabbed, alternate style).
async function steps(frames) {
  const key = `gb-live-steps-${++stepsCount}`;
  const inputs = frames.map((_, i) => `<input ${i ? "" : "checked "}id="${key}_${i + 1}" name="${key}" type="radio" />`);
  const labels = frames.map(([title], i) => `<label for="${key}_${i + 1}">${escapeHtml(title)}</label>`);
  const blocks = [];
  for (const [, figure] of frames) blocks.push(`<div class="tabbed-block">${await drawDot(figure)}</div>`);
  return `<div class="tabbed-set tabbed-alternate" data-tabs="1:${frames.length}">${inputs.join("")}` +
    `<div class="tabbed-labels">${labels.join("")}</div>\n<div class="tabbed-content">\n${blocks.join("\n")}\n</div>\n</div>`;
}

class LiveBlock {
  constructor(el, number) {
    this.el = el;
    this.number = number;
    this.session = el.dataset.gbSession;
    this.index = Number(el.dataset.gbIndex);
    this.original = el.dataset.gbCode;
    this.html = el.dataset.gbHtml === "true";
    this.source = el.querySelector(":scope > .highlight");
    this.code = this.source.querySelector("code");
    this.highlighted = this.code.innerHTML;
    this.edited = false;
    // The build-time output: everything after the code. Put back by Reset.
    this.built = [...el.childNodes].slice([...el.childNodes].indexOf(this.source) + 1);

    this.code.contentEditable = "plaintext-only";
    this.code.spellcheck = false;
    this.code.setAttribute("role", "textbox");
    this.code.setAttribute("aria-multiline", "true");
    this.code.setAttribute("aria-label", "Code of this block: edit it, then Run");
    this.code.addEventListener("input", () => {
      this.edited = true;
      this.reset.disabled = false;
    });
    this.code.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.run();
      }
    });

    const bar = document.createElement("div");
    bar.className = "gb-live-bar";
    this.runButton = this.button(bar, "Run", "Run this block, after the ones above it (Ctrl+Enter)", () => this.run());
    this.stopButton = this.button(bar, "Stop", "Stop the running block", stop);
    this.reset = this.button(bar, "Reset", "Put back the book's code and output", () => this.resetBlock());
    this.stopButton.disabled = this.reset.disabled = true;
    this.progress = document.createElement("progress");
    this.progress.hidden = true;
    this.statusText = document.createElement("span");
    this.statusText.className = "gb-live-status";
    this.statusText.setAttribute("role", "status");
    bar.append(this.progress, this.statusText);
    this.source.after(bar);
    this.output = document.createElement("div");
    this.output.className = "gb-live-output";
    this.output.hidden = true;
    bar.after(this.output);
  }

  button(bar, label, title, onclick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "gb-live-button";
    b.textContent = label;
    b.title = title;
    b.addEventListener("click", onclick);
    bar.append(b);
    return b;
  }

  status(text, busy = false) {
    this.statusText.textContent = text;
    this.progress.hidden = !busy;
  }

  currentCode() {
    return this.edited ? this.code.innerText.replace(/\n+$/, "") : this.original;
  }

  // What a traceback calls a block of the chain.
  nameOf(block) {
    const up = this.number - block.number;
    return up === 0 ? "this block" : up === 1 ? "the block above" : `the block ${up} blocks above`;
  }

  async run() {
    if (running) return;
    const chain = this.session
      ? blocks.filter((b) => b.session === this.session && b.index <= this.index).sort((a, b) => a.index - b.index)
      : [this];
    this.el.dataset.gbState = "running";
    this.runButton.disabled = true;
    this.stopButton.disabled = false;
    this.status(worker ? "Running…" : "Loading Python (once per page)…", true);
    if (!worker) startWorker();
    const result = await new Promise((resolve) => {
      running = { block: this, resolve };
      worker.postMessage({
        type: "run",
        wheels: WHEELS,
        key: this.session || `block-${this.number}`,
        chain: chain.map((b) => b.currentCode()),
        names: chain.map((b) => this.nameOf(b)),
        index: chain.length - 1,
      });
    });
    await this.show(result);
    this.runButton.disabled = false;
    this.stopButton.disabled = true;
    this.reset.disabled = false;
  }

  async show(result) {
    for (const node of this.built) node.remove();
    this.output.hidden = false;
    if (result.stopped) {
      this.output.innerHTML = textBlock("Stopped. The next Run starts Python afresh and runs the blocks above again.", "gb-live-error");
      this.status("Stopped");
      this.el.dataset.gbState = "stopped";
      return;
    }
    let html = "";
    try {
      for (const part of result.parts) {
        if (part.kind === "text") html += this.html ? part.text : textBlock(part.text);
        else if (part.kind === "graph") html += (await drawDot(part)) + "\n";
        else if (part.kind === "svg") html += `<div class="gb-figure">\n${part.svg}</div>\n`; // gradbook.plot
        else html += (await steps(part.frames)) + "\n";
      }
    } catch (error) {
      result.error = `Graphviz could not draw the figure: ${error}`;
    }
    if (result.error) html += textBlock(result.error, "gb-live-error");
    this.output.innerHTML = html;
    this.status(result.error ? "Failed" : "Done");
    this.el.dataset.gbState = result.error ? "error" : "done";
  }

  resetBlock() {
    if (running && running.block === this) stop();
    this.code.innerHTML = this.highlighted;
    this.edited = false;
    this.output.innerHTML = "";
    this.output.hidden = true;
    this.output.after(...this.built);
    this.status("");
    this.reset.disabled = true;
    delete this.el.dataset.gbState;
  }
}

const blocks = [...document.querySelectorAll(".gb-live:not(.gb-live-off)")].map((el, i) => new LiveBlock(el, i + 1));
