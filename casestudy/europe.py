"""The Europe 2027 scenario: the price build-up of a Xiaomi car made in China and sold in
Germany, and its margin against the home market.

:func:`europe` builds the German price of one car from its parts (per car, in euros): the home
car's calibrated variable cost (:func:`casestudy.modelbase.unit_cost`) converted at
``cny_per_eur``; the customs value (ex-works export price plus transport to an EU port); the
EU's normal import duty and the countervailing duty on it; homologation per car; the net price
(the home net price converted, plus ``eu_price_premium_pct``); German VAT on it. So
``buyer price = variable cost + transport + duties + homologation + gross profit + VAT``. The
gross margin is gross profit over the net price; the break-evens are the premiums at which the
gross profit is zero and at which the margin equals the home margin.

Why: seed 004 says the car goes to Europe in 2027 and names Germany as the hardest market, but
gives no tariff, cost or price. The duty rates are reference figures (the EU's regulation);
transport, homologation and the export price are assumptions declared with their unit and
origin in ``data/scenarios.toml``, so a student can replace each.
"""

from __future__ import annotations

from typing import Any

from .modelbase import declare, unit_cost

__all__ = ["EUROPE", "PARAMETERS", "europe"]


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


EUROPE = declare("europe", europe)
PARAMETERS = EUROPE.parameters
