"""示例数据: Bazhong's key industries, their warning rules and response plans (facts of the demo, no logic).

Rules: ``(industry or None for 全市, indicator, region or None for the home city, method, params, direction,
N, industry_level)``. Plans: ``industry → [(level, kind, title, description, [(task, department, owner,
days, KPI)])]``. The thresholds are illustrative choices for the demo, not official ones.
"""

from __future__ import annotations

INDUSTRIES = [  # code, 中文, English, parent, lead department
    ("food", "食品饮料", "Food and beverages", None, "economy_it"),
    ("biomed", "生物医药", "Biomedicine", None, "economy_it"),
    ("machinery", "机械制造", "Machinery", None, "economy_it"),
    ("new_energy", "新能源新材料", "New energy and new materials", None, "drc"),
    ("agri", "特色农产品", "Speciality farm products", None, "commerce"),
    ("tremella", "银耳（通江银耳）", "Tongjiang tremella", "agri", "commerce"),
    ("qingyu_pig", "青峪猪", "Qingyu pig", "agri", "commerce"),
]

SCDI = "SUPPLY_CHAIN_DISRUPTION_INDEX"
FIXED = "fixed"
RULES = [
    (None, SCDI, None, "calibrated", {"horizon": 6, "mode": "episode", "thetas": [0.7, 0.3, 0.1]}, "higher", 2, False),
    (None, "GSCPI", "WLD", "sigma", {"k": [1.0, 1.5, 2.0], "window": None}, "higher", 1, False),
    (None, "GRADUATE_SIPHON_SHARE", None, FIXED, {"blue": 35, "yellow": 40, "red": 45}, "higher", 1, False),
    ("food", SCDI, None, FIXED, {"blue": 0.8, "yellow": 1.3, "red": 1.8}, "higher", 2, True),
    ("food", "SURVEY_DELIVERY_TIMES", None, FIXED, {"blue": 53, "yellow": 55, "red": 58}, "higher", 1, False),
    ("food", "EXPORT_MARKET_TOP3_SHARE", None, FIXED, {"blue": 62, "yellow": 66, "red": 70}, "higher", 1, False),
    ("biomed", SCDI, None, FIXED, {"blue": 0.4, "yellow": 0.7, "red": 1.0}, "higher", 2, True),
    ("biomed", "KEY_CHAIN_SINGLE_SOURCE", None, FIXED, {"blue": 25, "yellow": 35, "red": 45}, "higher", 1, False),
    ("biomed", "SURVEY_ORDER_BACKLOG", None, FIXED, {"blue": 51.5, "yellow": 53, "red": 56}, "higher", 1, False),
    ("machinery", SCDI, None, FIXED, {"blue": 0.6, "yellow": 1.0, "red": 1.6}, "higher", 2, True),
    (
        "machinery",
        "LOGISTICS_PRICE_INDEX",
        None,
        "percentile",
        {"percentiles": [80, 90, 95], "window": 60},
        "higher",
        2,
        False,
    ),
    ("new_energy", SCDI, None, FIXED, {"blue": 1.0, "yellow": 1.5, "red": 2.0}, "higher", 2, True),
    ("new_energy", "SURVEY_INPUT_INVENTORY", None, FIXED, {"blue": 52, "yellow": 54, "red": 56}, "higher", 3, False),
    ("agri", "CORRIDOR_STATUS_RATIO", None, FIXED, {"blue": 96, "yellow": 90, "red": 84}, "lower", 1, True),
    ("new_energy", "LOGISTICS_PRICE_INDEX", None, FIXED, {"blue": 118, "yellow": 122, "red": 126}, "higher", 2, False),
    ("tremella", "CORRIDOR_DISRUPTION_DAYS", "511921", FIXED, {"blue": 5, "yellow": 7, "red": 10}, "higher", 1, False),
    ("qingyu_pig", "SURVEY_NEW_ORDERS", None, FIXED, {"blue": 49, "yellow": 47, "red": 45}, "lower", 2, False),
]

