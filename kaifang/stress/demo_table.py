"""A synthetic 42-sector national input-output table, and Bazhong regionalised from it — demo data only.

**Not official data.** The sector codes and names are those of the NBS 42-sector classification (国家统计局投入产出表
42 部门); every number is generated here, deterministically, with a plausible structure:

* domestic coefficients A: each sector buys from itself, from a few suppliers typical of its group (food from
  agriculture, construction from cement, metals and metal products, equipment from metals, machinery and
  electronics …) and from the services everyone uses (power, trade, transport, finance, business services), plus
  a few random small entries; column sums 0.40–0.55 for services, 0.55–0.80 for goods;
* imported inputs 5–15 % of output, bought in the pattern of the domestic inputs with extra weight on crude oil,
  metal ores, chemicals and electronics;
* final demand y ≥ 0 by sector, x = L y scaled to a total output of 2.6e10 万元 (the order of China's 2020 table),
  split into TC 最终消费, FU201 固定资本形成, FU202 存货变动 and EX 出口 by sector group;
* value added the column residual, split 55/12/15/rest into VA001–VA004; every flow rounded to whole 万元 and the
  table balanced exactly (VA004 takes the rounding).

``demo_bazhong_table()`` regionalises it to Bazhong (FLQ, δ = 0.3 by default) from Bazhong's 2020 value added by the
three industries, 161.81 / 214.94 / 390.24 亿元 (the report's figures), spread over the sectors of each industry in
national proportions (:func:`kaifang.stress.sizes.output_from_three_industries`). Pure: no Django.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np
import pandas as pd

from kaifang.stress.iomath import calc_L
from kaifang.stress.regionalise import DEFAULT_DELTA, Method, Regionalisation, regional_table
from kaifang.stress.sizes import output_from_three_industries
from kaifang.stress.tables import VA_CODES, IOTable

DEMO_SOURCE = "示例数据（合成表，非国家统计局发布值）"
DEMO_TOTAL_OUTPUT = 2.6e10  # 万元
SEED = 42_2020
#: Bazhong 2020 value added by the three industries, 万元 (161.81 / 214.94 / 390.24 亿元)
BAZHONG_2020_VA = {"primary": 1_618_100.0, "secondary": 2_149_400.0, "tertiary": 3_902_400.0}

NBS42: tuple[tuple[str, str, str], ...] = (
    ("01", "农林牧渔产品和服务", "Agriculture, forestry, animal husbandry and fishery"),
    ("02", "煤炭采选产品", "Mining and washing of coal"),
    ("03", "石油和天然气开采产品", "Exploitation of petroleum and natural gas"),
    ("04", "金属矿采选产品", "Mining and processing of metal ores"),
    ("05", "非金属矿和其他矿采选产品", "Mining and processing of nonmetal and other ores"),
    ("06", "食品和烟草", "Manufacture of foods and tobacco"),
    ("07", "纺织品", "Manufacture of textiles"),
    (
        "08",
        "纺织服装鞋帽皮革羽绒及其制品",
        "Manufacture of wearing apparel, leather, fur, feather and related products",
    ),
    ("09", "木材加工品和家具", "Processing of timber and furniture"),
    ("10", "造纸印刷和文教体育用品", "Manufacture of paper, printing, and articles for culture, education, sports"),
    ("11", "石油、炼焦产品和核燃料加工品", "Processing of petroleum, coking, and nuclear fuel"),
    ("12", "化学产品", "Manufacture of chemical products"),
    ("13", "非金属矿物制品", "Manufacture of non-metallic mineral products"),
    ("14", "金属冶炼和压延加工品", "Smelting and processing of metals"),
    ("15", "金属制品", "Manufacture of metal products"),
    ("16", "通用设备", "Manufacture of general purpose machinery"),
    ("17", "专用设备", "Manufacture of special purpose machinery"),
    ("18", "交通运输设备", "Manufacture of transport equipment"),
    ("19", "电气机械和器材", "Manufacture of electrical machinery and equipment"),
    (
        "20",
        "通信设备、计算机和其他电子设备",
        "Manufacture of communication equipment, computers and other electronic equipment",
    ),
    ("21", "仪器仪表", "Manufacture of instruments and meters"),
    ("22", "其他制造产品和废品废料", "Other manufacturing and waste resources"),
    ("23", "金属制品、机械和设备修理服务", "Repair of metal products, machinery and equipment"),
    ("24", "电力、热力的生产和供应", "Production and supply of electric power and heat power"),
    ("25", "燃气生产和供应", "Production and supply of gas"),
    ("26", "水的生产和供应", "Production and supply of water"),
    ("27", "建筑", "Construction"),
    ("28", "批发和零售", "Wholesale and retail trades"),
    ("29", "交通运输、仓储和邮政", "Transport, storage, and postal services"),
    ("30", "住宿和餐饮", "Accommodation and catering"),
    ("31", "信息传输、软件和信息技术服务", "Information transmission, software and information technology services"),
    ("32", "金融", "Finance"),
    ("33", "房地产", "Real estate"),
    ("34", "租赁和商务服务", "Leasing and commercial services"),
    ("35", "研究和试验发展", "Research and experimental development"),
    ("36", "综合技术服务", "Technical services"),
    ("37", "水利、环境和公共设施管理", "Management of water conservancy, environment and public facilities"),
    ("38", "居民服务、修理和其他服务", "Resident, repair and other services"),
    ("39", "教育", "Education"),
    ("40", "卫生和社会工作", "Health care and social work"),
    ("41", "文化、体育和娱乐", "Culture, sports, and entertainment"),
    ("42", "公共管理、社会保障和社会组织", "Public administration, social security, and social organizations"),
)
CODES = tuple(c for c, _, _ in NBS42)

# typical suppliers by buyer (beyond itself and the common services)
_SUPPLIERS: dict[str, tuple[str, ...]] = {
    "01": ("12", "06", "11"),
    "02": ("14", "16", "11"),
    "03": ("11", "16", "27"),
    "04": ("11", "12", "16"),
    "05": ("11", "12", "13"),
    "06": ("01", "10", "12"),
    "07": ("01", "12", "07"),
    "08": ("07", "12", "22"),
    "09": ("01", "12", "15"),
    "10": ("09", "12", "01"),
    "11": ("03", "02", "12"),
    "12": ("11", "03", "05"),
    "13": ("05", "02", "11"),
    "14": ("04", "02", "11"),
    "15": ("14", "13", "12"),
    "16": ("14", "15", "19"),
    "17": ("14", "15", "16"),
    "18": ("14", "15", "16", "19", "20"),
    "19": ("14", "15", "12", "20"),
    "20": ("14", "12", "19", "21"),
    "21": ("20", "14", "15"),
    "22": ("14", "12", "09"),
    "23": ("15", "16", "19"),
    "24": ("02", "11", "19"),
    "25": ("03", "11", "15"),
    "26": ("12", "15", "27"),
    "27": ("13", "14", "15", "05"),
    "28": ("33", "31", "10"),
    "29": ("11", "18", "23"),
    "30": ("06", "01", "25"),
    "31": ("20", "33", "35"),
    "32": ("31", "33", "10"),
    "33": ("27", "32", "37"),
    "34": ("31", "33", "10"),
    "35": ("20", "21", "12"),
    "36": ("31", "21", "27"),
    "37": ("27", "26", "15"),
    "38": ("06", "12", "33"),
    "39": ("10", "33", "31"),
    "40": ("12", "21", "06"),
    "41": ("10", "31", "33"),
    "42": ("10", "31", "33"),
}
_COMMON = ("24", "28", "29", "32", "34")
_IMPORT_HEAVY = ("03", "04", "12", "20")
# final demand weight and its split into TC, FU201, FU202, EX by sector
_FINAL = {
    "27": (9.0, (0.03, 0.97, 0.0, 0.0)),
    "33": (4.0, (0.75, 0.25, 0.0, 0.0)),
    "20": (2.5, (0.2, 0.2, 0.02, 0.58)),
    "18": (1.6, (0.3, 0.55, 0.02, 0.13)),
    "16": (1.0, (0.05, 0.6, 0.03, 0.32)),
    "17": (1.0, (0.05, 0.7, 0.03, 0.22)),
    "19": (1.2, (0.25, 0.35, 0.02, 0.38)),
    "08": (0.9, (0.55, 0.0, 0.02, 0.43)),
    "07": (0.3, (0.4, 0.0, 0.03, 0.57)),
    "06": (2.0, (0.9, 0.0, 0.02, 0.08)),
    "01": (1.3, (0.85, 0.06, 0.04, 0.05)),
    "42": (2.0, (1.0, 0.0, 0.0, 0.0)),
    "39": (1.5, (1.0, 0.0, 0.0, 0.0)),
    "40": (1.6, (1.0, 0.0, 0.0, 0.0)),
    "28": (1.5, (0.7, 0.08, 0.0, 0.22)),
    "29": (0.8, (0.55, 0.02, 0.0, 0.43)),
    "30": (1.0, (0.93, 0.0, 0.0, 0.07)),
    "31": (1.0, (0.45, 0.35, 0.0, 0.2)),
    "32": (1.0, (0.95, 0.0, 0.0, 0.05)),
    "35": (0.4, (0.2, 0.8, 0.0, 0.0)),
    "36": (0.5, (0.3, 0.6, 0.0, 0.1)),
}
_GOODS_SPLIT = (0.35, 0.3, 0.03, 0.32)
_SERVICE_SPLIT = (0.9, 0.02, 0.0, 0.08)


def _is_goods(code: str) -> bool:
    return code <= "23"


@lru_cache(maxsize=1)
def demo_national_table() -> IOTable:
    """The synthetic 42-sector national table (万元), balanced exactly; deterministic (same numbers every call)."""
    rng = np.random.default_rng(SEED)
    n = len(CODES)
    pos = {c: i for i, c in enumerate(CODES)}
    w = np.zeros((n, n))
    for j, buyer in enumerate(CODES):
        w[j, j] = rng.uniform(0.5, 1.5)
        for k, supplier in enumerate(_SUPPLIERS[buyer]):
            w[pos[supplier], j] += rng.uniform(1.0, 2.5) / (1 + 0.3 * k)
        for supplier in _COMMON:
            w[pos[supplier], j] += rng.uniform(0.15, 0.5)
        extra = rng.random(n) < 0.12
        w[extra, j] += rng.uniform(0.02, 0.2, extra.sum())
    target = np.array([rng.uniform(0.55, 0.8) if _is_goods(c) else rng.uniform(0.4, 0.55) for c in CODES])
    a = w / w.sum(axis=0) * target
    m_share = rng.uniform(0.05, 0.15, n)
    heavy = np.zeros(n)
    heavy[[pos[c] for c in _IMPORT_HEAVY]] = 0.6
    mw = w / w.sum(axis=0) + heavy[:, None]
    a_imp = mw / mw.sum(axis=0) * m_share
    weight = np.array([_FINAL.get(c, (0.6 if _is_goods(c) else 0.7, ()))[0] for c in CODES])
    y = weight * rng.uniform(0.8, 1.2, n)
    x = calc_L(a) @ y
    scale = DEMO_TOTAL_OUTPUT / x.sum()
    x, y = x * scale, y * scale
    split = np.array(
        [_FINAL[c][1] if c in _FINAL else (_GOODS_SPLIT if _is_goods(c) else _SERVICE_SPLIT) for c in CODES]
    )
    z = np.round(a * x[None, :])
    y_cat = np.round(split * (x - z.sum(axis=1))[:, None])
    x_int = z.sum(axis=1) + y_cat.sum(axis=1)
    z_imp = np.round(a_imp * x_int[None, :])
    va_total = x_int - z.sum(axis=0) - z_imp.sum(axis=0)
    va = np.vstack([np.round(va_total * s) for s in (0.55, 0.12, 0.15)])
    va = np.vstack([va, va_total - va.sum(axis=0)])
    return IOTable.from_arrays(
        z,
        y_cat,
        va,
        CODES,
        Z_imports=z_imp,
        fd_codes=("TC", "FU201", "FU202", "EX"),
        va_codes=VA_CODES,
        names_zh=tuple(zh for _, zh, _ in NBS42),
        names_en=tuple(en for _, _, en in NBS42),
        source=DEMO_SOURCE,
    )


def bazhong_output(national: IOTable, va: dict[str, float] | None = None) -> np.ndarray:
    """Bazhong's output by sector: its 2020 value added by the three industries (万元) spread in national shares."""
    v = va or BAZHONG_2020_VA
    return output_from_three_industries(national, v["primary"], v["secondary"], v["tertiary"])


def demo_bazhong_table(
    region_output: pd.Series | None = None, method: Method = "flq", delta: float = DEFAULT_DELTA
) -> tuple[IOTable, Regionalisation]:
    """The demo national table regionalised to Bazhong; ``region_output`` by sector code (万元) or Bazhong's 2020 VA."""
    nat = demo_national_table()
    if region_output is None:
        x_r = bazhong_output(nat)
    else:
        missing = sorted(set(nat.codes) - set(region_output.index.astype(str)))
        if missing:
            raise ValueError(f"地区产出缺少部门 {'、'.join(missing)} (region output lacks sectors {missing})")
        x_r = region_output.reindex(list(nat.codes)).to_numpy(dtype=float)
    table, reg = regional_table(nat, x_r, method, delta)
    label = f"{DEMO_SOURCE}：巴中（{method.upper()}" + (f"，δ = {reg.delta}）" if reg.delta is not None else "）")
    return replace(table, source=label, layout="regional (location quotients)"), reg
