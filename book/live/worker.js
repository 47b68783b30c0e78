// The book's Python in the browser: Pyodide in a Web Worker, so that the page
// can stop a block that runs forever by ending the worker (static hosts cannot
// send the headers that SharedArrayBuffer interrupts need).
//
// Messages in:  {type: "run", wheels, key, chain, names, index}
//   chain: the code of the session's blocks up to the one to run (as the reader
//   has them now), names: what tracebacks call each of them.
// Messages out: {type: "status", text} while loading; {type: "result", result}
//   with result = {parts: [{kind: "text", text} | {kind: "graph", dot} | {kind: "svg", svg} |
//   {kind: "steps", frames: [[title, dot]...]}], error: traceback text or null,
//   fatal: true when Python itself crashed and this worker is of no more use}.
import { loadPyodide } from "./pyodide/pyodide.mjs";

// Runs a session's blocks the way book/sessions.py does at build time: one
// namespace per session, each block once, in order; earlier blocks silently.
const RUNNER = String.raw`
import builtins, json, linecache, sys, traceback, types
import gradbook.display

_sessions = {}  # key -> {"ns": namespace, "ran": [code of each block run in it]}
_current = None  # the output of the block that is running


class _Out:
    def __init__(self):
        self.parts = []

    def print(self, *args, sep=" ", end="\n", file=None, flush=False):
        if file not in (None, sys.stdout, sys.stderr):
            builtins.print(*args, sep=sep, end=end, file=file, flush=flush)
            return
        self.write(("" if sep is None else sep).join(map(str, args)) + ("\n" if end is None else end))

    def write(self, text):
        if self.parts and self.parts[-1]["kind"] == "text":
            self.parts[-1]["text"] += text
        else:
            self.parts.append({"kind": "text", "text": text})
        return len(text)

    def flush(self):
        pass


def _graph(fig, alt=None):
    """A figure for the page: its DOT source and its words (as the build puts them on the SVG)."""
    if not hasattr(fig, "source"):
        raise TypeError("only Graphviz figures can be drawn in the browser; this one needs a local install")
    name, description = (alt, None) if alt else (getattr(fig, "alt", None) or (None, None))
    return {"dot": fig.source, "alt": name, "desc": description}


class _Host:
    """gradbook.display's host: figures go to the page as DOT, drawn there by Graphviz."""

    def show(self, fig, alt=None):
        if hasattr(fig, "to_svg"):  # gradbook.plot: Python draws it, as at build time
            _current.parts.append({"kind": "svg", "svg": fig.to_svg(alt=alt)})
            return
        _current.parts.append({"kind": "graph", **_graph(fig, alt)})

    def show_steps(self, frames):
        _current.parts.append({"kind": "steps", "frames": [[str(t), _graph(f)] for t, f in frames]})


gradbook.display.set_host(_Host())


def _namespace(key):
    # A real module, as at build time: dataclasses and pickle look functions up by module name.
    module = types.ModuleType("gb_session_%d" % len(sys.modules))
    module.__dict__["__builtins__"] = builtins
    sys.modules[module.__name__] = module
    return module.__dict__


def _exec(code, name, ns, out):
    global _current
    # Tracebacks quote the reader's lines, numbered as the reader sees the block.
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    ns["print"] = out.print
    _current, saved = out, (sys.stdout, sys.stderr)
    sys.stdout = sys.stderr = out
    try:
        exec(compile(code, name, "exec", dont_inherit=True), ns)
    finally:
        _current = None
        sys.stdout, sys.stderr = saved
        ns.pop("print", None)


def _traceback(error):
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == "<exec>":  # this runner's own frames
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


def gb_live_run(key, chain, names, index):
    chain, names = list(chain), list(names)
    state = _sessions.get(key)
    ran = state["ran"] if state else None
    if ran is None or len(ran) > index or ran != chain[: len(ran)]:
        # A block already run, or an earlier block edited since: start the session afresh.
        state = _sessions[key] = {"ns": _namespace(key), "ran": []}
    while len(state["ran"]) < index:
        i = len(state["ran"])
        try:
            _exec(chain[i], names[i], state["ns"], _Out())
        except BaseException as error:
            del _sessions[key]
            return json.dumps({"parts": [], "error": "%s, which runs before this one, failed:\n\n%s" % (
                names[i][0].upper() + names[i][1:], _traceback(error))})
        state["ran"].append(chain[i])
    out = _Out()
    state["ran"].append(chain[index])
    try:
        _exec(chain[index], names[index], state["ns"], out)
        error = None
    except BaseException as e:
        del _sessions[key]  # as at build time, a failed block is not built upon
        error = _traceback(e)
    return json.dumps({"parts": out.parts, "error": error})
`;

let python = null;

async function start(wheels) {
  self.postMessage({ type: "status", text: "Loading Python (once per page)…" });
  const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href });
  self.postMessage({ type: "status", text: "Loading gradbook…" });
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  for (const url of wheels) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
    pyodide.unpackArchive(await response.arrayBuffer(), "zip", { extractDir: sitePackages });
  }
  pyodide.runPython(RUNNER);
  return pyodide.globals.get("gb_live_run");
}

self.onmessage = async ({ data }) => {
  if (data.type !== "run") return;
  let result;
  try {
    python ??= start(data.wheels);
    const run = await python;
    self.postMessage({ type: "status", text: "Running…" });
    result = JSON.parse(run(data.key, data.chain, data.names, data.index));
  } catch (error) {
    // Pyodide calls a crash of the interpreter itself fatal: nothing more runs in
    // it. live.js ends this worker, and the next Run starts a new one.
    const fatal = Boolean(error?.pyodide_fatal_error) || /fatally failed/.test(String(error));
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    result = fatal
      ? {
          parts: [],
          fatal: true,
          // In lines of their own: the output is preformatted, like a traceback.
          error: `Python in this page crashed (${why}).\n\n` +
            "Python in a browser has a much smaller stack than on a computer, and\n" +
            "something went thousands of levels deep: a recursion, or freeing a\n" +
            "structure nested that deep. The next Run starts Python afresh and runs\n" +
            "the blocks above again.",
        }
      : { parts: [], error: `The browser could not run Python: ${why}` };
  }
  self.postMessage({ type: "result", result });
};