PLANS: dict[str, list[tuple[int, str, str, str, list[tuple[str, str, str, int, str]]]]] = {
    "food": [
        (
            2,
            "替代来源培育",
            "食品饮料主要原辅料替代来源培育方案",
            "对包材、香辛料等外地单一来源原辅料，培育省内第二供应商。",
            [
                ("梳理重点企业单一来源原辅料清单", "economy_it", "产业科", 15, "清单覆盖全部规上食品企业"),
                ("组织川渝供应商对接会", "commerce", "市场科", 45, "新增合格供应商 ≥ 5 家"),
            ],
        ),
        (
            3,
            "产能备份",
            "食品饮料产能备份与应急保供方案",
            "启用园区备份产线，保障重点企业连续生产和市场供应。",
            [
                ("启用经开区备份产线并核定产能", "economy_it", "运行监测科", 10, "备份产能 ≥ 正常产能 30%"),
                ("重点原料应急储备调运", "commerce", "市场运行科", 7, "储备满足 15 天生产"),
            ],
        ),
    ],
    "biomed": [
        (
            2,
            "替代来源培育",
            "关键原料药替代来源培育方案",
            "对关键原料药、辅料和包材，引入第二来源并完成质量审计。",
            [
                ("完成关键原料药第二来源质量审计", "economy_it", "医药产业专班", 60, "完成审计 ≥ 3 家"),
                ("争取省级供应链补链项目支持", "drc", "产业协调科", 90, "立项 ≥ 1 个"),
            ],
        ),
        (
            3,
            "产能备份",
            "关键原料药产能备份方案",
            "与成渝医药园区签订产能互备协议，建立 30 天安全库存。",
            [
                ("签订成渝园区产能互备协议", "economy_it", "医药产业专班", 20, "协议签订"),
                ("建立关键原料 30 天安全库存", "economy_it", "运行监测科", 30, "库存天数 ≥ 30"),
                ("开通原料进口通关绿色通道", "customs", "综合业务科", 15, "通关时间 ≤ 24 小时"),
            ],
        ),
    ],
    "machinery": [
        (
            2,
            "替代来源培育",
            "关键零部件替代来源培育方案",
            "对轴承、液压件等关键零部件，培育本地及成渝配套企业。",
            [
                ("发布关键零部件配套需求清单", "economy_it", "装备产业科", 30, "清单发布"),
                ("招引配套企业落地", "investment", "招商一科", 120, "签约配套企业 ≥ 2 家"),
            ],
        ),
        (
            3,
            "产能备份",
            "机械制造产能备份方案（成渝协作配套）",
            "与成渝配套企业建立订单共享与产能互备机制。",
            [("建立成渝协作配套产能互备清单", "economy_it", "装备产业科", 20, "互备企业 ≥ 5 对")],
        ),
    ],
    "new_energy": [
        (
            2,
            "替代来源培育",
            "新能源新材料原材料多元化采购方案",
            "石墨、锂盐等原材料增加长协和第二来源。",
            [("推动重点企业签订原材料长协", "economy_it", "新材料产业科", 45, "长协覆盖率 ≥ 50%")],
        ),
        (
            3,
            "产能备份",
            "新能源新材料产能备份方案",
            "启用园区共享仓储，协调用能指标保障连续生产。",
            [("协调用能指标保障连续生产", "drc", "能源科", 15, "重点企业不停产")],
        ),
    ],
    "agri": [
        (
            2,
            "应急保供",
            "特色农产品冷链物流保通方案",
            "协调冷链运力，保障银耳、青峪猪等产品外运。",
            [("协调冷链车辆和临时仓储", "transport", "运输科", 7, "冷链运力恢复 ≥ 90%")],
        ),
        (
            3,
            "应急保供",
            "物流通道应急保通与产销对接方案",
            "抢通受阻路段，启用备用线路，组织电商和商超产销对接。",
            [
                ("抢通受阻路段并启用备用线路", "transport", "公路运行科", 5, "通道货运量恢复至正常水平 90%"),
                ("组织电商、商超产销对接", "commerce", "电商科", 10, "滞销产品去化 ≥ 80%"),
            ],
        ),
    ],
    "tremella": [
        (
            2,
            "应急保供",
            "通江银耳产地仓与运输保障方案",
            "启用产地仓，错峰发运，保障鲜品和干品外运。",
            [("启用通江银耳产地仓", "commerce", "通江县商务局", 7, "产地仓启用")],
        ),
    ],
    "qingyu_pig": [
        (
            2,
            "市场多元化",
            "青峪猪销售渠道多元化方案",
            "拓展成渝商超和线上渠道，对冲订单下滑。",
            [("对接成渝商超新增渠道", "commerce", "市场科", 30, "新增渠道 ≥ 3 个")],
        ),
    ],
}

INDEX_COMPONENTS = [  # indicator, region (None = home city), sign, publication lag (months)
    ("SURVEY_DELIVERY_TIMES", None, 1, 0),
    ("SURVEY_ORDER_BACKLOG", None, 1, 0),
    ("SURVEY_INPUT_INVENTORY", None, 1, 0),
    ("LOGISTICS_PRICE_INDEX", None, 1, 0),
    ("CORRIDOR_DISRUPTION_DAYS", None, 1, 0),
    ("GSCPI", "WLD", 1, 0),
]
INDEX_DEMAND = ["SURVEY_NEW_ORDERS"]
EPISODE = (
    "新冠疫情期间供应链受阻",
    "2020-03",
    "2022-12",
    "全球供应链压力指数自 2020-03 起高于 2，2022 年底回落（示例标注）",
)
