"""The Reference page: every public name has an entry, and every entry's example runs."""

import doctest
import inspect
import pydoc
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


def test_help_of_value_leads_with_the_public_api():
    text = pydoc.render_doc(gradbook.Value, renderer=pydoc.plaintext)
    head = text[: text.index("**Numbers")]  # what comes before the numeric policy
    for word in ("v.data", "v.grad", "+ - * / **", "exp()", "tanh()", "relu()", "out.backward()"):
        assert word in head, word
    assert head.index("v.data") < head.index("A new operation, the lecture's way") < len(head)


def test_every_public_method_and_operator_has_a_docstring():
    value_like = [gradbook.Value, gradbook.Module, gradbook.Neuron, gradbook.Layer, gradbook.MLP]
    undocumented = [
        f"{cls.__name__}.{name}"
        for cls in value_like
        for name, member in vars(cls).items()
        if (not name.startswith("_") or (name.startswith("__") and name.endswith("__") and callable(member)))
        and name not in ("__module__", "__qualname__", "__doc__", "__slots__", "__annotations__", "__dict__")
        and (callable(member) or isinstance(member, property))
        and not (inspect.getdoc(member) or "").strip()
    ]
    assert not undocumented, undocumented
    operators = {"__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__"}
    assert operators | {"__pow__", "__rpow__", "__neg__"} <= set(vars(gradbook.Value))
