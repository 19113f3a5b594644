"""Tests of casestudy.sweep: grids, seeded samples, CSV/Parquet output, papermill rendering, CLI."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from casestudy import scenarios as sc
from casestudy import sweep as sw
from casestudy.scenarios import ScenarioError
from casestudy.sweep import SweepError

FIXTURE = Path(__file__).parent / "fixtures" / "scenario_fixture.ipynb"


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="casestudy sweep")
    sw.add_sweep_arguments(parser)
    return sw.sweep_command(parser.parse_args(list(argv)))


# --- tables -------------------------------------------------------------------------------------


def test_full_grid_is_the_cartesian_product() -> None:
    df = sw.full_grid({"absorbed_share": [0.0, 0.5, 1.0], "price_change_pct": [-5.0, 0.0]})
    assert len(df) == 6
    assert list(df.columns) == list(sc.PARAMETER_NAMES) + list(sc.OUTPUT_NAMES)
    # first parameter varies slowest
    assert df["absorbed_share"].tolist() == [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]
    assert df["price_change_pct"].tolist() == [-5.0, 0.0] * 3
    # row 5: absorbed 1, price 0%: margin 53,300 / 247,000
    assert df.loc[5, "gross_margin_pct_2026"] == pytest.approx(53_300 / 247_000 * 100)
    # every row agrees with a scalar evaluation
    for i in (0, 3):
        row = df.iloc[i]
        one = sc.evaluate(absorbed_share=float(row["absorbed_share"]),
                          price_change_pct=float(row["price_change_pct"]))
        assert row["revenue_2026"] == pytest.approx(one["revenue_2026"])
    assert (df["deliveries"] == 350_000).all()


def test_full_grid_with_bools_and_fixed_values() -> None:
    df = sw.full_grid({"price_includes_vat": [False, True]}, base={"elasticity": 0.0})
    assert df["price_includes_vat"].tolist() == [False, True]
    assert df["price_includes_vat"].dtype == bool
    assert (df["deliveries_2026"] == 350_000).all()
    # VAT-inclusive: 260,000 / 1.13 x 10% / 2 = 11,504.42 extra tax
    assert df.loc[1, "extra_tax_2026"] == pytest.approx(11_504.4248, abs=1e-4)


def test_full_grid_errors() -> None:
    with pytest.raises(ScenarioError, match="absorbed_share.*2.0"):
        sw.full_grid({"absorbed_share": [0.0, 2.0]})
    with pytest.raises(ScenarioError, match="unknown parameter 'bogus'"):
        sw.full_grid({"bogus": [1.0]})
    with pytest.raises(SweepError, match="both swept and fixed"):
        sw.full_grid({"absorbed_share": [0.0]}, base={"absorbed_share": 0.5})
    with pytest.raises(SweepError, match="no values"):
        sw.full_grid({"absorbed_share": []})
    with pytest.raises(SweepError, match="at most"):
        sw.full_grid({"absorbed_share": list(np.linspace(0, 1, 5000)),
                      "price_change_pct": list(np.linspace(-5, 5, 5000))})


def test_random_sample_is_reproducible_and_within_ranges() -> None:
    a = sw.random_sample(1000, seed=42)
    b = sw.random_sample(1000, seed=42)
    c = sw.random_sample(1000, seed=43)
    pd.testing.assert_frame_equal(a, b)
    assert not a["absorbed_share"].equals(c["absorbed_share"])
    for p in sc.PARAMETERS:
        if p.sample_range is not None:
            lo, hi = p.sample_range
            assert a[p.name].between(lo, hi).all(), p.name
            assert a[p.name].nunique() > 900
        else:
            assert (a[p.name] == p.default).all(), p.name


def test_random_sample_ranges_and_fixed_values() -> None:
    df = sw.random_sample(500, seed=1, ranges={"absorbed_share": (0.2, 0.3), "price_includes_vat": (False, True)},
                          base={"elasticity": 0.0})
    assert df["absorbed_share"].between(0.2, 0.3).all()
    assert set(df["price_includes_vat"]) == {False, True}
    assert (df["elasticity"] == 0.0).all()
    assert (df["deliveries_2026"] == df["deliveries"]).all()
    with pytest.raises(SweepError, match="positive integer"):
        sw.random_sample(0, seed=1)
    with pytest.raises(SweepError, match="seed"):
        sw.random_sample(10, seed=-1)
    with pytest.raises(ScenarioError, match="absorbed_share"):
        sw.random_sample(10, seed=1, ranges={"absorbed_share": (0.0, 3.0)})


def test_random_sample_of_100000_is_fast() -> None:
    import time
    t0 = time.perf_counter()
    df = sw.random_sample(100_000, seed=7)
    assert time.perf_counter() - t0 < 1.0
    assert len(df) == 100_000 and df["gross_margin_pct_2026"].notna().all()


# --- writing ------------------------------------------------------------------------------------


def test_write_csv_and_parquet_round_trip(tmp_path: Path) -> None:
    df = sw.full_grid({"absorbed_share": [0.0, 1.0]})
    csv = sw.write_results(df, tmp_path / "out" / "r.csv")
    back = pd.read_csv(csv)
    assert back.shape == df.shape
    assert math.isinf(back.loc[0, "cap_2025"])
    pq = sw.write_results(df, tmp_path / "r.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(pq), df)
    with pytest.raises(SweepError, match=r"\.xlsx.*expected \.csv or \.parquet"):
        sw.write_results(df, tmp_path / "r.xlsx")


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sw, "_have_pyarrow", lambda: False)
    with pytest.raises(SweepError, match="pyarrow"):
        sw.write_results(sw.full_grid({"absorbed_share": [0.0]}), tmp_path / "r.parquet")
    assert not (tmp_path / "r.parquet").exists()


# --- parsing ------------------------------------------------------------------------------------


def test_parse_helpers() -> None:
    assert sw.parse_rows("0,2-4, 7", 10) == [0, 2, 3, 4, 7]
    assert sw.parse_rows("3,3", 10) == [3]
    with pytest.raises(SweepError, match="row 10 does not exist"):
        sw.parse_rows("10", 10)
    with pytest.raises(SweepError, match="row -1 does not exist"):
        sw.parse_rows("-1", 10)
    with pytest.raises(SweepError, match="'x'"):
        sw.parse_rows("x", 10)
    assert sw.parse_assignment("absorbed_share=0, 0.5,1") == ("absorbed_share", ["0", "0.5", "1"])
    with pytest.raises(SweepError, match="NAME=VALUE"):
        sw.parse_assignment("absorbed_share")
    assert sw.parse_value("price_includes_vat", "true") is True
    assert sw.parse_value("cap_2025", "inf") == math.inf
    assert sw.parse_value("deliveries", "350_000") == 350_000.0
    with pytest.raises(ScenarioError, match="price_includes_vat.*'maybe'"):
        sw.parse_value("price_includes_vat", "maybe")
    with pytest.raises(ScenarioError, match="price.*'cheap'"):
        sw.parse_value("price", "cheap")


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_grid_to_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.csv"
    rc = run_cli("--grid", "absorbed_share=0,0.5,1", "--grid", "price_change_pct=-5,0",
                 "--set", "elasticity=0", "-o", str(out))
    assert rc == 0
    df = pd.read_csv(out)
    assert len(df) == 6 and (df["elasticity"] == 0).all()
    assert "wrote 6 scenario(s)" in capsys.readouterr().out


def test_cli_sample_to_parquet_is_reproducible(tmp_path: Path) -> None:
    assert run_cli("--sample", "200", "--seed", "5", "-o", str(tmp_path / "a.parquet")) == 0
    assert run_cli("--sample", "200", "--seed", "5", "-o", str(tmp_path / "b.parquet")) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet"))
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a.parquet"), sw.random_sample(200, 5))


def test_cli_base_case_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli() == 0
    assert "1 scenario(s)" in capsys.readouterr().out
    assert run_cli("--list") == 0
    out = capsys.readouterr().out
    assert "absorbed_share" in out and "seed 004" in out


@pytest.mark.parametrize("argv, words", [
    (["--grid", "absorbed_share=0,2"], ["absorbed_share", "2.0", "0 to 1"]),
    (["--grid", "absorbd_share=0"], ["unknown parameter", "absorbd_share"]),
    (["--sample", "10"], ["--seed"]),
    (["--sample", "10", "--seed", "1", "--grid", "price=1e5"], ["cannot be combined"]),
    (["--grid", "price=1e5", "-o", "x.json"], [".json", "expected .csv or .parquet"]),
    (["--render", "0", "--notebook", "missing.ipynb"], ["missing.ipynb", "does not exist"]),
    (["--render", "4"], ["row 4 does not exist"]),
])
def test_cli_errors_are_one_paragraph_on_stderr(argv: list[str], words: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    rc = run_cli(*argv)
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("casestudy sweep: error: ")
    assert err.strip().count("\n") == 0
    for w in words:
        assert w in err, (w, err)


# --- rendering with papermill -------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_render_scenarios_with_papermill(tmp_path: Path) -> None:
    nb = tmp_path / "scen.ipynb"
    nb.write_bytes(FIXTURE.read_bytes())
    before = _digest(nb)
    df = sw.full_grid({"absorbed_share": [0.0, 1.0], "price": [260_000.0, 400_000.0]})
    paths = sw.render_scenarios(df, [1, 3], nb, tmp_path / "rendered")
    assert [p.name for p in paths] == ["scen-scenario-1.ipynb", "scen-scenario-3.ipynb"]
    assert _digest(nb) == before  # the input notebook is untouched
    for row, p in zip((1, 3), paths):
        doc = json.loads(p.read_text())
        injected = [c for c in doc["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
        assert len(injected) == 1
        src = "".join(injected[0]["source"])
        assert f"scenario_row = {row}" in src
        assert "cap_2025 = float('inf')" in src
        outputs = "".join("".join(o.get("text", "")) for c in doc["cells"] if c["cell_type"] == "code"
                          for o in c.get("outputs", []))
        # row 1: absorbed 0, price 400,000 -> extra tax 25,000; row 3: absorbed 1, price 400,000 -> 25,000
        assert f"scenario_row={row}" in outputs
        assert "extra_tax=25000.00" in outputs
        assert f"absorbed_share={df.loc[row, 'absorbed_share']}" in outputs


def test_render_never_overwrites_the_input(tmp_path: Path) -> None:
    nb = tmp_path / "scen.ipynb"
    nb.write_bytes(FIXTURE.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    # an output name that resolves to the input (through a symlink) is refused
    (out / "scen-scenario-0.ipynb").symlink_to(nb)
    before = _digest(nb)
    with pytest.raises(SweepError, match="overwrite the input notebook"):
        sw.render_scenarios(sw.full_grid({"absorbed_share": [0.0]}), [0], nb, out)
    assert _digest(nb) == before


def test_render_reports_a_failing_notebook(tmp_path: Path) -> None:
    doc = json.loads(FIXTURE.read_text())
    doc["cells"].append({"cell_type": "code", "execution_count": None, "id": "boom", "metadata": {},
                         "outputs": [], "source": ["raise RuntimeError('scenario failed on purpose')"]})
    nb = tmp_path / "bad.ipynb"
    nb.write_text(json.dumps(doc))
    with pytest.raises(SweepError, match=r"row 0.*RuntimeError.*on purpose"):
        sw.render_scenarios(sw.full_grid({"absorbed_share": [0.0]}), [0], nb, tmp_path / "out")


def test_render_argument_errors(tmp_path: Path) -> None:
    df = sw.full_grid({"absorbed_share": [0.0]})
    with pytest.raises(SweepError, match="does not exist"):
        sw.render_scenarios(df, [0], tmp_path / "nope.ipynb", tmp_path)
    with pytest.raises(SweepError, match="row 3 does not exist"):
        sw.render_scenarios(df, [3], FIXTURE, tmp_path)
    with pytest.raises(SweepError, match="no Jupyter kernel named 'no-such-kernel'"):
        sw.render_scenarios(df, [0], FIXTURE, tmp_path, kernel_name="no-such-kernel")
