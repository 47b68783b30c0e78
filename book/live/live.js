// Live pages: the reader edits a block of the chapter and runs it in the page.
//
// book/formatter.py wraps each runnable block in <div class="gb-live"> with its
// session, its place in the session, its code (as shown: build-only lines are
// left out) and whether its output is HTML. This script adds the Run, Stop and
// Reset buttons and makes the code editable in place (the page's highlighting
// stays). Python (Pyodide, in a Web Worker: worker.js, which runs the blocks
// with the build's own runner, book.pagerun) loads on the first Run.
//
// Blocks are set up a few at a time when the browser is idle, those near the
// screen first, so opening a chapter makes no long task.
//
// For other scripts of the page (exercise checks, copy buttons...), a small API:
//
//   window.gradbookLive.ready            a promise: every block is set up
//   window.gradbookLive.onBlock(fn)      fn(blockElement) for each block, now or once set up
//   window.gradbookLive.addButton(blockElement, {label, title, onClick})
//                                        a button in the block's bar (after Reset); returns it
//   window.gradbookLive.run(blockElement, extraCode, {show = false, name = "the check"})
//                                        runs the block's session up to the block (as the reader
//                                        has it), then extraCode in the same namespace; resolves
//                                        to {text, html, error, summary, stopped}. Queued behind
//                                        a running block. show: put the output under the block.
//   window.gradbookLive.code(blockElement)  the block's code as the reader has it now
//
// Options a test may set before the page loads (window.gradbookLiveOptions):
//   {stallSeconds: 30, compileSeconds: 60, replaySeconds: 90}: the limits stated to the reader below
//   (a download that stalls, Python's start once its files are in, an earlier block that runs on).
const script = document.querySelector("script[data-gb-wheels]");
const WHEELS = JSON.parse(script.dataset.gbWheels).map((url) => new URL(url, location.href).href);
const HERE = new URL("./", import.meta.url);
const OPTIONS = { stallSeconds: 30, compileSeconds: 60, replaySeconds: 90, ...(window.gradbookLiveOptions || {}) };
const STORE = `gradbook-live:${location.pathname}`;

let worker = null; // the Python worker, started on the first Run, ended by Stop or a failure
let started = false; // whether Python has started in `worker`
let running = null; // {block, request, resolve, timer, current} while a block runs
const queue = []; // runs asked for while one runs
let files = null; // the manifest: what the first Run downloads

const blocks = [];
const setUpCallbacks = [];

// ------------------------------------------------------------------ announcing

const announcer = document.createElement("div");
announcer.className = "gb-live-announce";
announcer.setAttribute("role", "status");
announcer.setAttribute("aria-live", "polite");
document.body.append(announcer);

