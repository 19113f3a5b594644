"""What a scenario model is, and the calibration every model shares.

A :class:`Model` is a vectorised function with declared inputs (:class:`Parameter`: unit,
default, allowed range, origin, source) and outputs; :func:`declare` reads them from
``data/scenarios.toml``. :func:`unit_cost` is the car's variable cost calibrated at the shared
base (the home model's price build-up and the Europe model's landed cost both start from it).

Why a module of its own: :mod:`casestudy.scenarios` (the home model, and the lookup of a model
by name) and :mod:`casestudy.europe` both build on these, so neither imports the other's
internals and there is no import circle.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = ["DECLARATIONS", "Model", "Parameter", "ScenarioError", "declare", "unit_cost"]


class ScenarioError(ParameterError, ValueError):
    """A scenario input is unknown, of the wrong type or outside its allowed range."""


@dataclass(frozen=True)
class Parameter:
    """A model input: ``origin`` is "fact", "derived", "reference", "outside the sources" or
    "assumption";
    ``sample_range`` (with ``range_source``) is what sweeps and sensitivities vary over."""

    name: str
    unit: str
    default: float
    low: float
    high: float
    origin: str
    source: str
    description: str
    sample_range: tuple[float, float] | None = None
    range_source: str = ""
    fact: str = ""

    def check(self, value: Any) -> np.ndarray:
        """``value`` as a float array; :class:`ScenarioError` naming the parameter otherwise."""
        try:
            if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
                raise TypeError
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ScenarioError(f"parameter {self.name!r}: got {value!r}; expected a number or "
                                f"numbers in {self.unit} from {self.low:g} to {self.high:g}"
                                ) from None
        bad = np.isnan(arr) | (arr < self.low) | (arr > self.high)
        if bad.any():
            raise ScenarioError(f"parameter {self.name!r}: got {float(arr[bad].flat[0])!r}; "
                                f"allowed range is {self.low:g} to {self.high:g} ({self.unit}; "
                                f"{self.description})")
        return arr


@dataclass(frozen=True)
class Model:
    """A named vectorised model: its inputs, its outputs (name -> unit) and its function."""

    name: str
    parameters: tuple[Parameter, ...]
    outputs: dict[str, str]
    function: Callable[..., dict[str, np.ndarray]]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def parameter(self, name: str) -> Parameter:
        """The declared parameter ``name``; :class:`ScenarioError` listing the known ones."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise ScenarioError(f"unknown parameter {name!r} of the {self.name} model; known "
                            f"parameters: {', '.join(self.names)}")


DECLARATIONS = Path(__file__).resolve().parent / "data" / "scenarios.toml"


def declare(name: str, function: Callable[..., dict[str, Any]]) -> Model:
    """The model ``name`` with the inputs (the shared base first) and outputs that
    ``data/scenarios.toml`` declares: declarations with their sources are data."""
    data = tomllib.loads(DECLARATIONS.read_text(encoding="utf-8"))
    params = []
    for entry in data["base"] + data[name]:
        if "sample_range" in entry:
            entry["sample_range"] = tuple(entry["sample_range"])
        try:
            params.append(Parameter(**entry))
        except TypeError as exc:
            raise ScenarioError(f"{DECLARATIONS}: parameter {entry.get('name')!r}: {exc}") from None
    return Model(name, tuple(params), data["outputs"][name], function)


def unit_cost(base_price: Any, base_margin: Any, change_pct: Any = 0.0) -> Any:
    """Variable cost per car, calibrated once at the base: base_price x (1 - margin/100)."""
    return base_price * (1 - base_margin / 100) * (1 + change_pct / 100)
