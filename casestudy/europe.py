"""The Europe 2027 scenario: the landed cost and price build-up of a Xiaomi car made in China
and sold in Germany, and its margin against the home market.

What
----
:func:`europe` builds the German price of one car from its parts (all per car, in euros):

* variable cost: the home car's calibrated variable cost (:func:`casestudy.scenarios.unit_cost`,
  from seed 004's price and margin), converted at ``cny_per_eur``;
* customs value (CIF): the ex-works export price plus transport and insurance to an EU port;
* the EU's normal import duty and the countervailing duty, both on the customs value;
* homologation (type approval and adaptation) spread per car;
* the net price Xiaomi might set: the home net price converted, plus ``eu_price_premium_pct``;
* German VAT on the net price: the buyer's price.

``buyer price = variable cost + transport + duties + homologation + gross profit + VAT``
holds exactly (a test checks it). The gross margin is the group's: gross profit over the net
price. Break-evens: the premium at which the gross profit is zero, and the premium at which
the margin equals the home margin.

Why
---
Seed 004 says the car goes to Europe in 2027 and names Germany as the hardest market, but
gives no tariff, cost or price. The duty rates are reference figures (the EU's regulation);
transport, homologation and the export price are assumptions, declared as parameters with
their unit and origin, so a student can replace each.
"""

from __future__ import annotations

from typing import Any

from .scenarios import BASE, MODELS, Model, Parameter, unit_cost

__all__ = ["EUROPE", "PARAMETERS", "europe"]

_A = "assumption"
PARAMETERS: tuple[Parameter, ...] = BASE + (
    Parameter("cny_per_eur", "CNY/EUR", 8.2, 1.0, 50.0, _A, "assumption, not in the sources: "
              "approximate market rate of Nov 2025 (round figure; as notebook 03)",
              "Exchange rate: yuan per euro.", (7.5, 8.5), "assumption: the rate's range over "
              "2024-2025, rounded"),
    Parameter("ex_works_price", "CNY/vehicle", 260_000.0, 0.0, 5e6, _A, "assumption: the export "
              "price declared to customs equals the home net price (seed 004's 260,000 yuan); "
              "the transfer price is not public", "Ex-works export price: the base of the "
              "customs value.", (193_700.0, 260_000.0), "from the variable cost per car (the "
              "lowest price customs would accept) to the home net price"),
    Parameter("transport", "EUR/vehicle", 2_000.0, 0.0, 50_000.0, _A, "assumption: illustrative "
              "cost of shipping and insuring one car from China to an EU port; no source",
              "Transport and insurance to the EU border.", (1_000.0, 3_000.0),
              "assumption: half to one and a half times the default"),
    Parameter("homologation", "EUR/vehicle", 1_000.0, 0.0, 50_000.0, _A, "assumption: "
              "illustrative: a type approval and adaptation of a few million euros spread over a "
              "first volume of a few thousand cars; no source", "Homologation per car.",
              (500.0, 2_000.0), "assumption: half to twice the default"),
    Parameter("import_duty_pct", "%", 10.0, 0.0, 100.0, "reference",
              "reference eu-import-duty-cars: the EU's normal customs duty on passenger cars, 10%",
              "The EU's normal import duty on the customs value."),
    Parameter("countervailing_duty_pct", "%", 35.3, 0.0, 100.0, "reference",
              "reference eu-cvd-rate-xiaomi: Implementing Regulation (EU) 2024/2754, the residual "
              "rate 'all other companies' (Xiaomi was not examined individually)",
              "The EU's countervailing duty on battery-electric cars made in China, for Xiaomi.",
              (20.7, 35.3), "references eu-cvd-rate-cooperating-not-sampled and eu-cvd-rate-xiaomi: "
              "the rate of cooperating companies not sampled (if Xiaomi obtained it) to the "
              "residual rate that applies today"),
    Parameter("de_vat_rate", "%", 19.0, 0.0, 50.0, "outside the sources",
              "not in the sources: German standard VAT rate, 19% (Umsatzsteuergesetz, section 12)",
              "VAT on the German net price."),
    Parameter("eu_price_premium_pct", "%", 0.0, -50.0, 200.0, _A, "assumption: the lever; 0 = "
              "the home net price converted (no European premium)", "Net price in Germany "
              "against the home net price converted.", (0.0, 100.0),
              "assumption: from price parity to twice the home price"),
)


def europe(base_price: Any, base_margin: Any, cny_per_eur: Any, ex_works_price: Any,
           transport: Any, homologation: Any, import_duty_pct: Any, countervailing_duty_pct: Any,
           de_vat_rate: Any, eu_price_premium_pct: Any) -> dict[str, Any]:
    """The German price build-up and margin of one car made in China (arrays broadcast)."""
    cost = unit_cost(base_price, base_margin) / cny_per_eur
    customs_value = ex_works_price / cny_per_eur + transport
    duty = customs_value * import_duty_pct / 100
    cvd = customs_value * countervailing_duty_pct / 100
    landed = cost + transport + duty + cvd + homologation
    parity = base_price / cny_per_eur
    net = parity * (1 + eu_price_premium_pct / 100)
    gp = net - landed
    home_margin = base_margin + 0 * net
    return {
        "unit_cost": cost, "customs_value": customs_value, "transport_cost": transport + 0 * net,
        "import_duty": duty, "countervailing_duty": cvd, "homologation_cost": homologation + 0 * net,
        "landed_cost": landed, "net_price": net, "vat": net * de_vat_rate / 100,
        "buyer_price": net * (1 + de_vat_rate / 100), "gross_profit_per_car": gp,
        "gross_margin_pct": gp / net * 100, "home_margin_pct": home_margin,
        "margin_gap_pp": gp / net * 100 - home_margin,
        "duties_share_of_price_pct": (duty + cvd) / net * 100,
        "break_even_premium_pct": (landed / parity - 1) * 100,
        "home_margin_premium_pct": (landed / (parity * (1 - base_margin / 100)) - 1) * 100,
    }


_OUT = {"unit_cost": "EUR/vehicle", "customs_value": "EUR/vehicle", "transport_cost": "EUR/vehicle",
        "import_duty": "EUR/vehicle", "countervailing_duty": "EUR/vehicle",
        "homologation_cost": "EUR/vehicle", "landed_cost": "EUR/vehicle", "net_price": "EUR/vehicle",
        "vat": "EUR/vehicle", "buyer_price": "EUR/vehicle", "gross_profit_per_car": "EUR/vehicle",
        "gross_margin_pct": "%", "home_margin_pct": "%", "margin_gap_pp": "pp",
        "duties_share_of_price_pct": "%", "break_even_premium_pct": "%",
        "home_margin_premium_pct": "%"}
EUROPE = Model("europe", PARAMETERS, _OUT, europe)
MODELS["europe"] = EUROPE