function announce(text) {
  // Emptied first, so the same words said twice are said again.
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

function textBlock(text, cls) {
  // Built as nodes, so the text is never read as HTML.
  const div = document.createElement("div");
  div.className = `language-text highlight ${cls || ""}`;
  const pre = document.createElement("pre");
  const code = document.createElement("code");
  code.textContent = text;
  pre.append(code);
  div.append(pre);
  return div;
}

function megabytes(n) {
  return (n / 1e6).toFixed(1);
}

// ------------------------------------------------------------------ the worker

async function manifest() {
  if (files) return files;
  const response = await fetch(new URL("manifest.json", HERE));
  if (!response.ok) throw new Error(`could not load ${response.url}: HTTP ${response.status}`);
  const data = await response.json();
  const site = new URL("../", HERE);
  const sizes = {};
  for (const [path, n] of Object.entries(data.sizes)) sizes[new URL(path, site).href] = n;
  files = { runner: new URL(data.runner, HERE).href, wheels: WHEELS, sizes };
  return files;
}

function endWorker() {
  if (worker) worker.terminate();
  worker = null; // the next Run starts Python afresh and replays the session
  started = false;
}

function startWorker() {
  worker = new Worker(new URL("worker.js", HERE), { type: "module" });
  worker.onmessage = ({ data }) => {
    if (!running) return;
    if (data.type === "progress") {
      running.block.status(
        `Loading Python: ${megabytes(data.done)} of ${megabytes(data.total)} MB (downloaded once, then kept in your browser's cache)…`,
        { value: data.done, max: data.total },
      );
    } else if (data.type === "stage") {
      if (data.text === "Running…") started = true;
      if (data.compiling) running.compiling = true;
      running.block.status(data.text, true);
    } else if (data.type === "block") {
      running.current = data.index;
    } else if (data.type === "result") {
      if (data.result.startFailed || data.result.fatal) endWorker();
      finish(data.result);
      return;
    }
    armTimer(); // anything that arrives shows the start has not stalled
  };
  worker.onerror = (event) => {
    event.preventDefault();
    endWorker();
    finish({ error: `Python could not start in this page: ${event.message || "its script did not load"}.` });
  };
}

// A start that stalls and an earlier block that runs too long both end in a
// message, within their limit, and leave the page ready for the next Run.
function armTimer() {
  if (!running) return;
  clearTimeout(running.timer);
  const { request } = running;
  if (!started) {
    const limit = running.compiling ? OPTIONS.compileSeconds : OPTIONS.stallSeconds;
    running.timer = setTimeout(() => {
      endWorker();
      finish({
        error:
          (running.compiling
            ? `Python did not finish starting within ${limit} s of its files arriving. `
            : `Python did not start: nothing more of it arrived for ${limit} s. Check your connection; `) +
          "the next Run tries again from the start.",
      });
    }, limit * 1000);
  } else if (running.current !== undefined && running.current < request.index) {
    const index = running.current;
    running.timer = setTimeout(() => {
      endWorker();
      finish({ stuck: index });
    }, OPTIONS.replaySeconds * 1000);
  }
}

function finish(result) {
  if (!running) return;
  const { resolve, timer } = running;
  clearTimeout(timer);
  running = null;
  resolve(result);
  next();
}

function next() {
  if (running || !queue.length) return;
  const job = queue.shift();
  job.begin();
}

// Ask for a run: it starts now, or after the runs asked for before it.
function enqueue(block, request) {
  return new Promise((resolve) => {
    const job = {
      block,
      request,
      resolve,
      async begin() {
        running = { block, request, resolve, timer: null, current: undefined };
        block.setState("running");
        block.status(worker && started ? "Running…" : "Loading Python…", true);
        try {
          request.files = await manifest();
        } catch (error) {
          finish({ error: `Python could not start in this page: ${error.message}. The next Run tries again.` });
          return;
        }
        if (!running || running.request !== request) return; // stopped meanwhile
        if (!worker) startWorker();
        armTimer();
        const { files: f, key, chain, names, index } = request;
        worker.postMessage({ type: "run", files: f, key, chain, names, index });
      },
    };
    queue.push(job);
    if (running) {
      block.setState("queued");
      const n = queue.length;
      block.status(`Waiting: block ${running.block.number} is running; this one runs ${n === 1 ? "next" : `after ${n - 1} more`}.`);
    }
    next();
  });
}

function stop(block) {
  const i = queue.findIndex((job) => job.block === block);
  if (i >= 0) {
    const [job] = queue.splice(i, 1);
    job.resolve({ stopped: true, queued: true });
    return;
  }
  if (!running || running.block !== block) return;
  const current = running.current;
  const replaying = current !== undefined && current < running.request.index;
  endWorker();
  finish({ stopped: true, stuck: replaying ? current : undefined });
}

// ------------------------------------------------------------------ saved edits

function saved() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || "{}");
  } catch {
    return {};
  }
}

function save(block, code) {
  try {
    const all = saved();
    if (code === null) delete all[block.storeKey];
    else all[block.storeKey] = { book: block.original, code };
    if (Object.keys(all).length) localStorage.setItem(STORE, JSON.stringify(all));
    else localStorage.removeItem(STORE);
  } catch {
    // Storage full or refused (a private window): the edit is not kept, nothing else changes.
  }
}

// ------------------------------------------------------------------ a block

function firstLine(code) {
  const line = code.split("\n").find((l) => l.trim()) || "";
  return line.length > 50 ? `${line.slice(0, 47)}…` : line;
}

