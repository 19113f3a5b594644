"""Tests of casestudy.parameters: typed, declared-once notebook parameters."""

from __future__ import annotations

import ast
import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from casestudy import ParameterError
from casestudy.parameters import (
    SPECS,
    Param,
    RunParameters,
    check_values,
    parameters_cell_source,
    spec_for,
    validate,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


# -- Param.check --------------------------------------------------------------------------

INT = Param("year", int, 2025, "a year", minimum=2000, maximum=2030)
FLOAT = Param("rate", float, 7.1, "a rate", unit="CNY/USD", minimum=0.1, maximum=100.0)
STR = Param("lang", str, "en", "labels", choices=("en", "original"))
BOOL = Param("flag", bool, False, "a switch")
LIST = Param("languages", list, None, "languages", choices=("ja", "zh", "en"), nullable=True)
NULLABLE_INT = Param("as_of", int, None, "a year", minimum=2004, maximum=2030, nullable=True)


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        (INT, 2015, 2015), (INT, 2000, 2000), (INT, 2030, 2030), (INT, 2015.0, 2015),
        (FLOAT, 7, 7.0), (FLOAT, 7.25, 7.25), (FLOAT, 0.1, 0.1),
        (STR, "original", "original"),
        (BOOL, True, True), (BOOL, False, False),
        (LIST, ["ja", "zh"], ["ja", "zh"]), (LIST, ("en",), ["en"]), (LIST, None, None),
        (NULLABLE_INT, None, None), (NULLABLE_INT, 2015, 2015),
    ],
)
def test_check_accepts(param: Param, value: Any, expected: Any) -> None:
    got = param.check(value, "nb")
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize(
    ("param", "value", "why"),
    [
        (INT, "2015", "is a str, not an integer"),
        (INT, 2015.5, "is a float, not an integer"),
        (INT, math.inf, "is a float, not an integer"),
        (INT, True, "is a bool, not an integer"),
        (INT, 1999, "below the minimum"),
        (INT, 2031, "above the maximum"),
        (INT, None, "must not be None"),
        (FLOAT, "7.1", "is a str, not a number"),
        (FLOAT, True, "is a bool, not a number"),
        (FLOAT, math.nan, "not a finite number"),
        (FLOAT, math.inf, "not a finite number"),
        (FLOAT, 0.05, "below the minimum"),
        (FLOAT, 1000, "above the maximum"),
        (STR, 1, "is a int, not a string"),
        (STR, "de", "is not allowed"),
        (STR, None, "must not be None"),
        (BOOL, 1, "is a int, not true/false"),
        (BOOL, "true", "is a str, not true/false"),
        (LIST, "ja", "is a str, not a list of strings"),
        (LIST, ["ja", 1], "holds items that are not strings"),
        (LIST, ["ja", "ko"], "holds 'ko', which is not allowed"),
        (LIST, [], "is empty"),
        (NULLABLE_INT, 2040, "above the maximum"),
    ],
)
def test_check_refuses(param: Param, value: Any, why: str) -> None:
    with pytest.raises(ParameterError) as info:
        param.check(value, "nb")
    message = str(info.value)
    assert why in message
    assert message.startswith(f"nb: parameter {param.name!r} = {value!r}")
    assert f"allowed: {param.allowed()}" in message


def test_bool_is_not_an_int() -> None:
    with pytest.raises(ParameterError, match="bool"):
        Param("n", int, 1, "n").check(False, "nb")
    with pytest.raises(ParameterError, match="bool"):
        Param("x", float, 1.0, "x").check(True, "nb")


def test_allowed_in_words() -> None:
    assert INT.allowed() == "int; from 2000 to 2030"
    assert STR.allowed() == "str; one of en, original"
    assert LIST.allowed() == "list[str] | None; each of ja, zh, en"
    assert NULLABLE_INT.type_name == "int | None"
    assert "(CNY/USD)" in str(pytest.raises(ParameterError, FLOAT.check, 0.0, "nb").value)


# -- check_values -------------------------------------------------------------------------

