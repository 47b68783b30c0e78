"""The Reference page: every public name has an entry, and every entry's example runs."""

import doctest
import inspect
import re

import pytest

import gradbook
from gradbook import check, data, engine, nn, plot, viz
from sitebuild import ROOT

MODULES = [engine, nn, viz, plot, check, data]


def public_names():
    for mod in MODULES:
        for name in mod.__all__:
            obj = getattr(mod, name)
            yield f"{mod.__name__}.{name}", obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                        yield f"{mod.__name__}.{name}.{attr}", member


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_every_public_name_has_an_example():
    # A property documents its class's attribute; the other members need an example.
    missing = [
        qual
        for qual, obj in public_names()
        if not isinstance(obj, property)
        and ">>>" not in (inspect.getdoc(obj) or "")
        and not qual.endswith(".parameters")  # documented once, on Module
    ]
    assert not missing, f"public names without a runnable example: {missing}"


def test_reference_page_lists_every_public_name():
    page = (ROOT / "docs" / "reference.md").read_text("utf8")
    listed = set(re.findall(r"^::: (\S+)", page, re.M))
    top = {qual for qual, obj in public_names() if qual.count(".") == 2}
    assert top <= listed, f"missing from docs/reference.md: {sorted(top - listed)}"


def test_package_exports():
    assert {"Value", "draw_dot", "trace", "gradcheck", "MLP", "Neuron", "Layer"} <= set(gradbook.__all__)
    for name in gradbook.__all__:
        assert getattr(gradbook, name) is not None
