"""The demo roadmap (示例数据): the report's seven recommendations (§四(七) 一至七) as policies, with its concrete
targets — RCEP 地理标志产品关税减让利用率 ≥ 60%; ≥ 30% of the tourism special fund to joint branding; a 100亿元
regional development fund; 社会物流总费用占GDP比重 kept within a reasonable band; 3万元/车·年 for cross-province
tourist through-buses; the 实施条例 — and invented progress.

Policy titles, 文号, dates and every monthly value are invented and labelled 示例数据; the targets and the wording
of the tasks are the report's. ``actual`` anchors (month, value) are interpolated linearly month by month for the
task-specific KPIs; catalog KPIs read the observations. ``reporting`` lists the months a task's report was filed
late (after the 10th), not filed, or rejected and filed again.
"""

from __future__ import annotations

from typing import Any

SAMPLE = "（示例）"
THROUGH = "2026-10"  # the demo's last reported month

# RCEP 地理标志产品关税减让利用率 by quarter (示例数据): written as the two customs series the catalog derives it from
RCEP_QUARTERS = {
    "2025Q1": (1100.0, 39.5),
    "2025Q2": (1150.0, 41.2),
    "2025Q3": (1200.0, 43.0),
    "2025Q4": (1254.0, 44.6),
    "2026Q1": (1230.0, 46.8),
    "2026Q2": (1290.0, 48.9),
    "2026Q3": (1350.0, 50.6),
}