class LiveBlock {
  constructor(el, number) {
    this.el = el;
    this.number = number;
    this.session = el.dataset.gbSession;
    this.index = Number(el.dataset.gbIndex);
    this.original = el.dataset.gbCode;
    this.storeKey = `${this.session}#${this.index}#${number}`;
    this.ready = false;
  }

  setUp() {
    if (this.ready) return;
    this.ready = true;
    const el = this.el;
    this.source = el.querySelector(":scope > .highlight");
    this.code = this.source.querySelector("code");
    this.highlighted = this.code.innerHTML;
    this.edited = false;
    this.escaped = false;
    // The build-time output: everything after the code. Put back by Reset.
    this.built = [...el.childNodes].slice([...el.childNodes].indexOf(this.source) + 1);
    const name = `block ${this.number}`;

    this.code.contentEditable = "plaintext-only";
    this.code.spellcheck = false;
    this.code.setAttribute("role", "textbox");
    this.code.setAttribute("aria-multiline", "true");
    this.code.setAttribute(
      "aria-label",
      `Code of ${name}, starting ${firstLine(this.original)}. Edit it, then Run (Ctrl+Enter). ` +
        "Tab indents; to leave the editor press Escape, then Tab.",
    );
    this.code.addEventListener("input", () => {
      this.edited = true;
      this.resetButton.setAttribute("aria-disabled", "false");
      clearTimeout(this.saving);
      this.saving = setTimeout(() => save(this, this.currentCode()), 300);
    });
    this.code.addEventListener("keydown", (event) => this.key(event));
    this.code.addEventListener("blur", () => {
      this.escaped = false;
    });

    const bar = document.createElement("div");
    bar.className = "gb-live-bar";
    this.bar = bar;
    this.runButton = this.button(`Run ${name}`, "Run", "Run this block, after the ones above it (Ctrl+Enter)", () => this.run());
    this.stopButton = this.button(`Stop ${name}`, "Stop", "Stop this block", () => stop(this));
    this.resetButton = this.button(`Reset ${name}`, "Reset", "Put back the book's code and output", () => this.resetBlock());
    this.stopButton.setAttribute("aria-disabled", "true");
    this.resetButton.setAttribute("aria-disabled", "true");
    this.progress = document.createElement("progress");
    this.progress.hidden = true;
    this.progress.setAttribute("aria-label", `Progress of ${name}`);
    this.statusText = document.createElement("span");
    this.statusText.className = "gb-live-status";
    bar.append(this.progress, this.statusText);
    this.source.after(bar);
    this.output = document.createElement("div");
    this.output.className = "gb-live-output";
    this.output.hidden = true;
    bar.after(this.output);

    const kept = saved()[this.storeKey];
    if (kept && kept.book === this.original && kept.code !== this.original) {
      this.code.textContent = kept.code;
      this.edited = true;
      this.resetButton.setAttribute("aria-disabled", "false");
      this.status("Your edit, kept from your last visit (Reset puts back the book's code)");
    }
    for (const fn of setUpCallbacks) fn(el);
  }

