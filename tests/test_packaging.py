"""What a package index gets: the sdist, the wheels and the metadata of pyproject.toml.

Two wheels: the one setuptools builds (``python -m build``, for an index) and
the one the site publishes for the notebooks and the live pages
(book/wheel.py). ``twine check --strict`` judges both, and the sdist, as PyPI
would; ``pip show`` reads the installed wheel as a user sees it.
"""

import email
import os
import subprocess
import sys
import tarfile
import zipfile

import pytest

from book.wheel import gradbook_wheel, project
from sitebuild import ROOT


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    """The sdist, setuptools' wheel and the site's wheel, in one folder."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], check=True, capture_output=True)
    name, data = gradbook_wheel()
    (out / "site").mkdir()
    (out / "site" / name).write_bytes(data)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel, out / "site" / name


def test_the_sdist_holds_the_library_and_no_tests_it_could_not_run(dists):
    # The tests need the whole repository (the book, its tooling, a site build): the sdist leaves them out.
    meta = project()
    sdist = dists[0]
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
        pkg_info = tar.extractfile(f"gradbook-{meta['version']}/PKG-INFO").read().decode()
    library = {f"src/gradbook/{p.name}" for p in (ROOT / "src" / "gradbook").glob("*.py")}
    assert library | {"src/gradbook/py.typed"} <= names
    assert {"LICENSE", "README.md", "pyproject.toml"} <= names
    assert not [n for n in names if n.startswith(("tests/", "book/", "docs/"))]
    for label, url in meta["urls"].items():
        assert f"Project-URL: {label}, {url}" in pkg_info
    assert "Author: gradbook authors" in pkg_info and "Keywords: autograd" in pkg_info
    assert sum(line.startswith("Classifier: ") for line in pkg_info.splitlines()) == len(meta["classifiers"])


def test_twine_check_passes_on_the_sdist_and_both_wheels(dists):
    proc = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dists)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 3


def wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(z.read(name)), set(z.namelist())


@pytest.mark.parametrize("which", [1, 2], ids=["setuptools-wheel", "site-wheel"])
def test_a_wheel_declares_the_license_in_a_metadata_version_that_has_it(dists, which):
    meta, names = wheel_metadata(dists[which])
    # License-Expression came with Metadata-Version 2.4 (PEP 639): an older version with it is invalid.
    assert tuple(map(int, meta["Metadata-Version"].split("."))) >= (2, 4)
    assert meta["License-Expression"] == "MIT" and meta["License-File"] == "LICENSE"
    assert meta["Description-Content-Type"] == "text/markdown"
    assert meta.get_payload().startswith((ROOT / "README.md").read_text("utf8")[:200])
    assert "gradbook/py.typed" in names


def test_pip_show_gives_the_license_and_the_home_page(dists, tmp_path):
    target = tmp_path / "site-packages"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    install = [*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(dists[1])]
    subprocess.run(install, check=True, capture_output=True)
    env = dict(os.environ, PYTHONPATH=str(target))  # ahead of the editable install of the test environment
    shown = subprocess.run([*pip, "show", "gradbook"], capture_output=True, text=True, env=env, check=True).stdout
    fields = dict(line.split(": ", 1) for line in shown.splitlines() if ": " in line)
    assert fields["Location"] == str(target)
    assert fields.get("License-Expression", fields.get("License")) == "MIT"
    assert fields["Home-page"] == project()["urls"]["Homepage"]
