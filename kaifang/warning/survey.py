"""重点企业供应链月度调查 — the key-firm survey's questionnaire and its diffusion indexes (pure).

Each month the key firms of the key industries answer four PMI-style questions, compared with the
previous month (the NBS 采购经理调查 design, 《采购经理指数》GB/T 33691-2017 §5):

====================  ===============  =========================================  ==================
catalog indicator      question          answers (up / same / down)                 role in the index
====================  ===============  =========================================  ==================
SURVEY_DELIVERY_TIMES  交货周期          延长 / 不变 / 缩短                          supply pressure
SURVEY_ORDER_BACKLOG   订单积压          增加 / 持平 / 减少                          supply pressure
SURVEY_INPUT_INVENTORY 原材料库存        增加 / 持平 / 减少                          supply pressure
SURVEY_NEW_ORDERS      新订单            增加 / 持平 / 减少                          demand proxy
====================  ===============  =========================================  ==================

Diffusion index (扩散指数, GB/T 33691 §6.1): ``DI = 100 · (w_up + 0.5 · w_same) / (w_up + w_same + w_down)``
with ``w`` the summed weights of the firms giving each answer (weight 1 unless the 权重 column is
filled, e.g. with the firm's sales). 50 means no change; above 50 more firms report an increase. The
delivery question is asked as *longer* delivery times, so a higher index means more pressure (the NBS
supplier-delivery index asks the opposite and is inverted before use in the PMI).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

__all__ = ["QUESTIONS", "SurveyError", "diffusion", "indexes", "long_rows", "questionnaire", "read_returns"]


@dataclass(frozen=True)
class Question:
    code: str  # the catalog indicator
    header: str
    answers: tuple[str, str, str]  # up, same, down as printed in the questionnaire


QUESTIONS = (
    Question("SURVEY_DELIVERY_TIMES", "交货周期", ("延长", "不变", "缩短")),
    Question("SURVEY_ORDER_BACKLOG", "订单积压", ("增加", "持平", "减少")),
    Question("SURVEY_INPUT_INVENTORY", "原材料库存", ("增加", "持平", "减少")),
    Question("SURVEY_NEW_ORDERS", "新订单", ("增加", "持平", "减少")),
)
HEADER = ["企业名称", "统一社会信用代码", "所属重点产业", *[q.header for q in QUESTIONS], "权重"]
UP = {"延长", "增加", "上升", "增长", "增多", "变长", "多", "up", "higher", "+", "↑"}
SAME = {"不变", "持平", "持稳", "相同", "same", "unchanged", "=", "0"}
DOWN = {"缩短", "减少", "下降", "降低", "变短", "少", "down", "lower", "-", "↓"}


class SurveyError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems[:5]) + (f"（另有 {len(problems) - 5} 处）" if len(problems) > 5 else ""))


def questionnaire(title: str, industries: list[str], firms: list[tuple[str, str, str]] | None = None) -> bytes:
    """The blank return (xlsx): title, instructions, header, one row per firm ``(name, credit code, industry)``."""
    wb = Workbook()
    ws = wb.active
    ws.title = "重点企业调查"
    ws.append([title])
    ws.append(
        ["与上月相比填写：交货周期 延长/不变/缩短；其余三项 增加/持平/减少。权重可空（默认1，可填企业营业收入）。"]
    )
    ws.append(HEADER)
    for firm in firms or []:
        ws.append([*firm, None, None, None, None, None])
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"].font = Font(color="666666")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F3F7")
    last = max(ws.max_row, 3) + 200  # room for firms added by hand
    industry = DataValidation(type="list", formula1='"' + ",".join(industries) + '"', allow_blank=False)
    ws.add_data_validation(industry)
    industry.add(f"C4:C{last}")
    for col, q in zip("DEFG", QUESTIONS, strict=True):
        dv = DataValidation(type="list", formula1='"' + ",".join(q.answers) + '"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(f"{col}4:{col}{last}")
    for col, width in zip("ABCDEFGH", [28, 22, 14, 10, 10, 12, 10, 10], strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _answer(text: object) -> float | None:
    s = str(text).strip().lower() if text is not None else ""
    if not s:
        return None
    if s in UP:
        return 1.0
    if s in SAME:
        return 0.5
    if s in DOWN:
        return 0.0
    raise KeyError(s)


def read_returns(content: bytes, filename: str = "survey.xlsx") -> pd.DataFrame:
    """The firms' answers as scores (1 up, 0.5 same, 0 down; NaN unanswered), one row per firm.

    The header row is found within the first 20 rows; problems are collected with their location
    (``file!R12 交货周期: …``) and raised together as :class:`SurveyError`.
    """
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    at = next((i for i, r in enumerate(rows[:20]) if "企业名称" in [str(c).strip() for c in r if c is not None]), None)
    if at is None:
        raise SurveyError([f"{filename}: 前20行中没有找到表头「企业名称」(no header row)"])
    header = [str(c).strip() if c is not None else "" for c in rows[at]]
    missing = [h for h in ("企业名称", "所属重点产业", *[q.header for q in QUESTIONS]) if h not in header]
    if missing:
        raise SurveyError([f"{filename}!R{at + 1}: 缺少列 {', '.join(missing)} (missing columns)"])
    col = {h: header.index(h) for h in header if h}
    out, problems = [], []
    for n, row in enumerate(rows[at + 1 :], start=at + 2):

        def cell(h: str, row: list[object] = row) -> object:
            return row[col[h]] if h in col and col[h] < len(row) else None

        if cell("企业名称") in (None, ""):
            continue
        record: dict[str, object] = {
            "firm": str(cell("企业名称")).strip(),
            "industry": str(cell("所属重点产业") or "").strip(),
        }
        if not record["industry"]:
            problems.append(f"{filename}!R{n} 所属重点产业: 未填写 (industry missing)")
        for q in QUESTIONS:
            try:
                record[q.code] = _answer(cell(q.header))
            except KeyError as exc:
                problems.append(
                    f"{filename}!R{n} {q.header}: 无法识别的回答「{exc.args[0]}」（应为 {'/'.join(q.answers)}）"
                )
        weight = cell("权重")
        try:
            w = 1.0 if weight in (None, "") else float(str(weight))
            if not np.isfinite(w) or w <= 0:
                raise ValueError
            record["weight"] = w
        except ValueError:
            problems.append(f"{filename}!R{n} 权重: 须为正数（{weight}）")
        out.append(record)
    if problems:
        raise SurveyError(problems)
    if not out:
        raise SurveyError([f"{filename}: 没有企业回答 (no firm rows)"])
    return pd.DataFrame(out)


def diffusion(scores: pd.Series, weights: pd.Series | None = None) -> float:
    """``100 · Σ w·score / Σ w`` over the firms that answered (score 1 up, 0.5 same, 0 down)."""
    ok = scores.notna()
    w = (weights if weights is not None else pd.Series(1.0, index=scores.index))[ok]
    return float("nan") if w.sum() == 0 else float(100.0 * (scores[ok] * w).sum() / w.sum())


def indexes(returns: pd.DataFrame) -> pd.DataFrame:
    """Diffusion indexes by key industry and for all firms (row ``全部``), one column per question,
    plus ``firms``, the number of answering firms."""
    groups: Mapping[str, pd.DataFrame] = {"全部": returns, **dict(iter(returns.groupby("industry", sort=True)))}
    table = {
        name: {**{q.code: diffusion(g[q.code], g["weight"]) for q in QUESTIONS}, "firms": len(g)}
        for name, g in groups.items()
    }
    return pd.DataFrame(table).T


def long_rows(table: pd.DataFrame, region: str, period: str, source: str) -> list[dict[str, object]]:
    """The all-firm indexes as long rows for ``ingest.submit`` (one per catalog indicator)."""
    total = table.loc["全部"]
    return [
        {
            "indicator": q.code,
            "ref_area": region,
            "time_period": period,
            "obs_value": round(float(total[q.code]), 2),
            "unit": "%",
            "basis": "P",
            "source": source,
            "note": f"{int(total['firms'])} 家重点企业",
        }
        for q in QUESTIONS
        if np.isfinite(float(total[q.code]))
    ]
