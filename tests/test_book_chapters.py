"""book.chapters and the shape every chapter shares, from the chapter files themselves."""

import re

import pytest
from mkdocs.structure.files import File

from book import exercises, tryits
from book.blocks import problems
from book.chapters import chapter_list, home_page, is_chapter
from book.sessions import Runner
from sitebuild import CHAPTERS, DOCS

CONTRIBUTING = DOCS / "contributing.md"


def sections(markdown):
    """{level-2 heading: the text under it}, in order, outside code fences."""
    out, current, fence = {}, None, None
    for line in markdown.splitlines():
        marker = re.match(r"^\s*(`{3,}|~{3,})", line)
        if marker and (fence is None or marker[1].startswith(fence)):
            fence = None if fence else marker[1]
            continue
        if fence is None and line.startswith("## "):
            current = line[3:].strip()
            out[current] = ""
        elif current is not None:
            out[current] += line + "\n"
    return out


def skeleton():
    """The new-chapter skeleton of docs/contributing.md, as Markdown."""
    text = CONTRIBUTING.read_text("utf8")
    return text.split("````markdown\n", 1)[1].split("\n````", 1)[0]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_ends_with_a_summary_then_exercises(chapter):
    found = sections(chapter.read_text("utf8"))
    names = list(found)
    assert "Summary" in names and "Exercises" in names, f"{chapter.name}: needs '## Summary' and '## Exercises'"
    assert names.index("Summary") < names.index("Exercises"), f"{chapter.name}: Summary comes before Exercises"
    assert found["Summary"].strip() and found["Exercises"].strip(), f"{chapter.name}: an empty Summary or Exercises"


def test_the_new_chapter_skeleton_has_what_every_chapter_needs():
    found = sections(skeleton())
    assert list(found)[-2:] == ["Summary", "Exercises"]
    assert skeleton().startswith("---\ndescription: ")


def test_a_chapter_copied_from_the_skeleton_passes_the_books_checks(tmp_path):
    """What a strict build asks of a chapter (book.plugin's problems), and its exercise's check
    passing its solution and flagging its wrong answer, as for every chapter of the book."""
    chapter = tmp_path / "14-new.md"
    chapter.write_text(skeleton(), "utf8")
    found = problems(chapter) + exercises.problems(chapter) + tryits.problems(chapter)
    assert not found, "\n".join(found)
    (exercise,) = exercises.exercises(chapter)
    assert exercises.judge(exercise, exercise.solution_code)[0]
    assert not any(exercises.judge(exercise, code)[0] for _, code in exercise.wrongs)
    runner = Runner()
    from book.blocks import python_blocks, session_chain

    chain = session_chain(python_blocks(chapter), "NN-slug")
    for i in range(len(chain)):
        runner.run(("skeleton", "NN-slug"), chain, i, str(chapter))


def test_the_chapters_are_the_numbered_files():
    assert CHAPTERS and all(is_chapter(f"chapters/{md.name}") for md in CHAPTERS)
    assert not is_chapter("chapters/draft.md") and not is_chapter("index.md")


def _file(tmp_path, name, text):
    (tmp_path / "chapters").mkdir(exist_ok=True)
    (tmp_path / "chapters" / name).write_text(text)
    return File(f"chapters/{name}", str(tmp_path), str(tmp_path / "site"), True)


def test_the_home_page_lists_chapters_from_their_own_files(tmp_path):
    a = _file(tmp_path, "01-a.md", '---\ndescription: "first."\n---\n\n# Alpha\n')
    b = _file(tmp_path, "02-b.md", '---\ndescription: "second."\n---\n\n# Beta\n')
    page = home_page("Intro\n<!-- chapters: here -->\n", [a, b])
    assert page == "Intro\n1. [Alpha](chapters/01-a.md): first.\n2. [Beta](chapters/02-b.md): second.\n"


def test_a_chapter_without_a_description_is_named(tmp_path):
    bad = _file(tmp_path, "03-c.md", "# Gamma\n")
    with pytest.raises(ValueError, match="chapters/03-c.md needs"):
        chapter_list([bad])
    with pytest.raises(ValueError, match="lost its <!-- chapters"):
        home_page("no marker", [])
