"""The demo ledger (示例数据): agreements and projects 2019–2025, generated deterministically — numpy only.

:func:`generate` draws, from one seed, a ledger the 市投资促进局 could recognise, consistent with the
report's 2024 facts (《巴中加快建设开放合作典范地实施路径研究》, §二):

* **8 cross-border agreements** (跨境经贸和战略合作协议) signed in 2024 — with 越南, 新加坡, 泰国, 韩国, 德国 …;
* **172亿元+ funds in place from outside the province** in 2024 (省外引进产业项目实际到位资金): planned
  investment and funds are scaled together so that the 2024 省外到位资金 is exactly
  :data:`OUT_OF_PROVINCE_2024` (172.56 亿元), amounts kept in whole 万元.

Everything else is invented and labelled: every agreement and project has ``is_sample=True``, names carry
（示例）, the ledger's ``label`` is 示例数据. Partners are real places (成都, 重庆, 西安, 广东/浙江/江苏 and
their cities, the neighbouring 达州, 南充, 汉中 …). Projects advance stage by stage with falling probabilities
(most sign, fewer register, fewer start …), some skip 注册 in the ledger, some are terminated with a
reason, some stall, and a few carry corrections: a 开工 that is later retracted, a date re-entered.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

import numpy as np

from kaifang.projects.records import (
    SAMPLE_LABEL,
    Agreement,
    FundsInPlace,
    Ledger,
    Milestone,
    Project,
    Stage,
    Status,
)
from kaifang.projects.regions import is_out_of_province, partner_kind, partner_matcher

__all__ = ["AS_OF", "CROSS_BORDER", "OUT_OF_PROVINCE_2024", "SEED", "YEARS", "generate", "load_example"]

SEED = 2024
YEARS = tuple(range(2019, 2026))
AS_OF = date(2025, 12, 31)
OUT_OF_PROVINCE_2024 = Decimal("172.56")  # 亿元; the report: "172亿元以上"
AGREEMENTS = {2019: 16, 2020: 12, 2021: 18, 2022: 20, 2023: 24, 2024: 30, 2025: 26}
CROSS_BORDER = {2019: 2, 2020: 1, 2021: 2, 2022: 3, 2023: 5, 2024: 8, 2025: 5}
STANDALONE = {2017: 28, 2018: 30, 2019: 30, 2020: 24, 2021: 32, 2022: 36, 2023: 40, 2024: 44, 2025: 38}
FIRST_MONTH = "2019-01"  # the ledger's records start here; 2017–2018 projects are carried over (结转项目)
DOMESTIC = {  # partner region → weight
    "500000": 8, "510100": 8, "610100": 5, "440000": 4, "440300": 5, "440100": 3, "330000": 3, "330100": 3,
    "330200": 2, "320000": 3, "320500": 3, "310000": 3, "110000": 2, "350200": 1, "420100": 1, "510700": 2,
    "511300": 2, "511700": 2, "610700": 1, "610900": 1,
}  # fmt: skip
CROSS_BORDER_KINDS = {"经贸合作协议": 8, "友好城市": 3, "战略合作框架协议": 5, "投资协议": 4}
DOMESTIC_KINDS = {"战略合作框架协议": 8, "投资协议": 9, "经贸合作协议": 2, "合作备忘录": 1}
COUNTRIES = ("VNM", "SGP", "THA", "KOR", "DEU", "MYS", "LAO", "JPN", "ITA", "AUS")
CITIES_OF = {"440000": ("440300", "440100", "441900"), "330000": ("330100", "330200"), "320000": ("320500", "320200")}
SECTORS = {  # sector → (weight, department)
    "农产品精深加工": (5, "economy_it"), "食品饮料": (4, "economy_it"), "生物医药": (3, "economy_it"),
    "新能源新材料": (4, "economy_it"), "电子信息": (3, "investment"), "装备制造": (3, "investment"),
    "文化旅游": (4, "culture_tourism"), "康养": (2, "culture_tourism"), "现代物流": (3, "transport"),
    "商贸服务": (2, "commerce"),
}  # fmt: skip
STAGE_ODDS = {  # stage → (probability of reaching it from the one before, min days, max days after it)
    Stage.REGISTERED: (0.80, 20, 150),
    Stage.STARTED: (0.72, 30, 300),
    Stage.PRODUCING: (0.66, 240, 720),
    Stage.FULL: (0.70, 180, 540),
}
REASONS = ("投资方资金链断裂", "项目用地未落实", "市场环境变化，投资方撤回", "环评未通过", "投资方战略调整")
STALLED_REASONS = ("要素保障不到位", "投资方融资困难", "规划调整待审批", "设备采购延迟")
PLACES = {"VNM": "河内", "SGP": "新加坡", "THA": "曼谷", "KOR": "首尔", "DEU": "杜塞尔多夫", "JPN": "东京"}


def _pick(rng: np.random.Generator, weights: dict[str, int]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _day(rng: np.random.Generator, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=int(rng.integers(0, 365)))


def _stamp(on: date, lag: int) -> datetime:
    """When a milestone dated ``on`` was entered: ``lag`` days later, never after the ledger's date."""
    return datetime.combine(min(on + timedelta(days=lag), AS_OF), time(9, 0))


