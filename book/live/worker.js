// The book's Python in the browser: Pyodide in a Web Worker, so that the page
// can stop a block that runs forever by ending the worker (static hosts cannot
// send the headers that SharedArrayBuffer interrupts need).
//
// The blocks run through book.pagerun, which runs them with book.sessions, the
// build's and the tests' own runner (shipped as live/runner.zip by the build),
// and Graphviz (WebAssembly) draws their figures here, in the worker.
//
// Messages in:  {type: "run", files, key, chain, names, index}
//   files: {runner, wheels: [urls], sizes: {url: bytes}}; chain: the code of
//   the session's blocks up to the one to run (as the reader has them now);
//   names: what tracebacks call each of them.
// Messages out: {type: "progress", done, total} while files download;
//   {type: "stage", text} as Python starts; {type: "block", index} as each block
//   of the chain starts; {type: "result", result} (book.pagerun.Page.run's
//   fields), with startFailed: true when Python could not start (this worker is
//   of no more use) or fatal: true when Python itself crashed.
import { loadPyodide } from "./pyodide/pyodide.mjs";

const HERE = new URL("./", import.meta.url);
let python = null; // promise of the book.pagerun.Page of this page
let graphviz = null; // {dot} once Graphviz has loaded, or {error}
let drawing = null; // the promise of Graphviz loading
let sizes = {};
let done = 0;
let lastReport = 0;

function report(force = false) {
  const now = Date.now();
  if (!force && now - lastReport < 100) return;
  lastReport = now;
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  self.postMessage({ type: "progress", done, total: Math.max(total, done) });
}

// Every file Pyodide fetches goes through here, so the page can say how much of
// it has arrived (the bytes as the page gets them: uncompressed).
const realFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  if (!response.ok || !response.body) return response;
  const wasm = String(input.url ?? input).endsWith(".wasm");
  const counted = response.body.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        done += chunk.byteLength;
        report();
        controller.enqueue(chunk);
      },
      flush() {
        report(true);
        // Python's WebAssembly is in: compiling it says nothing until it is done.
        if (wasm) self.postMessage({ type: "stage", text: "Starting Python (compiling it: a few seconds)…", compiling: true });
      },
    }),
  );
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
};

// Pyodide reports some failures of its start only on the console, and then waits
// for ever (a wasm that does not compile, a standard library that did not load):
// heard here, they end the start at once, with Pyodide's own words.
let failStart;
const startFailed = new Promise((_, reject) => {
  failStart = reject;
});
startFailed.catch(() => {});
for (const [level, sign, what] of [
  ["warn", "wasm instantiation failed", "Python's WebAssembly could not be compiled"],
  ["error", "installing the standard library", "Python's standard library could not be loaded"],
]) {
  const original = console[level].bind(console);
  let heard = false;
  console[level] = (...args) => {
    original(...args);
    if (heard) {
      failStart(new Error(`${what}: ${args.map(String).join(" ")}`));
      heard = false;
    } else if (String(args[0]).includes(sign)) {
      heard = true; // Pyodide logs the error itself next
    }
  };
}

async function fetchOk(url) {
  const response = await self.fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return response;
}

async function loadGraphviz() {
  try {
    // Imported from the bytes fetched (and counted) here, not fetched a second time.
    const text = await (await fetchOk(new URL("graphviz/index.js", HERE))).text();
    const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
    const { Graphviz } = await import(url);
    URL.revokeObjectURL(url);
    const gv = await Graphviz.load();
    graphviz = { dot: (source) => gv.dot(source) };
  } catch (error) {
    graphviz = { error: `Graphviz could not start in this page (${error}); the next Run tries again` };
  }
}

function ensureGraphviz() {
  drawing ??= loadGraphviz();
  return drawing;
}

// Called by Python (book.pagerun) for each figure: DOT source in, SVG text out.
function dot(source) {
  if (!graphviz) throw new Error("Graphviz is still loading in this page; run the block again in a moment");
  if (graphviz.error) {
    const why = graphviz.error;
    graphviz = drawing = null;
    ensureGraphviz();
    throw new Error(why);
  }
  return graphviz.dot(source);
}

async function start(files) {
  sizes = { ...files.sizes };
  report(true);
  const graphvizLoaded = ensureGraphviz();
  // pyodide.asm.mjs is imported by Pyodide, which fetch cannot count: fetched
  // here first (counted), Pyodide's import then finds it in the browser's cache.
  await (await fetchOk(new URL("pyodide/pyodide.asm.mjs", HERE))).arrayBuffer();
  const pyodide = await Promise.race([loadPyodide({ indexURL: new URL("pyodide/", HERE).href }), startFailed]);
  self.postMessage({ type: "stage", text: "Starting Python…" });
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  for (const url of [files.runner, ...files.wheels]) {
    const response = await fetchOk(url);
    pyodide.unpackArchive(await response.arrayBuffer(), "zip", { extractDir: sitePackages });
  }
  report(true);
  await graphvizLoaded;
  const pagerun = pyodide.pyimport("book.pagerun");
  const notify = (index) => self.postMessage({ type: "block", index });
  return pagerun.Page.callKwargs({ dot, notify });
}

self.onmessage = async ({ data }) => {
  if (data.type !== "run") return;
  let result;
  let page;
  try {
    python ??= start(data.files);
    page = await python;
  } catch (error) {
    // Nothing more can run in this worker: live.js ends it, and the next Run starts a new one.
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    self.postMessage({ type: "result", result: { startFailed: true, error: `Python could not start in this page: ${why}` } });
    return;
  }
  try {
    await ensureGraphviz();
    self.postMessage({ type: "stage", text: "Running…" });
    result = JSON.parse(page.run(data.key, data.chain, data.names, data.index));
  } catch (error) {
    // Pyodide calls a crash of the interpreter itself fatal: nothing more runs in
    // it. live.js ends this worker, and the next Run starts a new one.
    const fatal = Boolean(error?.pyodide_fatal_error) || /fatally failed/.test(String(error));
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    result = fatal
      ? {
          fatal: true,
          // In lines of their own: the output is preformatted, like a traceback.
          error: `Python in this page crashed (${why}).\n\n` +
            "Python in a browser has a much smaller stack than on a computer, and\n" +
            "something went thousands of levels deep: a recursion, or freeing a\n" +
            "structure nested that deep. The next Run starts Python afresh and runs\n" +
            "the blocks above again.",
        }
      : { error: `The browser could not run Python: ${why}` };
  }
  self.postMessage({ type: "result", result });
};
