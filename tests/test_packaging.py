"""What a package index gets: the sdist and the metadata of pyproject.toml."""

import subprocess
import sys
import tarfile

from book.wheel import project
from sitebuild import ROOT


def test_the_sdist_holds_the_library_and_no_tests_it_could_not_run(tmp_path):
    # The tests need the whole repository (the book, its tooling, a site build): the sdist leaves them out.
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    meta = project()
    (sdist,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
        pkg_info = tar.extractfile(f"gradbook-{meta['version']}/PKG-INFO").read().decode()
    library = {f"src/gradbook/{p.name}" for p in (ROOT / "src" / "gradbook").glob("*.py")}
    assert library <= names
    assert {"LICENSE", "README.md", "pyproject.toml"} <= names
    assert not [n for n in names if n.startswith(("tests/", "book/", "docs/"))]
    for label, url in meta["urls"].items():
        assert f"Project-URL: {label}, {url}" in pkg_info
    assert "Author: gradbook authors" in pkg_info and "Keywords: autograd" in pkg_info
    assert sum(line.startswith("Classifier: ") for line in pkg_info.splitlines()) == len(meta["classifiers"])
