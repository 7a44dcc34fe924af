"""Framework tables (kaifang.indexing.framework) — COINr check_iMeta rules, bilingual messages, structure."""

from __future__ import annotations

import pandas as pd
import pytest

from kaifang.indexing.framework import FrameworkError, check_framework
from tests.conftest import assert_pure, shared_data

COLUMNS = ["iCode", "Level", "Parent", "Direction", "Weight", "Type"]


def table(*extra: tuple[object, ...]) -> pd.DataFrame:
    rows = [
        ("i1", 1, "P1", 1, 1, "Indicator"),
        ("i2", 1, "P1", -1, 1, "Indicator"),
        ("i3", 1, "P2", 1, 2, "Indicator"),
        ("P1", 2, "Index", 1, 1, "Aggregate"),
        ("P2", 2, "Index", 1, 1, "Aggregate"),
        ("Index", 3, None, 1, 1, "Aggregate"),
        ("grp", None, None, None, None, "Group"),
        *extra,
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def problems(t: pd.DataFrame, data: pd.DataFrame | None = None) -> list[str]:
    with pytest.raises(FrameworkError) as err:
        check_framework(t, data)
    return err.value.problems


def test_pure() -> None:
    assert_pure("kaifang.indexing.framework")


def test_structure() -> None:
    fw = check_framework(table(), level_names=["Indicator", "Pillar", "Index"])
    assert fw.indicators == ("i1", "i2", "i3") and fw.aggregates == ("P1", "P2", "Index")
    assert fw.top == "Index" and fw.max_level == 3 and fw.children("P1") == ("i1", "i2")
    assert fw.parent("i3") == "P2" and fw.parent("Index") is None
    assert fw.directions.tolist() == [1, -1, 1] and fw.codes_of_type("Group") == ("grp",)
    assert fw.lineage.loc["i3"].tolist() == ["i3", "P2", "Index"]
    assert list(fw.lineage.columns) == ["Indicator", "Pillar", "Index"]
    children, parents, owner = fw.structure(2)
    assert children == ("i1", "i2", "i3") and parents == ("P1", "P2") and owner.tolist() == [0, 0, 1]
    assert fw.with_weights({"P2": 3}).weights["P2"] == 3 and fw.weights["P2"] == 1


def test_duplicate_icode_message_is_chinese_then_english() -> None:
    msgs = problems(table(("i1", 1, "P1", 1, 1, "Indicator")))
    assert "框架表 iCode 重复: i1 (Duplicate entries in iCode: i1)" in msgs


def test_every_problem_is_reported_at_once() -> None:
    t = table(
        ("i4", 1, "Nope", 1, 1, "Indicator"),
        ("i5", 2, "P1", 1, 1, "Indicator"),
        ("i6", 1, "P1", 2, "x", "Indicator"),
        ("P3", 2, "Index", 1, 1, "Aggregate"),
        ("z", None, None, None, None, "Thing"),
    )
    text = "\n".join(problems(t))
    assert "Parent not found in iCode: i4→Nope" in text
    assert "Indicators must be at Level 1: i5" in text
    assert "Direction must be 1 or -1: i6" in text
    assert "Non-numeric entries in Weight: i6" in text
    assert "Aggregate(s) without children: P3" in text
    assert "Type not allowed" in text and "z=Thing" in text


def test_levels_parents_and_top() -> None:
    t = table()
    t.loc[t["iCode"] == "Index", "Level"] = 4
    assert any("missing level(s): 3" in m for m in problems(t))
    t = table()
    t.loc[t["iCode"] == "i3", "Parent"] = "Index"
    assert any("Level discrepancy" in m and "i3→Index" in m for m in problems(t))
    t = table(("Other", 3, None, 1, 1, "Aggregate"))
    assert any("exactly one code" in m for m in problems(t))
    t = table()
    t.loc[t["iCode"] == "Index", "Parent"] = "P1"
    assert any("highest level must have no Parent" in m for m in problems(t))


def test_missing_columns_and_zero_weights() -> None:
    missing = problems(table().drop(columns=["Weight"]))
    assert missing == ["框架表缺少必需列: Weight (Missing required column(s): Weight)"]
    t = table()
    t.loc[t["iCode"].isin(["i1", "i2"]), "Weight"] = 0
    assert any("sum to 0: P1" in m for m in problems(t))


def test_data_columns_are_checked() -> None:
    data = pd.DataFrame({"uCode": ["A", "B"], "i1": [1, 2], "i2": ["x", "y"], "grp": ["a", "b"]})
    text = "\n".join(problems(table(), data))
    assert "Columns missing from the data: i3" in text and "Non-numeric data columns: i2" in text
    t = table()
    t["Denominator"] = [None, "pop", None, None, None, None, None]
    assert any("i2÷pop" in m for m in problems(t))


def test_asem_framework_passes() -> None:
    meta = pd.read_csv(shared_data("coinr-asem", "ASEM_iMeta.csv"))
    data = pd.read_csv(shared_data("coinr-asem", "ASEM_iData.csv"))
    fw = check_framework(meta, data)
    assert len(fw.indicators) == 49 and fw.top == "Index" and fw.codes_at(3) == ("Conn", "Sust")
    assert fw.denominators["Flights"] == "Population" and len(fw.denominators) == 17
    assert fw.codes_of_type("Denominator") == ("Area", "Energy", "GDP", "Population")
