"""The modules around the matching index use its public interface (MatchingIndex's "read interface"
section), not its private attributes: the index may change its row storage without them noticing.
Its own persistence module (the snapshot format) is the one exception."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "visd"
CLIENTS = [SRC / "matching" / "strength.py", SRC / "matching" / "actor_table.py",
           *sorted((SRC / "matchmaking").rglob("*.py"))]
INDEX_NAMES = {"index", "idx", "ix"}   # how these modules name a MatchingIndex


def private_index_uses(path: Path, root: Path = SRC) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_") or node.attr.startswith("__"):
            continue
        owner = node.value
        name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
        if name in INDEX_NAMES:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {name}.{node.attr}")
    return found


@pytest.mark.parametrize("path", CLIENTS, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_attributes_of_the_index(path):
    assert private_index_uses(path) == []


def test_the_check_finds_a_private_use(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f(index):\n    return index._row_key, index.n_rows\n", encoding="utf-8")
    assert private_index_uses(sample, tmp_path) == ["sample.py:2: index._row_key"]