def test_check_values_fills_in_defaults() -> None:
    got = check_values("01_strategy", {"as_of": 2015})
    assert isinstance(got, RunParameters)
    assert dict(got) == {"as_of": 2015, "lang": "en", "seeds_dir": None}
    assert got.as_of == 2015 and got.lang == "en"
    with pytest.raises(AttributeError):
        got.nonexistent  # noqa: B018
    assert "(changed)" in got._repr_markdown_()


def test_check_values_names_parameter_value_and_allowed() -> None:
    with pytest.raises(ParameterError) as info:
        check_values("01_strategy", {"as_of": 2040})
    message = str(info.value)
    assert "01_strategy" in message and "'as_of'" in message and "2040" in message
    assert "from 2004 to 2030" in message
    with pytest.raises(ParameterError) as info:
        check_values("01_strategy", {"lang": "de"})
    message = str(info.value)
    assert "'lang'" in message and "'de'" in message and "one of en, original" in message


def test_check_values_suggests_a_close_name() -> None:
    with pytest.raises(ParameterError) as info:
        check_values("01_strategy", {"as_off": 2015})
    message = str(info.value)
    assert "'as_off'" in message
    assert "did you mean 'as_of'?" in message
    assert "2015" in message
    assert "as_of, lang, seeds_dir" in message


def test_check_values_unknown_name_without_a_close_one() -> None:
    with pytest.raises(ParameterError) as info:
        check_values("06_sources", {"zzzzzz": 1})
    assert "did you mean" not in str(info.value)
    assert "seeds_dir, languages, opening_chars" in str(info.value)


def test_spec_for_unknown_notebook() -> None:
    with pytest.raises(ParameterError, match="declared notebooks: 00_case, 01_strategy"):
        spec_for("99_nothing")
    assert spec_for("notebooks/06_sources.ipynb") == spec_for("06_sources")


# -- validate -------------------------------------------------------------------------------

def test_validate_ignores_modules_callables_and_private_names() -> None:
    class Helper:
        pass

    namespace = {
        "os": os, "json": json, "print_it": print, "f": lambda x: x, "Helper": Helper,
        "_": "last output", "_private": 3, "__name__": "__main__", "In": [""], "Out": {},
        "get_ipython": lambda: None, "exit": None, "quit": None, "open": open,
        "as_of": 2015, "lang": "original",
    }
    got = validate("01_strategy", namespace)
    assert dict(got) == {"as_of": 2015, "lang": "original", "seeds_dir": None}


def test_validate_catches_a_misspelt_injected_name() -> None:
    with pytest.raises(ParameterError, match="did you mean 'as_of'"):
        validate("01_strategy", {"as_of": None, "lang": "en", "seeds_dir": None, "as_off": 2015})


def test_validate_with_own_spec() -> None:
    spec = [Param("year", int, 2025, "a year", minimum=2000, maximum=2030)]
    assert validate("strict", {"year": 2020}, spec).year == 2020
    with pytest.raises(ParameterError, match="'year' = 2040"):
        validate("strict", {"year": 2040}, spec)


# -- the parameters cell ---------------------------------------------------------------------

@pytest.mark.parametrize("notebook", sorted(SPECS))
def test_parameters_cell_source_is_the_declaration(notebook: str) -> None:
    source = parameters_cell_source(notebook)
    tree = ast.parse(source)  # valid Python
    assigned = [node.target.id for node in tree.body
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)]
    assert len(assigned) == len(tree.body), "only annotated assignments"
    spec = spec_for(notebook)
    assert assigned == [p.name for p in spec]
    namespace: dict[str, Any] = {}
    # dont_inherit: evaluate the annotations as a notebook kernel does (no __future__ import)
    exec(compile(source, f"<{notebook} parameters>", "exec", dont_inherit=True),  # noqa: S102
         namespace)
    namespace.pop("__builtins__")
    annotations = namespace.pop("__annotations__")
    assert list(annotations) == [p.name for p in spec]
    assert namespace == {p.name: p.default for p in spec}
    # the defaults themselves are allowed
    assert dict(validate(notebook, namespace)) == namespace


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "no notebooks in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_parameters_cell_is_generated(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{path.name}: expected one cell tagged 'parameters'"
    assert path.stem in SPECS, f"{path.name} has no parameter declaration in SPECS"
    source = cells[0]["source"]
    source = "".join(source) if isinstance(source, list) else source
    assert source == parameters_cell_source(path.stem)
