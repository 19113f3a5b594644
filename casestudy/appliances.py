"""Option B's model: what winning the offline air-conditioner channel would cost and give.

:func:`appliances` computes a year at scale of Xiaomi's air conditioners sold through offline
dealers, from named parts that notebook 05 walks through and ``casestudy sweep --model
appliances`` evaluates: the volume a share of the offline market means (:func:`volume`); the
price Xiaomi nets after the dealer's share and the cost per unit calibrated once from the margin
it earns selling at the retail price itself (:func:`net_price`, :func:`unit_cost`); the stores
the volume needs and their cost (:func:`stores`); operating profit, the one-off investment and
its payback; and three break-evens (units, share, dealer margin).

Why: seed 004 says Xiaomi is strong online (16.71% of air conditioners in July 2025) and weak
offline, where Midea and Gree each hold about 30%, and that Lu Weibing wants a top-three place in
large appliances within three years. The model makes "what would the offline push take" a
question with numbers, every input a declared :class:`~casestudy.modelbase.Parameter` in
``data/scenarios.toml`` (its own inputs only, not the car's shared base). Inputs may be scalars
or numpy arrays that broadcast; :func:`casestudy.scenarios.evaluate` validates them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .modelbase import declare

__all__ = ["APPLIANCES", "PARAMETERS", "appliances", "net_price", "stores", "unit_cost", "volume"]


def volume(market_units: Any, offline_share_of_market_pct: Any, offline_share_pct: Any) -> Any:
    """Units Xiaomi sells offline: market x offline part of it x Xiaomi's share of that part."""
    return market_units * offline_share_of_market_pct / 100 * offline_share_pct / 100


def unit_cost(retail_price: Any, gross_margin_pct: Any) -> Any:
    """Cost per unit, calibrated once: the retail price less the margin Xiaomi earns selling
    at that price itself (online)."""
    return retail_price * (1 - gross_margin_pct / 100)


def net_price(retail_price: Any, dealer_margin_pct: Any) -> Any:
    """What Xiaomi receives per unit sold offline: the retail price less the dealer's share."""
    return retail_price * (1 - dealer_margin_pct / 100)


def stores(units: Any, units_per_store: Any) -> Any:
    """Offline stores the volume needs at a store's yearly sales."""
    return units / units_per_store


def appliances(market_units: Any, offline_share_of_market_pct: Any, offline_share_pct: Any,
               retail_price: Any, gross_margin_pct: Any, dealer_margin_pct: Any,
               units_per_store: Any, store_cost: Any, store_setup_cost: Any, fixed_costs: Any,
               capacity_units: Any) -> dict[str, Any]:
    """A year at scale of the offline air-conditioner channel (arrays broadcast); see the
    module docstring. Break-evens and payback are NaN where none exists (a unit that does not
    cover its own store cost, an operating loss, or no volume at all)."""
    offline = market_units * offline_share_of_market_pct / 100
    units = volume(market_units, offline_share_of_market_pct, offline_share_pct)
    cost = unit_cost(retail_price, gross_margin_pct)
    price = net_price(retail_price, dealer_margin_pct)
    gp_unit = price - cost
    n_stores = stores(units, units_per_store)
    store_costs = n_stores * store_cost
    contribution = gp_unit - store_cost / units_per_store
    operating = units * contribution - fixed_costs
    investment = n_stores * store_setup_cost
    with np.errstate(divide="ignore", invalid="ignore"):
        be_units = np.where(contribution > 0, fixed_costs / np.where(contribution > 0,
                                                                      contribution, 1), np.nan)
        payback = np.where(operating > 0, investment / np.where(operating > 0, operating, 1),
                           np.nan)
        be_dealer = np.where(units > 0, gross_margin_pct - 100 * (
            fixed_costs / units + store_cost / units_per_store) / retail_price, np.nan)
        revenue = units * price
        return {
            "offline_market_units": offline, "volume": units, "net_price": price,
            "unit_cost": cost, "gross_profit_per_unit": gp_unit,
            "offline_gross_margin_pct": gp_unit / price * 100, "stores": n_stores,
            "store_costs": store_costs, "contribution_per_unit": contribution,
            "revenue": revenue, "gross_profit": units * gp_unit, "operating_profit": operating,
            "operating_margin_pct": operating / revenue * 100, "investment": investment,
            "payback_years": payback, "break_even_units": be_units,
            "break_even_share_pct": be_units / offline * 100,
            "break_even_dealer_margin_pct": be_dealer,
            "capacity_use_pct": units / capacity_units * 100,
        }


APPLIANCES = declare("appliances", appliances, ("appliances",))
PARAMETERS = APPLIANCES.parameters
