"""The demo workspace's open-cooperation index: the shipped framework over 巴中 and its peers, 2015–2025."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from kaifang.indexing.models import IndexDefinition

FRAMEWORK = Path(__file__).resolve().parent / "frameworks" / "open_coop.csv"
CODE = "open-coop"
#: the report's peers: 达州, 广元 and 南充 next door, and the Chengdu–Chongqing core
PEERS = ["511700", "510800", "511300", "510100", "500000"]

#: Denominate → fill a city's gap from its own years → winsorise → min-max 0–100 pooled over all years (so a
#: score compares across years) → arithmetic mean with the framework's weights.
SPEC: dict[str, Any] = {
    "level_names": ["指标", "维度", "指数"],
    "steps": [
        {"denominate": {}},
        {"impute": {"f_i": "impute_panel", "f_i_para": {"imp_type": "linear-constant"}}},
        {"treat": {"f1": "winsorise", "winmax": 3, "skew_thresh": 2, "kurt_thresh": 3.5, "f2": "log_CT"}},
        {"normalise": {"f_n": "n_minmax", "l_u": [0, 100], "global": True}},
        {"aggregate": {"f_ag": "a_amean"}},
    ],
}


def shipped_framework() -> list[dict[str, Any]]:
    table = pd.read_csv(FRAMEWORK, dtype={"iCode": str, "Parent": str, "Type": str, "Denominator": str})
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in table.to_dict(orient="records")]


def ensure_definition(
    workspace: Any, units: list[str], home: str, peers: list[str] | None = None, user: Any = None
) -> IndexDefinition:
    """The workspace's demo index definition (version 1), created once."""
    found = IndexDefinition.objects.filter(workspace=workspace, code=CODE).order_by("-version").first()
    if found is not None:
        return found
    return IndexDefinition.objects.create(
        workspace=workspace,
        code=CODE,
        version=1,
        name_zh="开放合作典范地建设指数",
        home=home,
        peers=PEERS if peers is None else peers,
        name_en="Open-cooperation model city index",
        framework=shipped_framework(),
        spec=SPEC,
        units=units,
        years=list(range(2015, 2026)),
        created_by=user,
        notes="示例：制度型开放、枢纽经济、区域协同治理、要素配置、生态约束五个维度；规模类指标按 GDP 或常住人口折算。",
    )
