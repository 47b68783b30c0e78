"""The chapters: which files they are, and the home page's list of them, made from the chapters themselves.

A chapter is docs/chapters/NN-slug.md. Its number orders the navigation, its
first heading is its title and its front matter's `description:` (also the
page's meta description) is the line under the title on the home page. Adding
a chapter file is all it takes to list it.
"""

import re

from mkdocs.utils.meta import get_data

# The one rule for what a chapter is, as a path under docs/ (src_uri).
CHAPTER = re.compile(r"^chapters/\d\d-[\w-]+\.md$")
MARKER = re.compile(r"<!-- chapters:[^>]*-->")


def is_chapter(src_uri):
    return bool(CHAPTER.match(src_uri))


def chapter_list(chapter_files):
    lines = []
    for n, f in enumerate(chapter_files, 1):
        body, meta = get_data(f.content_string)
        title = next((line[2:].strip() for line in body.splitlines() if line.startswith("# ")), None)
        if not title or not meta.get("description"):
            raise ValueError(f"{f.src_uri} needs a '# Title' line and a 'description:' in its front matter")
        lines.append(f"{n}. [{title}]({f.src_uri}): {meta['description']}")
    return "\n".join(lines)


def home_page(markdown, chapter_files):
    """docs/index.md with its <!-- chapters: ... --> marker replaced by the list of chapters."""
    if not MARKER.search(markdown):
        raise ValueError("docs/index.md has lost its <!-- chapters: ... --> marker")
    return MARKER.sub(lambda m: chapter_list(chapter_files), markdown)