  key(event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.run();
    } else if (event.key === "Escape") {
      this.escaped = true; // the next Tab leaves the editor
    } else if (event.key === "Tab" && !this.escaped && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      document.execCommand("insertText", false, "    ");
    } else if (event.key !== "Shift") {
      this.escaped = false;
    }
  }

  // A button that keeps the focus whatever happens: "disabled" is said
  // (aria-disabled) and honoured here, never by taking the button away.
  button(accessibleName, label, title, onclick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "gb-live-button";
    b.textContent = label;
    b.title = title;
    b.setAttribute("aria-label", accessibleName);
    b.addEventListener("click", (event) => {
      if (b.getAttribute("aria-disabled") === "true") return;
      onclick(event);
    });
    this.bar.append(b);
    return b;
  }

  setState(state) {
    if (state) this.el.dataset.gbState = state;
    else delete this.el.dataset.gbState;
    const busy = state === "running" || state === "queued";
    this.runButton.setAttribute("aria-disabled", String(busy));
    this.stopButton.setAttribute("aria-disabled", String(!busy));
  }

  status(text, busy = false) {
    this.statusText.textContent = text;
    this.progress.hidden = !busy;
    if (busy && typeof busy === "object") {
      this.progress.max = busy.max;
      this.progress.value = busy.value;
    } else if (busy) {
      this.progress.removeAttribute("value");
    }
  }

  currentCode() {
    return this.edited ? this.code.innerText.replace(/\n+$/, "") : this.original;
  }

  // What a traceback calls a block of the chain.
  nameOf(block) {
    const up = this.number - block.number;
    return up === 0 ? "this block" : up === 1 ? `the block above (block ${block.number})` : `block ${block.number}, above`;
  }

  // data-gb-session is book.blocks.Block.session_id: a block without a session has one of its own.
  chain(without = []) {
    return blocks
      .filter((b) => b.session === this.session && b.index <= this.index && !without.includes(b))
      .sort((a, b) => a.index - b.index);
  }

  request(chain, extra) {
    const codes = chain.map((b) => b.currentCode());
    const names = chain.map((b) => this.nameOf(b));
    if (extra !== undefined) {
      codes.push(extra.code);
      names.push(extra.name);
    }
    return { key: this.session, chain: codes, names, index: codes.length - 1, blocks: chain };
  }

  async run(without = []) {
    if (this.el.dataset.gbState === "running" || this.el.dataset.gbState === "queued") return;
    const request = this.request(this.chain(without));
    const result = await enqueue(this, request);
    this.show(result, request);
    this.resetButton.setAttribute("aria-disabled", "false");
  }

  show(result, request) {
    this.setState(null);
    if (result.stopped && result.queued) {
      this.status("Not run: taken off the queue");
      return;
    }
    for (const node of this.built) node.remove();
    this.output.hidden = false;
    this.output.replaceChildren();
    const stuck = result.stuck;
    if (stuck !== undefined) {
      const earlier = request.blocks[stuck];
      this.output.append(
        textBlock(
          result.stopped
            ? `Stopped while ${this.nameOf(earlier)} was running: it runs before this one, so this block has not started.`
            : `${this.nameOf(earlier).replace(/^./, (c) => c.toUpperCase())} ran for more than ${OPTIONS.replaySeconds} s ` +
                "(it runs before this one), so it was stopped and this block has not started.",
          "gb-live-error",
        ),
      );
      this.offer(earlier);
      this.status(result.stopped ? "Stopped" : "Stopped: an earlier block ran too long");
      this.el.dataset.gbState = result.stopped ? "stopped" : "error";
      announce(`Block ${this.number}: ${this.nameOf(earlier)} ran too long; this block did not run`);
      return;
    }
    if (result.stopped) {
      this.output.append(textBlock("Stopped. The next Run starts Python afresh and runs the blocks above again.", "gb-live-error"));
      this.status("Stopped");
      this.el.dataset.gbState = "stopped";
      announce(`Block ${this.number}: stopped`);
      return;
    }
    if (result.html) {
      const box = document.createElement("template");
      box.innerHTML = result.html; // made by book.output in Python: printed text escaped there
      this.output.append(box.content);
      for (const figure of this.output.querySelectorAll(".gb-figure")) window.gradbookFigures?.zoomable(figure);
    }
    if (result.error) this.output.append(textBlock(result.error, "gb-live-error"));
    if (result.failed !== undefined && result.failed !== null && result.failed < request.index && request.blocks[result.failed]) {
      this.offer(request.blocks[result.failed]);
    }
    this.status(result.error ? "Failed" : "Done");
    this.el.dataset.gbState = result.error ? "error" : "done";
    announce(`Block ${this.number}: ${result.summary || (result.error ? "failed" : "done")}`);
  }

  // An earlier block failed or ran too long: run this one without it, or put it back as the book has it.
  offer(earlier) {
    const bar = document.createElement("div");
    bar.className = "gb-live-bar gb-live-offer";
    const without = document.createElement("button");
    without.type = "button";
    without.className = "gb-live-button";
    without.textContent = `Leave out block ${earlier.number}`;
    without.title = `Run block ${this.number} without block ${earlier.number}`;
    without.addEventListener("click", () => {
      this.runButton.focus();
      this.run([earlier]);
    });
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "gb-live-button";
    reset.textContent = `Put back block ${earlier.number}`;
    reset.title = `Put back the book's code of block ${earlier.number}, then run this block`;
    reset.disabled = !earlier.edited;
    reset.addEventListener("click", () => {
      earlier.resetBlock();
      this.runButton.focus();
      this.run();
    });
    bar.append(without, reset);
    this.output.append(bar);
  }

  resetBlock() {
    stop(this);
    clearTimeout(this.saving);
    save(this, null);
    this.code.innerHTML = this.highlighted;
    this.edited = false;
    this.output.replaceChildren();
    this.output.hidden = true;
    this.output.after(...this.built);
    this.status("");
    this.setState(null);
    this.resetButton.setAttribute("aria-disabled", "true");
    announce(`Block ${this.number}: the book's code and output are back`);
  }
}

