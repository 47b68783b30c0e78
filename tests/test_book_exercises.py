"""Every exercise of the book answers: its check passes its solution and flags each wrong answer it keeps.

The checks run here as the page's Check runs them (book/exercises.py replays
the blocks of the session above the reader's block, as shown, then the
answer, then the check), in this process, for every exercise of every chapter.
tests/test_live_invitations.py presses Check in Chromium for some of them.
"""

import re

import pytest

from book.exercises import exercises, judge, page_markdown
from sitebuild import CHAPTERS

ALL = [ex for md in CHAPTERS for ex in exercises(md)]
CHECKED = [ex for ex in ALL if ex.check is not None]


def test_every_exercise_has_a_starter_a_check_a_solution_and_a_wrong_answer():
    # Every numbered heading under a chapter's "## Exercises" is an exercise the parser found.
    for md in CHAPTERS:
        text = md.read_text("utf8")
        headings = re.findall(r"^### \d+\. ", text[text.index("\n## Exercises") :], re.M)
        found = [ex for ex in ALL if ex.path == md]
        assert headings and len(found) == len(headings), f"{md.name}: {len(headings)} headings, {len(found)} exercises"
    problems = [p for ex in ALL for p in ex.problems()]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("ex", CHECKED, ids=lambda ex: f"{ex.path.stem[:2]}-{ex.title.split('.')[0]}")
def test_check_passes_the_solution_and_flags_every_wrong_answer(ex):
    passed, said = judge(ex, ex.solution_code)
    assert passed, f"{ex.where}: the solution fails its check: {said}"
    assert said.startswith("Passed")
    for why, code in ex.rights:
        passed, said = judge(ex, code)
        assert passed, f"{ex.where}: the check fails another right answer ({why}): {said}"
    for why, code in ex.wrongs:
        passed, said = judge(ex, code)
        assert not passed, f"{ex.where}: the check passes a wrong answer ({why})"
        assert said.startswith("Not yet: ") and len(said) > len("Not yet: ") + 10, said
    passed, said = judge(ex, ex.starter.shown_code)
    assert not passed, f"{ex.where}: the starter, as given, passes its check"


def test_the_page_gets_a_place_for_the_check_and_no_wrong_answer():
    md = "Text.\n\n<!-- check\ndef check(ns):\n\n    pass\n-->\n\n<!-- wrong: why\nx = 1\n-->\n\nMore."
    out = page_markdown(md)
    assert '<div class="gb-check" data-gb-check="def check(ns):&#10;&#10;    pass"></div>' in out
    assert "wrong" not in out and "x = 1" not in out and "More." in out