def _name(region: str) -> str:
    return partner_matcher().get(region).name_zh


def _agreements(rng: np.random.Generator) -> list[Agreement]:
    out = []
    for year in YEARS:
        n_cross = CROSS_BORDER[year]
        for i in range(AGREEMENTS[year]):
            cross = i < n_cross
            region = str(rng.choice(COUNTRIES)) if cross else _pick(rng, DOMESTIC)
            kinds = CROSS_BORDER_KINDS if cross else DOMESTIC_KINDS
            kind = _pick(rng, kinds)
            sector = _pick(rng, {s: w for s, (w, _) in SECTORS.items()})
            partner = _name(region)
            department = {"友好城市": "foreign_affairs", "战略合作框架协议": "drc", "投资协议": "investment"}.get(
                kind, "commerce"
            )
            amount = None if kind in ("友好城市", "合作备忘录") else Decimal(int(rng.integers(5, 120)))
            out.append(
                Agreement(
                    id=f"XY{year}-{i + 1:03d}",
                    title=f"巴中市与{partner}{sector}{kind}（示例）",
                    parties=("巴中市人民政府", f"{partner}合作方（示例）"),
                    partner_region=region,
                    partner_kind=partner_kind(region),
                    kind=kind,
                    sector=sector,
                    signed_on=_day(rng, year),
                    place=PLACES.get(region, "巴中") if cross and rng.random() < 0.5 else "巴中",
                    intended_amount=amount,
                    department=department,
                    documents=(f"XY{year}-{i + 1:03d} 协议文本（示例）.pdf",),
                    is_sample=True,
                )
            )
    return out


def _progress(rng: np.random.Generator, signed: date) -> dict[Stage, date]:
    """The stages a project really reached and when (only what happened by AS_OF)."""
    dates = {Stage.SIGNED: signed}
    current = signed
    for stage, (p, lo, hi) in STAGE_ODDS.items():
        if rng.random() > p:
            break
        current = current + timedelta(days=int(rng.integers(lo, hi)))
        if current > AS_OF:
            break
        dates[stage] = current
    return dates


def _project(rng: np.random.Generator, pid: str, signed: date, region: str, sector: str, agreement: str | None) -> dict:
    """A project's fields, milestone records, status and raw (unscaled) monthly funds by source."""
    if region in CITIES_OF and rng.random() < 0.5:
        region = str(rng.choice(CITIES_OF[region]))
    dates = _progress(rng, signed)
    milestones: list[Milestone] = []
    retracted = Stage.STARTED not in dates and Stage.REGISTERED in dates and rng.random() < 0.08
    for stage, on in dates.items():
        if stage is Stage.SIGNED or (stage is Stage.REGISTERED and Stage.STARTED in dates and rng.random() < 0.1):
            continue  # the ledger skips 注册 for some projects that started
        lag = int(rng.integers(1, 20))
        if rng.random() < 0.04:  # first entered with a wrong date, corrected a month later
            wrong = on + timedelta(days=int(rng.integers(-25, -5)))
            milestones.append(Milestone(stage, wrong, _stamp(on, lag), "初报（示例）"))
            lag += 30
        milestones.append(Milestone(stage, on, _stamp(on, lag), f"{stage.label_zh}证明材料（示例）"))
    if retracted:  # a groundbreaking ceremony reported as 开工, retracted after verification
        fake = dates[Stage.REGISTERED] + timedelta(days=int(rng.integers(30, 120)))
        if fake + timedelta(days=60) <= AS_OF:
            milestones.append(Milestone(Stage.STARTED, fake, _stamp(fake, 5), "开工仪式报道（示例）"))
            milestones.append(
                Milestone(Stage.STARTED, None, _stamp(fake, 60), retracted=True, note="核查：仅举行仪式，未实质开工")
            )
    last = max(dates.values())
    status, reason, status_on = Status.ADVANCING, "", None
    if Stage.FULL not in dates and last + timedelta(days=300) < AS_OF:
        if rng.random() < (0.55 if last + timedelta(days=730) < AS_OF else 0.25):  # old stuck projects get closed
            status, reason = Status.TERMINATED, str(rng.choice(REASONS))
            status_on = min(last + timedelta(days=int(rng.integers(180, 540))), AS_OF)
        elif rng.random() < 0.5:
            status, reason = Status.STALLED, str(rng.choice(STALLED_REASONS))
    planned = float(np.clip(rng.lognormal(np.log(3.0), 0.9), 0.2, 60.0))
    funds: dict[tuple[str, str], float] = {}
    start = dates.get(Stage.REGISTERED, dates.get(Stage.STARTED))
    if start is not None and Stage.STARTED in dates:
        # spread over the whole funding period, to a year after 投产 (expected ~30 months after the start
        # when not yet producing), then keep the months the ledger covers and the project was alive
        end = dates.get(Stage.PRODUCING, start + timedelta(days=900)) + timedelta(days=365)
        months = _months(start, min(end, status_on) if status_on else end)
        share = rng.uniform(0.35, 0.9)
        weights = rng.gamma(2.0, 1.0, len(months))
        co = "510100" if region != "510100" and rng.random() < 0.15 else None
        for month, w in zip(months, weights / weights.sum(), strict=True):
            if not FIRST_MONTH <= month <= f"{AS_OF:%Y-%m}":
                continue
            amount = planned * share * w
            if co is not None:
                funds[(month, co)] = amount * 0.2
                amount *= 0.8
            funds[(month, region)] = amount
    dept = SECTORS[sector][1] if rng.random() < 0.6 else "investment"
    return {
        "id": pid,
        "name": f"{_name(region)[:2]}{sector}项目{pid[-3:]}（示例）",
        "investor": f"{_name(region)}{sector}投资有限公司（示例）",
        "origin_region": region,
        "sector": sector,
        "planned": planned,
        "department": dept,
        "signed_on": signed,
        "agreement_id": agreement,
        "milestones": tuple(milestones),
        "status": status,
        "status_reason": reason,
        "status_on": status_on,
        "funds": funds,
        "entered": {m: _stamp(date(int(m[:4]), int(m[5:]), 28), 10) for m, _ in funds},
    }


