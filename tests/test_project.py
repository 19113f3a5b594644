"""Tests of the project files: the two dependency lists agree, README holds the CI blocks."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def normalize(requirement: str) -> str:
    """The PEP 503 normalized project name of a requirement string ("PyYAML>=6" -> "pyyaml")."""
    m = re.match(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)", requirement)
    assert m, f"not a requirement: {requirement!r}"
    return re.sub(r"[-_.]+", "-", m.group(1)).lower()


def pyproject_names() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    return {normalize(r) for r in reqs}


def conda_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    names: set[str] = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            assert set(dep) == {"pip"}, dep
            for pip_dep in dep["pip"]:
                if pip_dep.strip().startswith("-e"):
                    continue
                names.add(normalize(pip_dep))
        else:
            names.add(normalize(dep))
    return names - {"python", "pip"}


def test_normalize() -> None:
    assert normalize("PyYAML>=6.0") == "pyyaml"
    assert normalize("lingua_language.detector [extra] >=2") == "lingua-language-detector"
    assert normalize("pytest") == "pytest"


def test_environment_and_pyproject_name_the_same_dependencies() -> None:
    py, conda = pyproject_names(), conda_names()
    assert py, "pyproject.toml names no dependencies"
    assert py - conda == set(), \
        f"in pyproject.toml but not in environment.yml: {sorted(py - conda)}"
    assert conda - py == set(), \
        f"in environment.yml but not in pyproject.toml: {sorted(conda - py)}"


def test_environment_installs_the_package_itself() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in [p.strip() for p in pip]
    assert any(isinstance(d, str) and normalize(d) == "python" for d in env["dependencies"])


def readme_block(marker: str) -> str:
    """The first ```bash block after ``<!-- ci:MARKER -->`` (as .ci/run reads it)."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    tag = f"<!-- ci:{marker} -->"
    assert tag in lines, f"README.md has no line {tag}"
    block: list[str] = []
    inside = False
    for line in lines[lines.index(tag) + 1:]:
        if line.startswith("```"):
            if inside:
                return "\n".join(block)
            inside = True
            continue
        if inside:
            block.append(line)
    raise AssertionError(f"no closed code block after {tag}")


def test_readme_has_the_ci_blocks() -> None:
    main = readme_block("main")
    test = readme_block("test")
    assert main.strip() and test.strip()
    assert "casestudy run" in main
    assert "pytest" in test
    assert ".[test]" in test  # the test extras are what test_project compares


def test_ci_run_is_executable() -> None:
    script = ROOT / ".ci" / "run"
    assert script.is_file()
    mode = script.stat().st_mode
    assert mode & stat.S_IXUSR, oct(mode)
    assert os.access(script, os.X_OK)
    assert script.read_text(encoding="utf-8").startswith("#!")
