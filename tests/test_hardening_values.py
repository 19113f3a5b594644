"""Parameter values stay data (issue 21, probes 1, 2 and 6): the -p reading rule, the bounded
YAML loader, plain values for undeclared notebooks, and the cell papermill writes."""

from __future__ import annotations

import ast
import base64
import time
from pathlib import Path
from typing import Any

import pytest
from cli_in_process import run_main
from hypothesis import given, settings
from hypothesis import strategies as st

from casestudy import ParameterError
from casestudy.parameters import check_plain
from casestudy.runner import _split_parameters
from casestudy.values import MAX_DEPTH, MAX_VALUE_CHARS, load_parameter_file, parse_value

MINE = Path("mine.ipynb")  # an undeclared notebook: only its stem is used, no kernel starts
PAYLOAD = '"; __import__("os").system("id > f"); x = "'
BINARY = "!!binary " + base64.b64encode(PAYLOAD.encode()).decode()
BOMB = ('[&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"], &b [*a,*a,*a,*a,*a,*a,*a,'
        '*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,'
        '*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]]')


def injected(value: Any) -> Any:
    """The value as the kernel sees it: the cell papermill writes, read back as a literal."""
    from papermill.translators import PythonTranslator

    cell = PythonTranslator.codify({"x": value})
    [assign] = [line for line in cell.splitlines() if line.startswith("x = ")]
    return ast.literal_eval(assign.removeprefix("x = "))


@pytest.mark.parametrize(("text", "value"), [
    ("my #1", "my #1"), ("|", "|"), ("no", "no"), ("yes", "yes"), ("off", "off"),
    ("-.5", -0.5), ("-2e0", -2.0), ("2015", 2015), ("010", 10), ("true", True), ("False", False),
    ("null", None), ("None", None), ("~", None), ("a\nb", "a\nb"), ("2015-01-01", "2015-01-01"),
    ("[ja, zh]", ["ja", "zh"]), ("[no, 2015-01-01, 1.5]", ["no", "2015-01-01", 1.5]),
    ("{a: 1, b: [x]}", {"a": 1, "b": ["x"]}), ("'[text'", "[text"), ('"2015"', "2015"),
    (BINARY, BINARY), (" padded ", " padded "),
])
def test_the_reading_rule(text: str, value: Any) -> None:
    got = parse_value("p", text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("text", "needle"), [
    ("[!!binary aGVsbG8=]", "tag"), ("[!!set {a}]", "tag"), ("{a: !!timestamp 2001-12-14}", "tag"),
    ("[!!python/object:os.system x]", "tag"), (BOMB, "aliases"), ("[&a x]", "anchors"),
    ("[" * 50 + "]" * 50, f"more than {MAX_DEPTH} levels"), ("[a, b", "not valid YAML"),
    ("{a: 1, a: 2}", "key 'a' is given twice"),
])
def test_refused_values_are_one_short_line(text: str, needle: str) -> None:
    started = time.monotonic()
    with pytest.raises(ParameterError) as info:
        parse_value("p", text)
    message = str(info.value)
    assert needle in message and "\n" not in message and len(message) < 400
    assert time.monotonic() - started < 1


def test_a_huge_value_is_refused_before_it_is_read() -> None:
    with pytest.raises(ParameterError, match=f"above the limit of {MAX_VALUE_CHARS:,}") as info:
        parse_value("p", "[" + "a, " * 20_000_000 + "]")
    assert len(str(info.value)) < 300


def test_a_parameter_file_is_read_by_the_same_bounded_loader(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"x: {BINARY}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"p\.yaml: the YAML tag .*binary.* is not allowed"):
        load_parameter_file(path)
    path.write_text(f"x: {BOMB}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="aliases"):
        load_parameter_file(path)
    path.write_text("x: " + "a" * 200_000, encoding="utf-8")
    with pytest.raises(ParameterError, match="larger than"):
        load_parameter_file(path)
    path.write_text("x: no\ny: [ko]\nz: -.5\n", encoding="utf-8")
    assert load_parameter_file(path) == {"x": "no", "y": ["ko"], "z": -0.5}


@pytest.mark.parametrize("value", [b"bytes", {1, 2}, (1, 2), float("nan"), float("inf"),
                                   {1: "int key"}, [[[[[[[[[[[["deep"]]]]]]]]]]]], object()])
def test_undeclared_notebooks_take_plain_values_only(value: Any) -> None:
    with pytest.raises(ParameterError, match="mine: parameter 'x' = .* must be text"):
        _split_parameters([MINE], {"x": value})


def test_the_binary_probe_is_plain_text_for_the_kernel() -> None:
    [per] = _split_parameters([MINE], {"x": parse_value("x", BINARY)})
    assert injected(per["x"]) == BINARY


_plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_plain)
def test_any_plain_value_round_trips_through_the_injected_cell(value: Any) -> None:
    checked = check_plain("mine", "x", value)
    assert injected(checked) == value


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1).filter(lambda t: t.strip() and t.strip()[0] not in "[{'\""))
def test_text_outside_brackets_reaches_the_kernel_as_given_or_as_a_scalar(text: str) -> None:
    got = parse_value("x", text)
    assert got == text or got is None or type(got) in (int, float, bool)
    if type(got) is str:
        assert injected(check_plain("mine", "x", got)) == text


def test_cli_refuses_the_binary_probe_from_a_file_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(f"x: {BINARY}\n", encoding="utf-8")
    nb = Path(__file__).resolve().parent / "fixtures" / "notebooks" / "no_parameters.ipynb"
    proc = run_main("run", str(nb), "-f", "p.yaml", "-o", "out", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "tag" in proc.stderr
    assert not (tmp_path / "f").exists() and not (tmp_path / "out").exists()


def test_cli_takes_negative_exponents_and_prints_the_rule(tmp_path: Path) -> None:
    proc = run_main("run", "04_ev_scenarios", "-p", "elasticity", "-2e0", "-p", "nope", "1",
                    "-o", "out", cwd=tmp_path)
    assert proc.returncode == 2 and "unknown parameter 'nope'" in proc.stderr  # -2e0 was taken
    helptext = run_main("run", "--help", cwd=tmp_path).stdout
    assert "anything else is the text exactly as given" in " ".join(helptext.split())


def test_cli_cuts_a_long_error_line(tmp_path: Path) -> None:
    proc = run_main("run", "01_strategy", "-p", "as_of", "x" * 5000, "-o", "out", cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr) < 700 and len(proc.stderr.splitlines()) == 1
