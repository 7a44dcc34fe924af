"""What the demo workspace is generated from: the report's facts and plausible magnitudes.

``FACTS`` are Bazhong's real figures from the report (MISSION.md, "Facts from the report"); the demo
reproduces each exactly, as the 正式 (final) value for its year, with the report as its source.
Everything else is 示例数据: a level for Bazhong in 2024, an annual growth rate and a kind, from
which every region's 2015–2025 path is generated. The magnitudes are rough orders of size (so the
charts look like a real city), not statistics.
"""

from __future__ import annotations

REPORT = "《巴中加快建设开放合作典范地实施路径研究》(2025)"

# (indicator, region, period) -> value, typed from MISSION.md
FACTS: dict[tuple[str, str, str], float] = {
    ("GDP", "511900", "2024"): 870.51,
    ("TERTIARY_VA", "511900", "2024"): round(870.51 * 0.577, 2),  # 第三产业占比 57.7%
    ("TRADE_TOTAL", "511900", "2024"): 10.9,
    ("FDI_ACTUAL", "511900", "2024"): 700.0,
    ("CROSS_BORDER_AGREEMENTS", "511900", "2024"): 8.0,
    ("OUT_PROVINCE_FUNDS", "511900", "2024"): 172.0,
    ("RD_SPENDING", "511900", "2024"): 2.8,
    ("ECO_REDLINE_AREA", "511900", "2024"): round(12293 * 0.1651, 2),  # 16.51% of the land area
    ("AIRPORT_ROUTE_CITIES", "511900", "2025"): 18.0,  # 截至2025年3月底
    ("SISTER_CITY_COUNTRIES", "511900", "2024"): 6.0,
}

