"""book/bytecode.py: the site's Python standard library is Pyodide's, with bytecode added.

That Python reads the bytecode, and starts from it, is tests/test_live.py's
test_python_starts_from_bytecode; how much sooner it starts, bench/python_start.py.
"""

import struct
import zipfile

import pytest
from mkdocs.exceptions import PluginError

from book import bytecode
from book.live import RUNNER_PACKAGES, runner_archive
from book.live_site import NODE_MODULES

NPM_STDLIB = NODE_MODULES / "pyodide" / "python_stdlib.zip"


def _entries(path):
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def test_the_site_has_pyodides_standard_library_and_bytecode_beside_it(site):
    ours = _entries(site / "live" / "pyodide" / "python_stdlib.zip")
    npm = _entries(NPM_STDLIB)
    # Every file of Pyodide's, unchanged: sources stay for tracebacks and inspect.
    assert {name: ours.get(name) for name in npm} == npm
    added = sorted(set(ours) - set(npm))
    assert all(name.endswith(".pyc") and name[:-1] in npm for name in added), added
    # What Python imports to start and the runner imports (about 150 modules), not the whole library.
    assert 100 < len(added) < len(npm) / 2, len(added)
    for module in ("asyncio/__init__.pyc", "inspect.pyc", "dataclasses.pyc", "json/__init__.pyc"):
        assert module in added, module
    headers = {ours[name][:4] for name in added}
    assert len(headers) == 1 and next(iter(headers)).endswith(b"\r\n"), headers  # one Python's magic number
    # PEP 552 flags: hash-based (bit 0), unchecked (bit 1 clear): no timestamp, no check of the source.
    flags = {struct.unpack("<I", ours[name][4:8])[0] for name in added}
    assert flags == {0b01}, flags


def test_without_node_the_build_says_what_is_missing(tmp_path, monkeypatch):
    (tmp_path / "pyodide").symlink_to(NODE_MODULES / "pyodide")
    monkeypatch.setattr(bytecode.shutil, "which", lambda name: None)
    with pytest.raises(PluginError, match="Node.js is not on PATH"):
        bytecode.stdlib_with_bytecode(tmp_path, [runner_archive()], RUNNER_PACKAGES)
    assert not list((tmp_path / ".cache" / "gradbook").glob("*.zip"))


def test_a_failed_compile_names_the_failure_and_caches_nothing(tmp_path):
    (tmp_path / "pyodide").symlink_to(NODE_MODULES / "pyodide")
    with pytest.raises(PluginError, match="(?s)compiling Pyodide's standard library failed.*no_such_module"):
        bytecode.stdlib_with_bytecode(tmp_path, [runner_archive()], ["no_such_module"])
    assert not list((tmp_path / ".cache" / "gradbook").glob("*.zip"))
