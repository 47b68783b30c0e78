"""Run pieces of code each as if alone in a fresh Python: one process for many, a fork per piece of work.

Reads JSON from stdin, {"preload": [module, ...], "snippets": [{"text": code,
"pieces": [statements, ...]}, ...]}, and writes JSON to stdout: for each
snippet, {"exit": code, "out": its stdout, "error": the traceback or ""}.

A snippet's pieces are its top-level statements, in order (the caller checks
that they parse to the same program as its text); they run one after the
other in one namespace, as the text would. The parent imports the preloaded
libraries only (none of the snippets' own names) and forks: each snippet starts
from a fresh interpreter's state without paying for Python's and numpy's
start-up. Snippets that begin with the same pieces share them: those run
once, in a process that forks at the first piece where they part (chapter 11's
training, which the setup of every later block needs, runs once, not six times).
"""

import builtins
import contextlib
import importlib
import io
import json
import os
import signal
import sys
import tempfile
import traceback
from pathlib import Path

TIMEOUT = 300  # seconds for one process


class Node:
    def __init__(self):
        self.children = {}  # piece -> Node
        self.ends = []  # snippets that end here


def trie(snippets):
    root = Node()
    for i, s in enumerate(snippets):
        node = root
        for piece in s["pieces"]:
            node = node.children.setdefault(piece, Node())
        node.ends.append(i)
    return root


def leaves(node):
    yield from node.ends
    for child in node.children.values():
        yield from leaves(child)


def record(results, i, result):
    (results / f"{i}.json").write_text(json.dumps(result), "utf8")


def walk(node, namespace, out, results):
    """In this process: the snippets ending here are done; each branch below runs in a fork, the last one here."""
    for i in node.ends:
        record(results, i, {"exit": 0, "out": out.getvalue(), "error": ""})
    branches = list(node.children.items())
    for n, (piece, child) in enumerate(branches):
        last = n == len(branches) - 1
        if not last:
            pid = os.fork()
            if pid:
                os.waitpid(pid, 0)
                continue
        try:
            signal.alarm(TIMEOUT)
            run_piece(piece, child, namespace, out, results)
        finally:
            if not last:
                os._exit(0)


def run_piece(piece, node, namespace, out, results):
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(piece, "<pasted>", "exec"), namespace)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
        for i in leaves(node):
            record(results, i, {"exit": code, "out": out.getvalue(), "error": ""})
        return
    except BaseException:  # noqa: BLE001 - any failure is the snippets', reported
        error = traceback.format_exc()
        for i in leaves(node):
            record(results, i, {"exit": 1, "out": out.getvalue(), "error": error})
        return
    walk(node, namespace, out, results)


def main():
    request = json.load(sys.stdin)
    for module in request.get("preload", []):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    snippets = request["snippets"]
    with tempfile.TemporaryDirectory(prefix="gradbook-snippets-") as folder:
        results = Path(folder)
        root = trie(snippets)
        pid = os.fork()  # this process stays clean: the whole tree runs in a child
        if pid == 0:
            try:
                walk(root, {"__name__": "__main__", "__builtins__": builtins}, io.StringIO(), results)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        out = []
        for i in range(len(snippets)):
            f = results / f"{i}.json"
            out.append(json.loads(f.read_text("utf8")) if f.exists() else {"exit": 1, "out": "", "error": "died"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