# kinds: "flow"/"stock" scale with the region's economic size and grow; "level" is a ratio, score or
# index that varies around Bazhong's level; "area" follows the land area; "share" is a part of
# another indicator (kept consistent: export ≤ trade, advancing ≤ signed …).
# code: (kind, Bazhong 2024, annual growth, extra) — extra is the parent code for shares.
PROFILES: dict[str, tuple[str, float, float, str | None]] = {
    "GDP": ("flow", 870.51, 0.058, None),
    "TERTIARY_VA": ("share", 0.577, 0.006, "GDP"),
    "PRIMARY_VA": ("share", 0.165, -0.006, "GDP"),
    "INDUSTRY_VA_ABOVE_SCALE": ("share", 0.18, -0.002, "GDP"),
    "RETAIL_SALES": ("share", 0.48, 0.0, "GDP"),
    "FISCAL_REVENUE": ("share", 0.064, 0.0, "GDP"),
    "POPULATION": ("stock", 265.0, -0.006, None),
    "LAND_AREA": ("area", 1.0, 0.0, None),
    "LOGISTICS_COST": ("share", 0.152, -0.002, "GDP"),
    "MIGRANT_WORKERS_OUT": ("stock", 95.0, -0.015, None),
    "TOURISM_SPECIAL_FUND": ("flow", 8000.0, 0.05, None),
    "TRADE_TOTAL": ("flow", 10.9, 0.09, None),
    "EXPORT_TOTAL": ("share", 0.74, 0.0, "TRADE_TOTAL"),
    "IMPORT_TOTAL": ("complement", 1.0, 0.0, "EXPORT_TOTAL"),  # = TRADE_TOTAL − EXPORT_TOTAL
    "US_EXPORT": ("share", 0.11, -0.004, "EXPORT_TOTAL"),
    "FDI_ACTUAL": ("flow", 700.0, 0.04, None),
    "NEW_FIE": ("stock", 6.0, 0.05, None),
    "CROSS_BORDER_AGREEMENTS": ("stock", 8.0, 0.10, None),
    "FOREIGN_TRADE_FIRMS": ("stock", 260.0, 0.08, None),
    "FIRMS_WITH_TRADE": ("share", 0.37, 0.0, "FOREIGN_TRADE_FIRMS"),
    "CBEC_ENTITIES": ("stock", 140.0, 0.15, None),
    "TRADE_PARTNERS": ("stock", 58.0, 0.04, None),
    "RCEP_GI_EXPORT": ("flow", 4200.0, 0.12, None),
    "RCEP_GI_PREF_EXPORT": ("share", 0.38, 0.03, "RCEP_GI_EXPORT"),
    "ORIGIN_CERTIFICATES": ("stock", 900.0, 0.08, None),
    "CUSTOMS_CLEARANCE_TIME": ("level", 30.0, -0.06, None),
    "BUSINESS_ENV_SCORE": ("level", 78.0, 0.012, None),
    "SISTER_CITIES": ("stock", 8.0, 0.03, None),
    "SISTER_CITY_COUNTRIES": ("stock", 6.0, 0.02, None),
    "RAIL_FREIGHT": ("flow", 180.0, 0.03, None),
    "ROAD_FREIGHT": ("flow", 5200.0, 0.04, None),
    "WATER_FREIGHT": ("flow", 60.0, 0.02, None),
    "FREIGHT_TURNOVER": ("flow", 95.0, 0.04, None),
    "MULTIMODAL_FREIGHT": ("flow", 35.0, 0.12, None),
    "AIR_CARGO": ("flow", 1800.0, 0.10, None),
    "AIRPORT_ROUTE_CITIES": ("stock", 16.0, 0.08, None),
    "CHINA_EUROPE_TRAINS": ("stock", 24.0, 0.12, None),
    "INTL_TRAIN_TEU": ("flow", 1200.0, 0.12, None),
    "INTL_LOGISTICS_ROUTES": ("stock", 5.0, 0.08, None),
    "EMPTY_RUN_RATIO": ("level", 38.0, -0.02, None),
    "CBEC_SALES": ("flow", 6.5, 0.18, None),
    "EXPRESS_PARCELS": ("flow", 4800.0, 0.12, None),
    "BASE_STATIONS_5G": ("stock", 4100.0, 0.0, None),  # grows from 2019, see generate.FIVE_G_START
    "OUT_PROVINCE_FUNDS": ("flow", 172.0, 0.07, None),
    "COOP_AGREEMENTS_SIGNED": ("stock", 46.0, 0.06, None),
    "COOP_AGREEMENTS_ADVANCING": ("share", 0.41, 0.01, "COOP_AGREEMENTS_SIGNED"),
    "PROJECTS_SIGNED": ("stock", 120.0, 0.05, None),
    "PROJECTS_STARTED": ("share", 0.62, 0.005, "PROJECTS_SIGNED"),
    "ENCLAVE_PARKS": ("stock", 4.0, 0.10, None),
    "TOURISM_REVENUE": ("flow", 420.0, 0.09, None),
    "TOURIST_ARRIVALS": ("flow", 4200.0, 0.07, None),
    "CROSS_PROV_TOURISM_BUSES": ("stock", 12.0, 0.10, None),
    "JOINT_BRAND_FUND": ("share", 0.2375, 0.01, "TOURISM_SPECIAL_FUND"),
    "RD_SPENDING": ("flow", 2.8, 0.11, None),
    "HIGH_TECH_FIRMS": ("stock", 110.0, 0.12, None),
    "TECH_CONTRACT_VALUE": ("flow", 9.5, 0.15, None),
    "TALENT_INFLOW": ("stock", 1200.0, 0.07, None),
    "RETURNEE_ENTREPRENEURS": ("stock", 5200.0, 0.05, None),
    "FOREIGN_BIZ_TRAINING": ("stock", 800.0, 0.08, None),
    "COMPUTE_UTILIZATION": ("level", 42.0, 0.10, None),
    "ECO_REDLINE_AREA": ("area", 0.1651, 0.0, None),
    "GEP": ("flow", 2450.0, 0.035, None),
    "FOREST_COVERAGE": ("level", 63.4, 0.004, None),
    "AIR_GOOD_DAYS_RATIO": ("level", 95.1, 0.002, None),
    "WATER_GOOD_SECTION_RATIO": ("level", 97.0, 0.002, None),
    "ECO_COMPENSATION": ("flow", 6500.0, 0.06, None),
    "CARBON_SINK_TRADED": ("flow", 42000.0, 0.2, None),
    "CLEAN_POWER_CAPACITY": ("flow", 180.0, 0.08, None),
    "CLEAN_POWER_GENERATION": ("flow", 45.0, 0.07, None),
    "ENERGY_INTENSITY_DECLINE": ("level", 2.8, 0.0, None),
    "EXPORT_MARKET_HHI": ("level", 2100.0, -0.01, None),
    "KEY_CHAIN_SINGLE_SOURCE": ("level", 34.0, -0.02, None),
    "CORRIDOR_DISRUPTION_DAYS": ("level", 6.0, 0.0, None),
    "FIRMS_RELOCATED_OUT": ("stock", 14.0, 0.0, None),
    "TALENT_OUTFLOW": ("stock", 1900.0, -0.01, None),
}
# Not generated, on purpose: REGIONAL_FUND (the 100亿元 fund does not exist yet) and
# SUPPLY_CHAIN_DISRUPTION_INDEX (computed by the early-warning system, S5, not typed in).

