"""Grading without kernels: variants, the strict checker, the judge, variant detection, the
records reader, rosters, feedback pages and the answers kept out of what students get."""

from __future__ import annotations

import json
import math
import os
import tomllib
from itertools import pairwise
from pathlib import Path

import nbformat
import numpy as np
import pytest

import casestudy as cs
from casestudy import exercises
from casestudy.grading import GradingError
from casestudy.grading.assign import STAMP, read_roster
from casestudy.grading.feedback import render
from casestudy.grading.grade import Row, _judge, _other_variant, _read_json, summarise
from casestudy.grading.variants import declarations, draw, fingerprint

ROOT = Path(__file__).resolve().parent.parent
EX = exercises.load_exercises()


# --- variants ---------------------------------------------------------------------------------

def test_draws_are_reproducible_independent_of_the_roster_and_within_the_declared_values():
    declared = declarations()
    assert {"01_strategy", "03_financials", "04_ev_scenarios"} <= set(declared)
    a = draw(7, "alice", "03_financials", declared)
    assert a == draw(7, "alice", "03_financials", declared)  # same seed, same id: same variant
    for name, value in a.items():
        assert value in declared["03_financials"][name]
    many = {fingerprint("03_financials", draw(7, f"s{i}", "03_financials", declared))
            for i in range(30)}
    assert len(many) > 20  # 144 variants of 03: thirty students rarely share one
    assert any(draw(8, f"s{i}", "03_financials", declared) != draw(7, f"s{i}", "03_financials",
                                                                   declared) for i in range(5))
    assert draw(7, "alice", "06_sources", declared) == {}  # no declaration: the defaults


def test_every_declared_value_is_allowed_by_its_parameter():
    for notebook, params in declarations().items():
        spec = {p.name: p for p in cs.parameters.spec_for(notebook)}
        for name, values in params.items():
            assert len(values) >= 2
            for v in values:
                assert spec[name].check(v, notebook) == v


@pytest.mark.parametrize("decl,match", [
    ('car_price = {values = [10.0, 20.0]}', "car_price.*below the minimum"),
    ('carprice = {min = 1.0, max = 2.0, step = 1.0}', "carprice: no such parameter"),
    ('car_price = {min = 250000.0, max = 240000.0, step = 1.0}', "min <= max"),
    ('car_price = 5', "expected {min, max, step}"),
])
def test_a_bad_variant_declaration_names_file_notebook_and_parameter(tmp_path, decl, match):
    path = tmp_path / "parameters.toml"
    path.write_text(f'["03_financials".variants]\n{decl}\n', encoding="utf-8")
    with pytest.raises(GradingError, match=match) as err:
        declarations(path)
    assert str(path) in str(err.value) and "03_financials" in str(err.value)


# --- the checker ------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["28.26", True, float("nan"), float("inf"), b"28", None])
def test_numbers_must_be_numbers(answer):
    result = cs.check("03-q1", answer)
    if answer is None:
        assert result.status == "not yet"
    else:
        assert result.status == "wrong" and "expected a number" in result.message


def test_numpy_numbers_are_numbers_and_hints_do_not_say_which_side():
    right = 100 * (27.6e9 / 1.056) / (113.1e9 / 1.223)
    assert cs.check("03-q1", np.float64(right)).right
    low, high = cs.check("03-q1", right - 5), cs.check("03-q1", right + 5)
    assert low.message == high.message  # the same words either side: nothing to bisect
    for word in ("low", "high", "small", "large", "28"):
        assert word not in low.message.lower()


def test_the_checker_without_the_answers_checks_types_and_records(tmp_path, monkeypatch):
    monkeypatch.setenv("CASESTUDY_ANSWERS", "")
    monkeypatch.setenv("CASESTUDY_CHECK_DIR", str(tmp_path))
    assert exercises.answers_dir() is None
    assert "expected" not in exercises.load_exercises()["03-q1"]
    result = cs.check("03-q1", 28.26)
    assert result.status == "answered" and "28" not in repr(result)
    assert json.loads((tmp_path / "03-q1.json").read_text()) == {
        "exercise": "03-q1", "value_kind": "number", "value": 28.26}
    assert cs.check("03-q1", "28.26").status == "wrong"
    assert json.loads((tmp_path / "03-q1.json").read_text())["value_kind"] == "invalid"
    cs.check("01-q1", {"Threats", "Opportunities"})
    recorded = json.loads((tmp_path / "01-q1.json").read_text())
    assert recorded["value"] == ["Opportunities", "Threats"]


