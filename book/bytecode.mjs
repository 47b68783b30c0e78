// Run by book/bytecode.py at build time, in Node:
//   node book/bytecode.mjs NODE_MODULES OUT.zip ARCHIVE.zip... -- MODULE...
// Starts Pyodide from NODE_MODULES/pyodide as a page does, unpacks the
// ARCHIVEs (the runner, the wheels) into its site-packages, imports each
// MODULE, and writes OUT.zip: Pyodide's python_stdlib.zip with, beside the
// source of every standard-library module imported so far, its bytecode as
// compiled by this very Python.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [nodeModules, out, ...rest] = process.argv.slice(2);
const dash = rest.indexOf("--");
const archives = rest.slice(0, dash);
const modules = rest.slice(dash + 1);
// A failure is reported by its message alone: Node would also print the line of
// Pyodide's minified code it came from, a million characters long.
process.on("uncaughtException", (error) => {
  process.stderr.write(`${error?.message ?? error}\n`);
  process.exit(1);
});
const { loadPyodide } = await import(pathToFileURL(path.join(nodeModules, "pyodide", "pyodide.mjs")).href);
const pyodide = await loadPyodide({ stdout: (s) => process.stderr.write(s + "\n") });
const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
for (const archive of archives) {
  pyodide.unpackArchive(new Uint8Array(fs.readFileSync(archive)), "zip", { extractDir: sitePackages });
}
pyodide.globals.set("modules", pyodide.toPy(modules));
pyodide.runPython(`
import importlib, io, py_compile, sys, tempfile, zipfile

for name in modules:
    importlib.import_module(name)
archive = next(p for p in sys.path if p.endswith(".zip"))
prefix = archive + "/"
imported = {m.__file__[len(prefix):] for m in list(sys.modules.values())
            if (getattr(m, "__file__", None) or "").startswith(prefix)}
with zipfile.ZipFile(archive) as source, zipfile.ZipFile("/tmp/out.zip", "w") as target:
    for info in source.infolist():
        data = source.read(info)
        target.writestr(info, data)
        if info.filename not in imported:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            src, pyc = f"{tmp}/m.py", f"{tmp}/m.pyc"
            with open(src, "wb") as f:
                f.write(data)
            # dfile: the name zipimport gives the code when it compiles the source itself,
            # so tracebacks and linecache find the source beside it.
            py_compile.compile(src, pyc, dfile=prefix + info.filename, doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            with open(pyc, "rb") as f:
                compiled = f.read()
        entry = zipfile.ZipInfo(info.filename + "c", date_time=info.date_time)
        entry.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(entry, compiled)
`);
fs.writeFileSync(out, pyodide.FS.readFile("/tmp/out.zip"));
