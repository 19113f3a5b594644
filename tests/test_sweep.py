"""Tests of casestudy.sweep: grids, seeded samples of both models, CSV/Parquet output,
papermill rendering, the CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from casestudy import europe as eu
from casestudy import scenarios as sc
from casestudy import sweep as sw
from casestudy.cli import main
from casestudy.paths import notebooks_dir
from casestudy.scenarios import ScenarioError
from casestudy.sweep import SweepError
from casestudy.sweepcli import MODEL_NOTEBOOKS


def run_cli(*argv: str) -> int:
    return main(["sweep", *argv])


def test_full_grid_is_the_cartesian_product() -> None:
    df = sw.full_grid({"absorbed_share": [0.0, 0.5, 1.0], "price": [240_000.0, 260_000.0]})
    assert len(df) == 6
    assert list(df.columns) == list(sc.HOME.names) + list(sc.HOME.outputs)
    assert df["absorbed_share"].tolist() == [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]
    assert df["price"].tolist() == [240_000.0, 260_000.0] * 3
    # row 5: absorbed 1 at 260,000: revenue per car 247,000, margin 53,300 / 247,000
    assert df.loc[5, "gross_margin_pct"] == pytest.approx(53_300 / 247_000 * 100)
    for i in (0, 3):
        one = sc.evaluate(absorbed_share=float(df.loc[i, "absorbed_share"]),
                          price=float(df.loc[i, "price"]))
        assert df.loc[i, "operating_profit"] == pytest.approx(one["operating_profit"])


def test_europe_grid() -> None:
    df = sw.full_grid({"countervailing_duty_pct": [20.7, 35.3]},
                      base={"eu_price_premium_pct": 20.0}, model="europe")
    assert list(df.columns) == list(eu.EUROPE.names) + list(eu.EUROPE.outputs)
    assert (df["eu_price_premium_pct"] == 20.0).all()
    assert df.loc[0, "gross_margin_pct"] > df.loc[1, "gross_margin_pct"]
    with pytest.raises(ScenarioError, match="unknown parameter 'price' of the europe model"):
        sw.full_grid({"price": [1e5]}, model="europe")


def test_full_grid_errors() -> None:
    with pytest.raises(ScenarioError, match="absorbed_share.*2.0"):
        sw.full_grid({"absorbed_share": [0.0, 2.0]})
    with pytest.raises(SweepError, match="no parameter values"):
        sw.full_grid({})
    with pytest.raises(SweepError, match="both swept and fixed"):
        sw.full_grid({"price": [1e5]}, base={"price": 2e5})


def test_random_sample_is_reproducible_and_within_ranges() -> None:
    a, b = sw.random_sample(1000, 7), sw.random_sample(1000, 7)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(sw.random_sample(1000, 8))
    for p in sc.HOME.parameters:
        if p.sample_range:
            assert a[p.name].between(*p.sample_range).all(), p.name
        else:
            assert (a[p.name] == p.default).all(), p.name
    e = sw.random_sample(100, 1, model="europe")
    assert e["countervailing_duty_pct"].between(20.7, 35.3).all()


def test_random_sample_bad_size_or_seed() -> None:
    with pytest.raises(SweepError, match="positive integer"):
        sw.random_sample(0, 1)
    with pytest.raises(SweepError, match="non-negative integer"):
        sw.random_sample(5, -1)


def test_write_csv_and_parquet_round_trip(tmp_path: Path) -> None:
    df = sw.random_sample(50, 2)
    for name in ("r.csv", "r.parquet"):
        path = sw.write_results(df, tmp_path / name)
        back = pd.read_csv(path) if name.endswith(".csv") else pd.read_parquet(path)
        np.testing.assert_allclose(back["operating_profit"], df["operating_profit"], rtol=1e-12)


def test_cli_grid_and_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.csv"
    assert run_cli("--grid", "absorbed_share=0,0.5,1", "--grid", "price=240_000,260000",
                   "--grid", "elasticity=-2", "-o", str(out)) == 0
    df = pd.read_csv(out)
    assert len(df) == 6 and (df["elasticity"] == -2).all()
    assert "wrote 6 home scenario(s)" in capsys.readouterr().out
    assert run_cli("--model", "europe", "--sample", "100", "--seed", "5",
                   "-o", str(tmp_path / "e.parquet")) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "e.parquet"),
                                  sw.random_sample(100, 5, model="europe"))


@pytest.mark.parametrize("argv, words", [
    (["--grid", "absorbed_share=0,2"], ["absorbed_share", "2.0"]),
    (["--grid", "absorbd_share=0"], ["unknown parameter", "absorbd_share"]),
    (["--sample", "10"], ["--seed"]),
    (["--sample", "10", "--seed", "1", "--grid", "price=1e5"], ["cannot be combined"]),
    (["--grid", "price=1e5", "-o", "x.json"], [".json", "expected .csv or .parquet"]),
    (["--model", "europe", "--grid", "price=1e5"], ["unknown parameter 'price'", "europe"]),
    (["--render", "0", "--notebook", "missing.ipynb"], ["missing.ipynb", "does not exist"]),
    (["--render", "4"], ["row 4 does not exist"]),
])
def test_cli_errors_are_one_paragraph_on_stderr(argv: list[str], words: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("casestudy sweep: error: ") and err.strip().count("\n") == 0
    for w in words:
        assert w in err, (w, err)


def _fixture(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = ("\n".join(f"{p.name} = {p.default!r}" for p in sc.HOME.parameters)
              + "\nscenario_row = -1")
    nb.cells = [nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(f'scenario_row={scenario_row} price={price:.0f} "
                                          "absorbed_share={absorbed_share}')")]
    nbformat.write(nb, path)
    return path


def test_render_scenarios_with_papermill(tmp_path: Path) -> None:
    nb = _fixture(tmp_path / "scen.ipynb")
    before = hashlib.sha256(nb.read_bytes()).hexdigest()
    df = sw.full_grid({"absorbed_share": [0.0, 1.0], "price": [260_000.0, 300_000.0]})
    paths = sw.render_scenarios(df, [1, 2], nb, tmp_path / "rendered")
    assert [p.name for p in paths] == ["scen-scenario-1.ipynb", "scen-scenario-2.ipynb"]
    assert hashlib.sha256(nb.read_bytes()).hexdigest() == before
    for row, p in zip((1, 2), paths):
        doc = json.loads(p.read_text())
        out = "".join("".join(o.get("text", ""))
                      for c in doc["cells"] for o in c.get("outputs", []))
        assert f"scenario_row={row} price={df.loc[row, 'price']:.0f}" in out
    with pytest.raises(SweepError, match="row 9 does not exist"):
        sw.render_scenarios(df, [9], nb, tmp_path)


def test_the_command_offers_every_model_of_the_table() -> None:
    """`--model`'s choices (read without numpy) are the table's models, in its order."""
    assert tuple(MODEL_NOTEBOOKS) == tuple(sw.MODELS)


@pytest.mark.parametrize("name", sorted(sw.MODELS))
def test_every_model_of_the_table_sweeps(name: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`casestudy sweep --model NAME` covers every model the table lists."""
    m = sw.get_model(name)
    entry = sw.MODELS[name]
    assert m.function is entry.function and Path(entry.notebook).suffix == ".ipynb"
    assert entry.notebook == MODEL_NOTEBOOKS[name]
    df = sw.random_sample(50, 3, model=name)
    assert list(df.columns) == list(m.names) + list(m.outputs) and len(df) == 50
    out = tmp_path / f"{name}.csv"
    assert run_cli("--model", name, "--sample", "50", "--seed", "3", "-o", str(out)) == 0
    assert f"wrote 50 {name} scenario(s)" in capsys.readouterr().out
    np.testing.assert_allclose(pd.read_csv(out)[m.names[0]], df[m.names[0]])


def test_render_defaults_to_the_models_own_notebook(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(sw, "render_scenarios",
                        lambda df, rows, notebook, outdir, model: seen.append(notebook) or rows)
    assert run_cli("--model", "europe", "--render", "0") == 0
    assert seen == [notebooks_dir() / sw.MODELS["europe"].notebook]
    assert run_cli("--model", "home", "--render", "0", "--notebook", "x.ipynb") == 0
    assert seen[-1] == "x.ipynb"