def test_expected_answers_are_not_in_what_ships_to_students():
    for path in sorted((ROOT / "casestudy" / "data" / "exercises").glob("*.toml")):
        for qid, ex in tomllib.loads(path.read_text(encoding="utf-8")).items():
            assert "expected" not in ex, f"{path.name} [{qid}]: move expected to answers/"
    assert {p.stem for p in (ROOT / "answers").glob("*.toml")} >= {
        "01_strategy", "02_marketing", "03_financials", "04_ev_scenarios"}
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = wheel["tool"]["hatch"]["build"]["targets"]["wheel"].get("force-include", {})
    assert not any("answers" in k for k in included)
    assert all(isinstance(ex.get("points", 1), (int, float)) for ex in EX.values())


def test_an_answer_without_an_exercise_is_an_error(tmp_path):
    (tmp_path / "x.toml").write_text('["99-q1"]\nexpected = "1"\n', encoding="utf-8")
    with pytest.raises(exercises.ExerciseError, match=r"\[99-q1\] has an answer but no exercise"):
        exercises.load_exercises(answers=tmp_path)


# --- anti-copying: two variants' expected values differ by more than the tolerance -----------

def _differs(qid: str, a: float, b: float) -> bool:
    ex = EX[qid]
    return not math.isclose(a, b, rel_tol=ex.get("rel_tol", 0.005), abs_tol=ex.get("abs_tol", 0))


def test_any_two_price_cuts_of_03_give_margins_further_apart_than_the_tolerance():
    margin = EX["03-q2"]
    cuts = declarations()["03_financials"]["price_cut"]
    values = []
    for cut in cuts:
        price = 260000.0 * (1 - cut / 100)
        ns = {"price": price, "base_price": 260000.0}
        values.append(eval(margin["expected"], {"__builtins__": {}, **exercises._namespace(ns)}))
        assert cs.check("03-q2", values[-1], **ns).right
    assert all(_differs("03-q2", a, b) for a, b in pairwise(values))


def test_any_two_prices_of_04_give_answers_further_apart_than_the_tolerance():
    c = {"base_price": 260000.0, "base_margin": 25.5, "deliveries_q3": 108796.0,
         "operating_profit_q3": 7e8}
    prices = declarations()["04_ev_scenarios"]["price"]
    for qid in ("04-q1", "04-q2"):
        values = [eval(EX[qid]["expected"], {"__builtins__": {}, **c, "my_price": p * 9 / 10})
                  for p in prices]
        assert all(_differs(qid, a, b) for a, b in pairwise(values)), qid


def test_any_two_quarter_counts_of_00_give_answers_further_apart_than_the_tolerance():
    quarters = declarations()["00_case"]["rd_quarters"]
    values = [eval(EX["00-q1"]["expected"],
                   {"__builtins__": {}, **exercises._namespace({"rd_quarters": q})})
              for q in quarters]
    assert len(values) > 1 and all(_differs("00-q1", a, b) for a, b in pairwise(values))


def test_any_two_dealer_shares_of_05_give_break_evens_further_apart_than_the_tolerance():
    from casestudy import appliances

    inputs = {p.name: p.default for p in appliances.APPLIANCES.parameters}
    values = []
    for share in declarations()["05_options"]["dealer_margin_pct"]:
        ns = {**inputs, "my_dealer_margin": share}
        values.append(eval(EX["05-q1"]["expected"],
                           {"__builtins__": {}, **exercises._namespace(ns)}))
        assert cs.check("05-q1", values[-1], **ns).right
    assert len(values) > 1 and all(_differs("05-q1", a, b) for a, b in pairwise(values))


# --- the judge, variant detection, records ----------------------------------------------------

@pytest.mark.parametrize("rec,status,note", [
    ({"value_kind": "blank", "value": None}, "not yet", ""),
    ({"value_kind": "number", "value": 28.2624}, "right", ""),
    ({"value_kind": "number", "value": 27.0}, "wrong", ""),
    ({"value_kind": "invalid", "value": "'28.26'", "type": "str"}, "wrong", "expected a number"),
    ({"value_kind": "number", "value": "28.26"}, "error", "malformed"),
    ({"value_kind": "number", "value": True}, "error", "malformed"),
    ({"value_kind": "right"}, "error", "malformed"),
    (["not", "a", "record"], "error", "malformed"),
])
def test_the_judge(rec, status, note):
    got, _, why = _judge(EX["03-q1"], 28.262398521019215, rec)
    assert got == status and note in why


