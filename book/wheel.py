"""Wheels for the site: gradbook built from src/, and the pure-Python packages it needs.

The live pages install them into Pyodide and the notebooks `%pip install`
gradbook's from the site. A wheel is a zip with a fixed layout (PEP 427); for
pure-Python code it is written here directly: in a moment, the same bytes on
every build (fixed file dates, sorted entries), and with no build folder that
two builds running at once would share.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import zipfile
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
_DATE = (2020, 1, 1, 0, 0, 0)


def _record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _zip(files, dist_info, metadata):
    """A wheel's bytes: `files` maps archive paths to bytes; dist-info is added."""
    files = dict(files)
    files[f"{dist_info}/METADATA"] = metadata.encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: gradbook-book\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in sorted(files.items()))
    files[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, _DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf8"))["project"]


def gradbook_wheel():
    """(file name, bytes) of the gradbook wheel, from src/gradbook and pyproject.toml."""
    meta = project()
    name, version = meta["name"], meta["version"]
    lines = [
        "Metadata-Version: 2.4",  # the first version with License-Expression (PEP 639)
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {meta['description']}",
        f"License-Expression: {meta['license']}",
        *(f"License-File: {f}" for f in meta.get("license-files", [])),
        f"Requires-Python: {meta['requires-python']}",
        *(f"Requires-Dist: {dep}" for dep in meta.get("dependencies", [])),
        *(f"Project-URL: {label}, {url}" for label, url in meta.get("urls", {}).items()),
        *(f"Classifier: {c}" for c in meta.get("classifiers", [])),
    ]
    if meta.get("keywords"):
        lines.append("Keywords: " + ",".join(meta["keywords"]))
    for author in meta.get("authors", []):
        lines.append(f"Author: {author['name']}")
    # The README is the long description, the body of the metadata (as setuptools writes it).
    lines.append("Description-Content-Type: text/markdown")
    metadata = "\n".join(lines) + "\n\n" + (ROOT / meta["readme"]).read_text("utf8")
    src = ROOT / "src"
    files = {
        f.relative_to(src).as_posix(): f.read_bytes()
        for f in sorted((src / name).rglob("*"))
        if f.is_file() and "__pycache__" not in f.parts and f.suffix in (".py", ".typed")
    }
    files[f"{name}-{version}.dist-info/licenses/LICENSE"] = (ROOT / "LICENSE").read_bytes()
    return f"{name}-{version}-py3-none-any.whl", _zip(files, f"{name}-{version}.dist-info", metadata)


def installed_wheel(distribution):
    """(file name, bytes) of a wheel of an installed pure-Python distribution (e.g. graphviz)."""
    dist = importlib.metadata.distribution(distribution)
    name, version = dist.metadata["Name"], dist.version
    files = {}
    for f in dist.files or []:
        path = f.as_posix()
        if ".dist-info/" in path or "__pycache__" in path or path.startswith(".."):
            continue
        if not path.endswith(".py") and not path.endswith(".typed"):
            continue
        files[path] = Path(dist.locate_file(f)).read_bytes()
    if not files:
        raise RuntimeError(f"{distribution} is installed without its files; cannot make a wheel of it")
    norm = name.replace("-", "_")
    return f"{norm}-{version}-py3-none-any.whl", _zip(files, f"{norm}-{version}.dist-info", dist.read_text("METADATA"))