// ------------------------------------------------------------------ setting up, lazily

const elements = [...document.querySelectorAll(".gb-live:not(.gb-live-off)")];
elements.forEach((el, i) => blocks.push(new LiveBlock(el, i + 1)));
const byElement = new Map(blocks.map((b) => [b.el, b]));
let readyResolve;
const ready = new Promise((resolve) => {
  readyResolve = resolve;
});

function setUpSome(deadline) {
  // Those near the screen first, then the rest in page order, a few at a time.
  const pending = blocks.filter((b) => !b.ready);
  pending.sort((a, b) => (a.near ? 0 : 1) - (b.near ? 0 : 1));
  const until = performance.now() + 8; // without an idle deadline: 8 ms a turn
  for (const block of pending) {
    block.setUp();
    if (deadline && !deadline.didTimeout ? deadline.timeRemaining() < 3 : performance.now() > until) break;
  }
  scheduled = false;
  if (blocks.every((b) => b.ready)) {
    document.documentElement.dataset.gbLive = "ready";
    readyResolve();
  } else {
    schedule();
  }
}

let scheduled = false;
function schedule() {
  if (scheduled || blocks.every((b) => b.ready)) return;
  scheduled = true;
  idle(setUpSome);
}

function idle(fn) {
  if ("requestIdleCallback" in window) requestIdleCallback(fn, { timeout: 500 });
  else setTimeout(() => fn(null), 16);
}

const near = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const block = byElement.get(entry.target);
      near.unobserve(entry.target);
      block.near = true; // set up first, in the next idle time: never many at once in one task
    }
    schedule();
  },
  { rootMargin: "100% 0px" },
);
for (const block of blocks) {
  near.observe(block.el);
  // A reader who tabs into a block before it is set up gets it at once.
  block.el.addEventListener("focusin", () => block.setUp(), { once: true });
}
schedule();

function blockOf(el) {
  const block = byElement.get(el) || byElement.get(el?.closest?.(".gb-live"));
  if (!block) throw new Error("gradbookLive: not a live block of this page");
  block.setUp();
  return block;
}

window.gradbookLive = {
  ready,
  blocks: () => blocks.map((b) => b.el),
  onBlock(fn) {
    setUpCallbacks.push(fn);
    for (const b of blocks) if (b.ready) fn(b.el);
  },
  addButton(el, { label, title = "", onClick }) {
    const block = blockOf(el);
    const b = document.createElement("button");
    b.type = "button";
    b.className = "gb-live-button";
    b.textContent = label;
    if (title) b.title = title;
    b.addEventListener("click", onClick);
    block.bar.insertBefore(b, block.progress);
    return b;
  },
  code: (el) => blockOf(el).currentCode(),
  async run(el, extraCode, { show = false, name = "the check" } = {}) {
    const block = blockOf(el);
    const request = block.request(block.chain(), extraCode === undefined || extraCode === null ? undefined : { code: extraCode, name });
    const result = await enqueue(block, request);
    if (show) block.show(result, request);
    else block.setState(null);
    if (!show && !result.stopped) block.status(result.error ? "Failed" : "Done");
    return { text: result.text || "", html: result.html || "", error: result.error || null, summary: result.summary || "", stopped: Boolean(result.stopped) };
  },
};