POLICIES: list[dict[str, Any]] = [
    {
        "title": "巴中市深化制度型开放实施方案" + SAMPLE,
        "doc_number": "巴府发〔2025〕3号",
        "issuer": "巴中市人民政府",
        "issued_on": "2025-03-10",
        "effective_from": "2025-04-01",
        "valid_until": "2027-12-31",
        "source": "报告§四(七)一：深化制度型开放",
        "summary": "推动RCEP规则全域落地，创建特色农产品原产地证书“自主声明”制度，"
        "建立跨境数据分类监管“白名单”快速通道。",
        "tasks": [
            {
                "title": "推动RCEP规则全域落地",
                "lead": "customs",
                "coop": ["commerce", "market"],
                "kpis": [
                    {
                        "name": "RCEP地理标志产品关税减让利用率",
                        "unit": "%",
                        "indicator": "RCEP_GI_UTILIZATION",
                        "frequency": "季",
                        "baseline": 38.0,
                        "target": 60.0,
                        "deadline": "2027-12",
                        "weight": 2.0,
                        "note": "报告目标：将地理标志产品关税减让利用率提高到60%以上。",
                    },
                    {
                        "name": "原产地证书“自主声明”备案企业数",
                        "unit": "家",
                        "baseline": 0.0,
                        "target": 50.0,
                        "deadline": "2026-12",
                        "milestones": [["2025-12", 20.0]],
                        "actual": [("2024-12", 0), ("2025-12", 22), ("2026-10", 44)],
                    },
                ],
                "reporting": {"late": ["2025-08"]},
            },
            {
                "title": "建立跨境数据分类监管“白名单”快速通道",
                "lead": "bigdata",
                "coop": ["commerce"],
                "kpis": [
                    {
                        "name": "纳入数据出境“白名单”企业数",
                        "unit": "家",
                        "baseline": 0.0,
                        "target": 30.0,
                        "deadline": "2026-12",
                        "actual": [("2024-12", 0), ("2025-06", 3), ("2026-10", 21)],
                    }
                ],
            },
        ],
    },
    {
        "title": "秦巴山区陆港型物流枢纽建设方案" + SAMPLE,
        "doc_number": "巴府办发〔2025〕12号",
        "issuer": "巴中市人民政府办公室",
        "issued_on": "2025-04-15",
        "effective_from": "2025-05-01",
        "valid_until": "2027-01-15",
        "source": "报告§四(七)二：构建枢纽经济政策支撑体系",
        "summary": "实施多式联运“一单制”改革，把社会物流总费用占GDP比重控制在合理区间。",
        "tasks": [
            {
                "title": "降低全社会物流成本",
                "lead": "drc",
                "coop": ["transport", "commerce"],
                "kpis": [
                    {
                        "name": "社会物流总费用占GDP比重",
                        "unit": "%",
                        "indicator": "LOGISTICS_COST_GDP_RATIO",
                        "fallback": 15.2,
                        "frequency": "年",
                        "direction": -1,
                        "baseline": None,
                        "target": 14.0,
                        "deadline": "2027-12",
                        "weight": 2.0,
                        "note": "报告：控制在合理区间。设定区间 12%～14%，以上限 14% 为目标（逆向指标）。",
                    }
                ],
                "reporting": {"late": ["2025-04", "2025-08", "2025-12", "2026-04", "2026-08"]},
            },
            {
                "title": "多式联运“一单制”与国际货运班列",
                "lead": "commerce",
                "coop": ["transport"],
                "kpis": [
                    {
                        "name": "多式联运“一单制”试点线路数",
                        "unit": "条",
                        "baseline": 0.0,
                        "target": 6.0,
                        "deadline": "2026-12",
                        "actual": [("2024-12", 0), ("2025-09", 2), ("2026-10", 5)],
                    }
                ],
            },
        ],
    },
    {
        "title": "秦巴山区特色产业国际化跃升行动计划" + SAMPLE,
        "doc_number": "巴府发〔2025〕8号",
        "issuer": "巴中市人民政府",
        "issued_on": "2025-04-28",
        "effective_from": "2025-05-01",
        "valid_until": "2028-04-30",
        "source": "报告§四(七)三：开放型产业政策创新",
        "summary": "地理标志产品振兴工程，国际认证补助，跨境电商新模式。",
        "tasks": [
            {
                "title": "支持企业取得FDA、CE等国际认证",
                "lead": "economy_it",
                "coop": ["science", "commerce"],
                "kpis": [
                    {
                        "name": "取得FDA/CE等国际认证企业数",
                        "unit": "家",
                        "baseline": 5.0,
                        "target": 25.0,
                        "deadline": "2027-12",
                        "actual": [("2024-12", 5), ("2025-12", 10), ("2026-10", 16)],
                    }
                ],
            },
            {
                "title": "打造秦巴山区跨境电商综合服务平台",
                "lead": "commerce",
                "coop": ["customs", "postal"],
                "kpis": [
                    {
                        "name": "跨境电商经营主体数",
                        "unit": "家",
                        "indicator": "CBEC_ENTITIES",
                        "frequency": "年",
                        "baseline": 140.0,
                        "target": 190.0,
                        "deadline": "2027-12",
                    }
                ],
            },
        ],
    },
    {
        "title": "大巴山区域协同发展促进措施" + SAMPLE,
        "doc_number": "巴府发〔2025〕15号",
        "issuer": "巴中市人民政府",
        "issued_on": "2025-05-20",
        "effective_from": "2025-06-01",
        "valid_until": "2028-05-31",
        "transition_start": "2026-01-01",
        "transition_end": "2026-12-31",
        "source": "报告§四(七)四：加强区域协同的制度建设",
        "summary": "争取共同设立100亿元区域发展基金；每年统筹不少于旅游专项资金30%用于联合品牌推广；"
        "对开通跨省旅游直通车的企业按座位给予运营补贴3万元/车·年。",
        "tasks": [
            {
                "title": "共同设立100亿元区域发展基金",
                "lead": "finance",
                "coop": ["drc", "investment"],
                "kpis": [
                    {
                        "name": "区域发展基金认缴规模",
                        "unit": "亿元",
                        "baseline": 0.0,
                        "target": 100.0,
                        "deadline": "2027-12",
                        "milestones": [["2025-12", 20.0], ["2026-12", 60.0]],
                        "weight": 2.0,
                        "actual": [("2024-12", 0), ("2025-12", 20), ("2026-10", 38)],
                        "decimals": 1,
                    }
                ],
                "reporting": {"late": ["2026-02", "2026-07"]},
            },
            {
                "title": "文旅联合品牌推广与跨省旅游直通车",
                "lead": "culture_tourism",
                "coop": ["finance", "transport"],
                "kpis": [
                    {
                        "name": "联合品牌推广资金占旅游专项资金比重",
                        "unit": "%",
                        "indicator": "JOINT_BRAND_FUND_SHARE",
                        "fallback": 23.75,
                        "frequency": "年",
                        "baseline": None,
                        "target": 30.0,
                        "deadline": "2026-12",
                        "note": "报告目标：每年统筹不少于当年度旅游专项资金总额30%的资金用于联合品牌推广。",
                    },
                    {
                        "name": "享受运营补贴（3万元/车·年）的跨省旅游直通车数",
                        "unit": "辆",
                        "baseline": 0.0,
                        "target": 20.0,
                        "deadline": "2026-12",
                        "actual": [("2024-12", 0), ("2025-06", 4), ("2026-10", 18)],
                    },
                ],
                "reporting": {"rejected": ["2026-03"]},
            },
        ],
    },
    {
        "title": "秦巴英才全球汇聚计划" + SAMPLE,
        "doc_number": "巴委办发〔2025〕6号",
        "issuer": "中共巴中市委办公室",
        "issued_on": "2025-03-28",
        "effective_from": "2025-04-01",
        "valid_until": "2030-03-31",
        "source": "报告§四(七)五：配置优化要素的政策设计",
        "summary": "急需技术人才个人所得税超额累进返还（50万元以下部分返还50%，50～100万元部分70%），"
        "“候鸟专家”柔性引才。",
        "tasks": [
            {
                "title": "急需技术人才个人所得税超额累进返还",
                "lead": "hr",
                "coop": ["finance"],
                "kpis": [
                    {
                        "name": "享受个税返还的急需技术人才数",
                        "unit": "人",
                        "baseline": 0.0,
                        "target": 300.0,
                        "deadline": "2027-12",
                        "actual": [("2024-12", 0), ("2025-12", 95), ("2026-10", 170)],
                    }
                ],
            },
            {
                "title": "“候鸟型”专家柔性引才",
                "lead": "science",
                "coop": ["hr"],
                "kpis": [
                    {
                        "name": "在巴工作满3个月的候鸟专家人数",
                        "unit": "人",
                        "baseline": 0.0,
                        "target": 60.0,
                        "deadline": "2026-12",
                        "actual": [("2024-12", 0), ("2026-08", 31)],
                    }
                ],
                "reporting": {"missing": ["2026-09", "2026-10"]},
            },
        ],
    },
    {
        "title": "开放合作型经济安全预警工作方案" + SAMPLE,
        "doc_number": "巴府办函〔2025〕21号",
        "issuer": "巴中市人民政府办公室",
        "issued_on": "2025-05-06",
        "effective_from": "2025-05-06",
        "valid_until": "2027-05-05",
        "transition_start": "2027-01-01",
        "transition_end": "2027-06-30",
        "source": "报告§四(七)六：筑牢风险控制政策防火墙",
        "summary": "开发供应链受阻指数，健全重点产业链“红黄蓝”分级预警，分级制订产能备份与替代来源方案。",
        "tasks": [
            {
                "title": "建设供应链受阻指数与“红黄蓝”分级预警",
                "lead": "bigdata",
                "coop": ["economy_it", "commerce"],
                "kpis": [
                    {
                        "name": "纳入“红黄蓝”分级预警的重点产业链数",
                        "unit": "条",
                        "baseline": 0.0,
                        "target": 8.0,
                        "deadline": "2026-12",
                        "milestones": [["2025-06", 2.0]],
                        "actual": [("2024-12", 0), ("2025-06", 2), ("2026-10", 6)],
                    }
                ],
            }
        ],
    },
    {
        "title": "开放合作典范地建设“月度调度+季度评估+年度考核”推进机制" + SAMPLE,
        "doc_number": "巴委发〔2025〕2号",
        "issuer": "中共巴中市委",
        "issued_on": "2025-02-20",
        "effective_from": "2025-03-01",
        "valid_until": "2029-12-31",
        "source": "报告§四(七)七：建立健全创新政策实施的保障机制",
        "summary": "编制政策实施路线图，第三方评估，动态优化调整；制定《巴中市促进开放合作典范地建设实施条例》，"
        "对新出台的重大政策明确有效时限和过渡期；探索性措施实行“备案管理+过程监管”的容错机制。",
        "tasks": [
            {
                "title": "推动出台《巴中市促进开放合作典范地建设实施条例》",
                "lead": "drc",
                "coop": ["finance", "commerce"],
                "kpis": [
                    {
                        "name": "实施条例立法进度",
                        "unit": "%",
                        "baseline": 0.0,
                        "target": 100.0,
                        "deadline": "2027-06",
                        "milestones": [["2025-12", 25.0], ["2026-06", 50.0], ["2026-12", 75.0]],
                        "actual": [("2024-12", 0), ("2025-12", 25), ("2026-06", 50), ("2026-10", 52)],
                        "note": "里程碑：立项25%，草案50%，市人大常委会审议75%，公布施行100%。",
                        "revision": {
                            "value": 100.0,
                            "deadline": "2027-12",
                            "effective_from": "2026-07",
                            "milestones": [["2025-12", 25.0], ["2026-06", 50.0], ["2026-12", 65.0]],
                            "reason": "省人大常委会审查批准安排调整，草案征求意见延至2026年四季度，期限顺延半年。",
                            "requested": "2026-06-18",
                            "decided": "2026-06-25",
                        },
                    }
                ],
            }
        ],
    },
]

