"""book.pytest_plugin: a block the suite's site build ran is judged by what it did there."""

import pytest

from book import pytest_plugin
from book.blocks import python_blocks
from sitebuild import ROOT

CHAPTER = ROOT / "docs" / "chapters" / "02-value-object.md"


@pytest.fixture
def outcomes(monkeypatch):
    found = {}
    monkeypatch.setattr(pytest_plugin.OUTCOMES, "wait", lambda: found)
    return found


def test_a_block_that_ran_in_the_build_passes(outcomes):
    block = python_blocks(CHAPTER)[0]
    outcomes["docs/chapters/02-value-object.md"] = {str(block.fence_line): None}
    pytest_plugin._from_build(CHAPTER, block)


def test_a_block_that_failed_in_the_build_fails_with_its_error(outcomes):
    block = python_blocks(CHAPTER)[0]
    outcomes["docs/chapters/02-value-object.md"] = {str(block.fence_line): "Traceback ...\nNameError: x"}
    with pytest.raises(pytest.fail.Exception, match="NameError: x"):
        pytest_plugin._from_build(CHAPTER, block)


def test_a_block_the_build_did_not_run_fails(outcomes):
    block = python_blocks(CHAPTER)[0]
    with pytest.raises(pytest.fail.Exception, match="did not run the block at line"):
        pytest_plugin._from_build(CHAPTER, block)