def _nb(stamp=None, injected=None):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell
    nb.cells = [cell("car_price = 260000.0", metadata={"tags": ["parameters"]})]
    if injected is not None:
        nb.cells.append(cell(injected, metadata={"tags": ["injected-parameters"]}))
    if stamp is not None:
        nb.metadata[STAMP] = stamp
    return nb


def test_a_notebook_run_under_another_variant_is_noticed():
    mine = {"car_price": 250000.0, "price_cut": 7.0}
    fp = fingerprint("03_financials", mine)
    own = _nb({"student_id": "bob", "variant": fp}, "car_price = 250000.0\nprice_cut = 7.0\n")
    assert _other_variant(own, "bob", "03_financials", mine) == ""
    alices = _nb({"student_id": "alice", "variant": "0123456789ab"})
    assert "'alice'" in _other_variant(alices, "bob", "03_financials", mine)
    unstamped = _nb(None, "car_price = 270000.0\nprice_cut = 7.0\n")
    assert "car_price" in _other_variant(unstamped, "bob", "03_financials", mine)
    assert _other_variant(_nb(), "bob", "03_financials", mine) == ""  # run under its defaults


def test_records_are_read_without_following_links(tmp_path):
    secret = tmp_path / "answers.json"
    secret.write_text('{"value_kind": "number", "value": 1}')
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "03-q1.json").symlink_to(secret)
    (checks / "03-q2.json").write_text("x" * 100_000)
    (checks / "01-q1.json").write_text('{"value_kind": "blank"}')
    assert _read_json(checks, "03-q1.json") is None and _read_json(checks, "03-q2.json") is None
    assert _read_json(checks, "01-q1.json") == {"value_kind": "blank"}
    (tmp_path / "linked").symlink_to(checks)
    assert _read_json(tmp_path / "linked", "01-q1.json") is None


# --- rosters, summaries, feedback -------------------------------------------------------------

def test_rosters(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name\nalice,A\nbob,B\n", encoding="utf-8")
    assert read_roster(path) == ["alice", "bob"]
    for text, match in [("name\nA\n", "student_id"), ("student_id\n../x\n", "line 2"),
                        ("student_id\na\na\n", "more than once"),
                        ("student_id\n\n", "one row per student")]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(GradingError, match=match):
            read_roster(path)


def test_feedback_escapes_and_never_shows_the_expected_value():
    rows = [Row("bob", "03_financials", "03-q1", "right", 1.0, 1.0, "28.2624"),
            Row("bob", "03_financials", "03-q2", "wrong", 0.0, 2.0, "<script>alert(1)</script>"),
            Row("bob", "04_ev_scenarios", "04-q1", "timeout", 0.0, 1.0, "", "did not finish")]
    html = render("bob", rows)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "1 of 4" in html and EX["03-q2"]["hint_wrong"][:30] in html
    assert "expected" not in json.dumps([r.__dict__ for r in rows])
    assert summarise(rows)[0] == {"student_id": "bob", "points": 1.0, "max_points": 4.0,
                                      "right": 1, "wrong": 1, "not yet": 0, "error": 0,
                                      "timeout": 1, "missing": 0}


def test_grade_and_assign_errors_are_one_line(tmp_path, capsys):
    from casestudy.cli import main

    assert main(["grade", str(tmp_path / "none"), "-a", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an assignment folder" in err
    (tmp_path / "r.csv").write_text("id\n1\n")
    assert main(["assign", "03_financials", "--roster", str(tmp_path / "r.csv"), "-o",
                 str(tmp_path / "out")]) == 2
    assert "student_id" in capsys.readouterr().err
    assert os.environ.get("CASESTUDY_CHECK_DIR") is None


def test_a_returned_notebook_with_new_untagged_cells_is_prepared_under_the_variant():
    from casestudy.grading.grade import _prepare

    nb = _nb({"student_id": "bob", "variant": "x"}, "car_price = 1.0\n")
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="old")]
    nb.cells.append(nbformat.v4.new_code_cell("q1 = 3"))  # a cell the student added: no tags
    nb.cells[-1].metadata.pop("tags", None)
    out = _prepare(nb, {"car_price": 250000.0})
    injected = [c for c in out.cells if "injected-parameters" in c.metadata["tags"]]
    assert len(injected) == 1 and "car_price = 250000.0" in injected[0].source
    assert out.cells.index(injected[0]) == 1 and out.cells[0].outputs == []