def _months(start: date, end: date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _raw_projects(rng: np.random.Generator, agreements: list[Agreement]) -> list[dict]:
    raw: list[dict] = []
    counter = dict.fromkeys(STANDALONE, 0)

    def add(signed: date, region: str, sector: str, agreement: str | None) -> None:
        if signed > AS_OF:
            return
        counter[signed.year] = counter.get(signed.year, 0) + 1
        pid = f"XM{signed.year}-{counter[signed.year]:03d}"
        raw.append(_project(rng, pid, signed, region, sector, agreement))

    for a in agreements:
        n = {"投资协议": 1, "战略合作框架协议": int(rng.choice([0, 1, 1, 2, 3]))}.get(a.kind, int(rng.random() < 0.3))
        for _ in range(n):
            delay = int(rng.integers(0, 60)) if a.kind == "投资协议" else int(rng.integers(30, 540))
            add(a.signed_on + timedelta(days=delay), a.partner_region, a.sector, a.id)
    for year, n in STANDALONE.items():
        for _ in range(n):
            add(_day(rng, year), _pick(rng, DOMESTIC), _pick(rng, {s: w for s, (w, _) in SECTORS.items()}), None)
    return raw


def _to_wan(x: float) -> Decimal:
    return Decimal(round(x * 10000))  # 亿元 → whole 万元


def generate(seed: int = SEED) -> Ledger:
    """The demo ledger (see the module docstring); the same seed gives the same ledger."""
    rng = np.random.default_rng(seed)
    agreements = _agreements(rng)
    raw = _raw_projects(rng, agreements)
    out_2024 = sum(v for p in raw for (m, r), v in p["funds"].items() if m[:4] == "2024" and is_out_of_province(r))
    scale = float(OUT_OF_PROVINCE_2024) / out_2024  # planned and funds scaled together: their ratio holds
    wan = {(i, key): _to_wan(v * scale) for i, p in enumerate(raw) for key, v in p["funds"].items()}
    keys_2024 = [k for k in wan if k[1][0][:4] == "2024" and is_out_of_province(k[1][1])]
    gap = OUT_OF_PROVINCE_2024 * 10000 - sum(wan[k] for k in keys_2024)  # rounding residue, a few 万元
    largest = max(keys_2024, key=lambda k: wan[k])
    wan[largest] += gap
    projects = []
    for i, p in enumerate(raw):
        funds = tuple(
            FundsInPlace(month, region, wan[(i, (month, region))], "万元", p["entered"][month], "财务凭证（示例）")
            for month, region in sorted(p["funds"])
        )
        projects.append(
            Project(
                id=p["id"],
                name=p["name"],
                investor=p["investor"],
                origin_region=p["origin_region"],
                sector=p["sector"],
                planned_investment=Decimal(str(round(p["planned"] * scale, 2))),
                department=p["department"],
                signed_on=p["signed_on"],
                agreement_id=p["agreement_id"],
                milestones=p["milestones"],
                funds=funds,
                status=p["status"],
                status_reason=p["status_reason"],
                status_on=p["status_on"],
                is_sample=True,
            )
        )
    return Ledger(tuple(agreements), tuple(sorted(projects, key=lambda p: p.id)), as_of=AS_OF, label=SAMPLE_LABEL)


@lru_cache(maxsize=1)
def load_example() -> Ledger:
    """The demo ledger of the default seed, built once (like pymrio's ``load_test()``)."""
    return generate(SEED)
