"""The systems of MISSION.md, as the cockpit's navigation shows them.

``url_name`` is set for a system once it has a working page; the rest show an honest 建设中 page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class System:
    key: str
    name_zh: str
    name_en: str
    section: str  # where the report asks for it
    summary: str
    url_name: str | None = None


SYSTEMS: tuple[System, ...] = (
    System(
        "s1", "开放式经济大数据监测平台", "Data hub", "§四(六)", "指标目录、数据采集、校验、版本与审计", "indicators"
    ),
    System(
        "s2",
        "开放合作典范地建设指数",
        "Open-cooperation index",
        "摘要, §二, §三(四)",
        "综合指数、对标城市、不确定性与敏感性分析",
        "index",
    ),
    System("s3", "政策实施路线图", "Policy roadmap", "§四(七)七", "月度调度、季度评估、年度考核", "roadmap:tree"),
    System(
        "s4",
        "合作协议与项目台账",
        "Agreements ledger",
        "§二 问题二",
        "签约→注册→开工→投产→达产，实际到位资金",
        "projects:home",
    ),
    System(
        "s5", "开放合作型经济安全预警", "Early warning", "§四(七)六", "供应链受阻指数、红黄蓝三级预警", "warning:board"
    ),
    System(
        "s6",
        "风险压力测试与政策适配性评估",
        "Stress tests",
        "摘要, §三(四), §四(二)",
        "投入产出冲击情景、三个匹配",
        "stress:home",
    ),
    System("s7", "生态产品价值实现", "Ecological product value", "§四(四)", "GEP 核算、生态补偿、确权-评估-交易-补偿"),
    System("s8", "政策计算器", "Policy calculators", "§四(七)二–五", "飞地经济分成、人才个税返还、各类补贴"),
    System("s9", "智能调度（车货匹配）", "Logistics dispatch", "§四(七)二", "成渝西货源、运力、仓储撮合"),
    System("s10", "报告与开放接口", "Reports and API", "§四(六)", "月报季报、REST API、权限"),
)


def by_key(key: str) -> System | None:
    return next((s for s in SYSTEMS if s.key == key), None)
