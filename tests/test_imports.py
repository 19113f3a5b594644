"""The package's import graph has no circle.

Every module of ``casestudy/`` is parsed (not imported), and every import inside it counts,
including the lazy ones inside functions; only imports under ``if TYPE_CHECKING:`` are left
out, since they never run. An edge goes to the module that is named: ``from . import paths``
to ``casestudy.paths``, ``from .text import tokenize`` to ``casestudy.text.tokenize`` if that is
a module, else to the package ``casestudy.text``. A package's ``__init__`` running before its
submodules is not an edge (Python resolves it before any cycle could start).
"""

from __future__ import annotations

import ast
import functools
import graphlib
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "casestudy"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skipped


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` (at ``path``) imports, anywhere in its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped = _type_checking_nodes(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "casestudy"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            elif node.module and node.module.split(".")[0] == "casestudy":
                target = node.module
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m in known and m != name}


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """module -> the package modules it imports."""
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def test_graph_sees_lazy_imports_and_skips_type_checking() -> None:
    graph = import_graph()
    assert "casestudy.runner" in graph["casestudy.cli"]  # imported inside a function
    assert "casestudy.nbclean" in graph["casestudy.runner"]  # imported inside a function
    assert "casestudy.corpus" not in graph["casestudy.display"]  # only under TYPE_CHECKING
    assert "casestudy.text.tokenize" in graph["casestudy.text.concepts"] or any(
        m.startswith("casestudy.text") for m in graph["casestudy.text.concepts"])


def test_cycle_detection_works() -> None:
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter({"a": {"b"}, "b": {"a"}}).prepare()


def test_no_import_circle() -> None:
    try:
        graphlib.TopologicalSorter(import_graph()).prepare()
    except graphlib.CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        pytest.fail(f"import circle in casestudy/: {cycle}; move the shared piece into a module "
                    "both can import")


def test_the_command_starts_without_the_heavy_libraries() -> None:
    """``casestudy --help`` or a mistyped option answers at once: building the parser imports
    neither pandas nor numpy (nor matplotlib, papermill); ``import casestudy`` neither, its
    pandas-backed names load on first use (checked in this process, which has pandas); and a
    submodule is still imported by name, ``annotations`` too."""
    import casestudy as cs

    code = ("import sys\nfrom casestudy import cli\ncli.build_parser()\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'papermill') "
            "if m in sys.modules))\n"
            "from casestudy import annotations\nprint(annotations.__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split("\n")
    assert out[:2] == ["[]", "casestudy.annotations"]
    assert (cs.load_corpus.__module__, cs.show.__module__, cs.Seed.__module__) == (
        "casestudy.corpus", "casestudy.display", "casestudy.seeds")
    assert set(cs.__all__) <= set(dir(cs)) and all(hasattr(cs, name) for name in cs.__all__)
