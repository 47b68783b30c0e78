"""The book's tooling: how the chapters' code blocks are read, run, shown and tested.

Nothing here is part of the gradbook package or of the site's pages. MkDocs
loads ``book.plugin`` (its stages call the other modules); pytest loads
``book.pytest_plugin``; both
read blocks with ``book.blocks`` and run them with ``book.sessions``, so the
build and the tests cannot disagree about what a block is or what it printed.
"""