MEASURES: list[dict[str, Any]] = [
    {
        "title": "巴中经开区“保税研发+离岸制造”试点" + SAMPLE,
        "department": "commerce",
        "policy": 0,
        "risk_level": "high",
        "scope": "巴中经开区内经认定的生物医药、机械制造企业；保税研发用料与离岸制造订单。",
        "legal_basis_gap": "综合保税区外开展保税研发缺少明确的海关监管依据，需在协同改革先行区内先行先试。",
        "risk": "保税料件流失、内销补税争议；以企业担保与电子账册核销控制。",
        "supervisor": "巴中海关 · 市商务局",
        "filed_on": "2025-06-10",
        "log": [
            ("2025-09-15", "check", "抽查3家企业电子账册，核销一致。"),
            ("2026-01-20", "risk", "1家企业料件出入库记录滞后，已提示。"),
            ("2026-06-30", "review", "半年评估：试点企业6家，未发现违规。"),
        ],
    },
    {
        "title": "特色农产品原产地证书“自主声明”先行先试" + SAMPLE,
        "department": "customs",
        "policy": 0,
        "risk_level": "medium",
        "scope": "银耳、青峪猪等地理标志产品出口企业。",
        "legal_basis_gap": "RCEP项下经核准出口商自主声明以外的企业自主声明缺少国内配套规定。",
        "risk": "原产地信息不实导致进口国退证；建立企业信用承诺与抽查核验。",
        "supervisor": "巴中海关",
        "filed_on": "2025-05-20",
        "log": [("2025-10-12", "check", "核验声明30份，差错1份已更正。")],
        "outcome": ("promoted", "差错率低于2%，经评估纳入常态化管理并在秦巴山区推广。", "2026-05-31"),
    },
    {
        "title": "TOD+产业：500米范围内园区土地用途混合使用试点" + SAMPLE,
        "department": "natres",
        "policy": 1,
        "risk_level": "medium",
        "scope": "巴中东站周边500米范围内的物流与商贸园区地块。",
        "legal_basis_gap": "现行用地分类对同一宗地混合用途的比例与出让方式无明确规定。",
        "risk": "土地用途变更引发的收益分配与规划调整风险。",
        "supervisor": "市自然资源和规划局",
        "filed_on": "2026-09-01",
        "log": [],
    },
]
