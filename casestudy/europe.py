"""The Europe 2027 scenario: the price build-up of a Xiaomi car made in China and sold in
Germany, and its margin against the home market.

:func:`europe` builds the German price of one car from its parts (per car, in euros), seen from
the group: the home car's calibrated variable cost (:func:`casestudy.modelbase.unit_cost`)
converted at ``cny_per_eur``; transport to an EU port; the EU's normal import duty and the
countervailing duty, both on the customs value, which is the export (transfer) price Xiaomi's
Chinese company charges its importer (cost plus ``transfer_markup_pct``) plus transport;
homologation per car; the dealer's commission and Xiaomi's own selling costs in Germany (shares
of the net price); the net price (the home net price converted, plus ``eu_price_premium_pct``);
German VAT on it. So ``buyer price = variable cost + transport + duties + homologation + dealer
+ selling + contribution + VAT``. The transfer price's markup is profit booked inside the group:
it enters only through the duties it raises. Import VAT (German VAT on the customs value plus
duties) is paid at the border and deducted again as input tax by a VAT-registered importer, so
it is reported (``import_vat``) but is no cost. The break-evens are the premiums at which the
contribution is zero and at which the contribution margin equals the home gross margin.

Why: seed 004 says the car goes to Europe in 2027 and names Germany as the hardest market, but
gives no tariff, cost or price. The duty rates are reference figures (the EU's regulation);
transport, homologation, the transfer price and the German selling costs are assumptions
declared with their unit and origin in ``data/scenarios.toml``, so a student can replace each.
"""

from __future__ import annotations

from typing import Any

from .modelbase import declare, unit_cost

__all__ = ["EUROPE", "PARAMETERS", "europe"]


def europe(base_price: Any, base_margin: Any, cny_per_eur: Any, transfer_markup_pct: Any,
           transport: Any, homologation: Any, dealer_margin_pct: Any, selling_cost_pct: Any,
           import_duty_pct: Any, countervailing_duty_pct: Any, de_vat_rate: Any,
           eu_price_premium_pct: Any) -> dict[str, Any]:
    """The German price build-up and margin of one car made in China (arrays broadcast)."""
    cost = unit_cost(base_price, base_margin) / cny_per_eur
    export = cost * (1 + transfer_markup_pct / 100)
    customs_value = export + transport
    duty = customs_value * import_duty_pct / 100
    cvd = customs_value * countervailing_duty_pct / 100
    landed = cost + transport + duty + cvd + homologation
    parity = base_price / cny_per_eur
    net = parity * (1 + eu_price_premium_pct / 100)
    selling_share = (dealer_margin_pct + selling_cost_pct) / 100
    gp = net - landed
    contribution = gp - net * selling_share
    zero = 0 * net
    return {
        "unit_cost": cost, "export_price": export + zero, "customs_value": customs_value + zero,
        "transport_cost": transport + zero, "import_duty": duty + zero,
        "countervailing_duty": cvd + zero, "homologation_cost": homologation + zero,
        "landed_cost": landed + zero,
        "import_vat": (customs_value + duty + cvd) * de_vat_rate / 100 + zero,
        "net_price": net, "dealer_cost": net * dealer_margin_pct / 100,
        "selling_cost": net * selling_cost_pct / 100, "vat": net * de_vat_rate / 100,
        "buyer_price": net * (1 + de_vat_rate / 100), "gross_profit_per_car": gp,
        "gross_margin_pct": gp / net * 100, "contribution_per_car": contribution,
        "contribution_margin_pct": contribution / net * 100, "home_margin_pct": base_margin + zero,
        "margin_gap_pp": contribution / net * 100 - base_margin,
        "duties_share_of_price_pct": (duty + cvd) / net * 100,
        "break_even_premium_pct": (landed / (parity * (1 - selling_share)) - 1) * 100,
        "home_margin_premium_pct": (landed / (parity * (1 - selling_share - base_margin / 100))
                                    - 1) * 100,
    }


EUROPE = declare("europe", europe)
PARAMETERS = EUROPE.parameters
