"""Parameter edge cases (-p, -f) and one-line command-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_in_process import run_main

from casestudy import ParameterError
from casestudy.cli import load_parameter_file, parse_value
from casestudy.parameters import Param
from casestudy.runner import _run_record, _split_parameters, run_notebooks

CASESTUDY = Path(sys.executable).parent / "casestudy"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
FAKE = Path("zz_hardening.ipynb")  # only its stem is used: no kernel starts


@pytest.fixture(autouse=True)
def fake_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    """A declared notebook of our own (the real declarations change with the notebooks)."""
    from casestudy import parameters

    monkeypatch.setitem(parameters.SPECS, "zz_hardening", (
        Param("top_n", int, 10, "How many.", minimum=1, maximum=50),
        Param("seeds_dir", str, None, "A folder of seeds.", nullable=True),
    ))


@pytest.mark.parametrize(("text", "value"), [
    ("5e+06", 5_000_000.0), ("1e3", 1000.0), ("-2E-3", -0.002), ("2015", 2015), ("7.1", 7.1),
    ("None", None), ("null", None), ("~", None), ("[ja, zh]", ["ja", "zh"]), ("en", "en"),
    ("'1e3'", "1e3"), ("1e3x", "1e3x"),
])
def test_parse_value(text: str, value: Any) -> None:
    got = parse_value("p", text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("text", ["", "  "])
def test_an_empty_value_is_an_error(text: str) -> None:
    with pytest.raises(ParameterError,
                       match="'as_of' = .*the value is empty; give a value, or None"):
        parse_value("as_of", text)


def test_exponent_values_pass_the_checks() -> None:
    param = Param("deliveries", float, 1.0, "d", maximum=1e7)
    assert param.check(parse_value("d", "5e+06"), "nb") == 5e6
    got = Param("top_n", int, 10, "n", maximum=5000).check(parse_value("n", "1e3"), "nb")
    assert got == 1000 and type(got) is int


def test_the_kernel_gets_the_checked_value() -> None:
    [per] = _split_parameters([FAKE], {"top_n": 2e1})
    assert per == {"top_n": 20} and type(per["top_n"]) is int
    with pytest.raises(ParameterError, match="'top_n' = 1000 is above the maximum"):
        _split_parameters([FAKE], {"top_n": parse_value("top_n", "1e3")})


def test_duplicate_keys_in_a_parameter_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("top_n: 5\nlanguages: [ja]\ntop_n: 7\n", encoding="utf-8")
    with pytest.raises(ParameterError,
                       match=r"p\.yaml: parameter 'top_n' is given twice \(lines 1 and 3\)"):
        load_parameter_file(path)


@pytest.mark.parametrize("name", ["x=1;import os;y", "1st", "class", "a b", "x\ny"])
def test_parameter_names_must_be_identifiers_even_without_a_declaration(tmp_path: Path,
                                                                        name: str) -> None:
    with pytest.raises(ParameterError, match="is not allowed; expected a Python identifier"):
        run_notebooks([FIXTURES / "no_parameters.ipynb"], tmp_path / "out", {name: 1})
    assert not (tmp_path / "out").exists()


def test_seeds_dir_is_checked_before_any_kernel(tmp_path: Path) -> None:
    for bad, why in [("/nonexistent/seeds", "no such folder"), ("", "is empty")]:
        with pytest.raises(ParameterError, match=f"parameter 'seeds_dir' = .*{why}"):
            run_notebooks([FAKE], tmp_path / "out", {"seeds_dir": bad})
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParameterError, match="holds no .txt file"):
        run_notebooks([FAKE], tmp_path / "out", {"seeds_dir": str(tmp_path / "empty")})
    assert not (tmp_path / "out").exists()


def test_relative_seeds_dir_is_recorded_as_given_and_resolved_where_the_run_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_seeds").mkdir()
    (tmp_path / "my_seeds" / "a.txt").write_text("Xiaomi sold 5 phones.\n", encoding="utf-8")
    elsewhere = tmp_path / "kernel_cwd"
    elsewhere.mkdir()
    nb = json.loads((FIXTURES / "passing.ipynb").read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = "seeds_dir = None"
    nb["cells"][2]["source"] = ("import casestudy as cs\n"
                                "print(sorted(cs.load_corpus(seeds_dir).ids), seeds_dir)")
    (tmp_path / "reads_seeds.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CASESTUDY_CWD", raising=False)
    [res] = run_notebooks([tmp_path / "reads_seeds.ipynb"], tmp_path / "out",
                          {"seeds_dir": "my_seeds"}, jobs=1, cwd=str(elsewhere))
    assert res.ok, res.summary()
    out = json.loads(res.output.read_text(encoding="utf-8"))
    printed = "".join(o.get("text", "") if isinstance(o.get("text"), str) else "".join(o["text"])
                      for c in out["cells"] for o in c.get("outputs", []))
    assert "['a'] my_seeds" in printed
    assert out["metadata"]["casestudy"]["seeds_dir"] == "my_seeds"
    assert set(out["metadata"]["casestudy"]["seeds"]) == {"a"}
    assert str(tmp_path) not in json.dumps(out)
    assert _run_record({"seeds_dir": "my_seeds"})["casestudy"]["seeds_dir"] == "my_seeds"


# -- the command line: one line, no traceback ---------------------------------------------------

def casestudy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command's answer, from this process (:mod:`cli_in_process`): no kernel starts."""
    return run_main(*args, cwd=cwd)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "error: " in lines[0], proc.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])


@pytest.mark.parametrize(("args", "needles"), [
    (["-p", "as_of", ""], ["'as_of'", "empty"]),
    (["-p", "seeds_dir", "/nonexistent"], ["'seeds_dir'", "/nonexistent", "no such folder"]),
    (["-p", "as_of", "2015", "-p", "as_of", "2016"], ["'as_of' is given twice"]),
    (["-p", "x y", "1"], ["'x y'", "identifier"]),
])
def test_cli_parameter_mistakes(tmp_path: Path, args: list[str], needles: list[str]) -> None:
    notebook = str(FIXTURES / "no_parameters.ipynb") if args[1] == "x y" else "01_strategy"
    proc = casestudy("run", notebook, *args, "-o", "out", cwd=tmp_path)
    assert_one_line_error(proc, *needles)
    assert not (tmp_path / "out").exists()


def test_cli_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("", encoding="utf-8")
    proc = casestudy("run", str(FIXTURES / "passing.ipynb"), "-o", "out", cwd=tmp_path)
    assert_one_line_error(proc, "out", "is a file")


def test_cli_duplicate_key_in_a_parameter_file(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("as_of: 2015\nas_of: 2016\n", encoding="utf-8")
    proc = casestudy("run", "01_strategy", "-f", "p.yaml", "-o", "out", cwd=tmp_path)
    assert_one_line_error(proc, "p.yaml", "'as_of' is given twice")


@pytest.mark.parametrize("target", ["folder", "nodir/"])
def test_cli_sweep_output_mistakes(tmp_path: Path, target: str) -> None:
    (tmp_path / "folder.csv").mkdir()
    out = "folder.csv" if target == "folder" else "r.txt"
    proc = casestudy("sweep", "--sample", "10", "--seed", "1", "-o", out, cwd=tmp_path)
    assert_one_line_error(proc, out)