# Indicators that make sense below the city level (for 巴中's districts and counties).
COUNTY_LEVEL = {
    "GDP",
    "PRIMARY_VA",
    "TERTIARY_VA",
    "INDUSTRY_VA_ABOVE_SCALE",
    "RETAIL_SALES",
    "FISCAL_REVENUE",
    "POPULATION",
    "LAND_AREA",
    "TRADE_TOTAL",
    "EXPORT_TOTAL",
    "IMPORT_TOTAL",
    "RD_SPENDING",
    "TOURISM_REVENUE",
    "TOURIST_ARRIVALS",
    "FOREST_COVERAGE",
    "ECO_REDLINE_AREA",
    "GEP",
    "MIGRANT_WORKERS_OUT",
    "RETURNEE_ENTREPRENEURS",
    "HIGH_TECH_FIRMS",
    "BASE_STATIONS_5G",
    "AIR_GOOD_DAYS_RATIO",
}

# region: (GDP 2024 亿元, resident population 万人, land area km²) — rounded orders of size.
REGION_SIZE: dict[str, tuple[float, float, float]] = {
    "510100": (23511, 2147, 14335),
    "510300": (1700, 243, 4381),
    "510400": (1300, 122, 7401),
    "510500": (2700, 424, 12232),
    "510600": (3100, 345, 5911),
    "510700": (4300, 491, 20248),
    "510800": (1250, 226, 16311),
    "510900": (1700, 276, 5322),
    "511000": (1800, 310, 5385),
    "511100": (2300, 314, 12720),
    "511300": (2900, 547, 12477),
    "511400": (1750, 295, 7140),
    "511500": (4000, 462, 13283),
    "511600": (1500, 320, 6339),
    "511700": (2800, 533, 16582),
    "511800": (1000, 143, 15046),
    "511900": (870.51, 265, 12293),
    "512000": (1000, 224, 5748),
    "513200": (500, 82, 83016),
    "513300": (520, 110, 149599),
    "513400": (2200, 486, 60423),
    "610100": (13300, 1307, 10108),
    "610700": (2000, 317, 27246),
    "610900": (1300, 246, 23391),
    "500000": (32200, 3190, 82402),
    # 巴中's districts and counties (sum to the city)
    "511902": (0.30 * 870.51, 72, 1410),
    "511903": (0.11 * 870.51, 38, 1150),
    "511921": (0.20 * 870.51, 53, 4116),
    "511922": (0.19 * 870.51, 45, 3383),
    "511923": (0.20 * 870.51, 57, 2234),
}
