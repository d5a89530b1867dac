"""The examples in the docstrings are part of the documentation: run them, so that they stay true.
Every module of the package that holds an example (a line starting with ``>>>``) is collected."""

import doctest
import importlib
from pathlib import Path

import pytest

import visd

PACKAGE_DIR = Path(visd.__file__).parent


def modules_with_examples() -> list[str]:
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        if any(line.lstrip().startswith(">>> ") for line in path.read_text(encoding="utf-8").splitlines()):
            rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
            found.append(".".join(rel.parts))
    return found


def test_the_examples_are_found():
    names = modules_with_examples()
    assert "visd.matching.index" in names and "visd.belgium" in names


@pytest.mark.parametrize("name", modules_with_examples())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name}: no example was run"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed (see the output above)"
