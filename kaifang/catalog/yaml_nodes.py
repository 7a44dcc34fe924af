"""Reading a catalog file's YAML nodes into raw entries that remember their line.

PyYAML's composed node tree keeps a mark for every node, so each department and indicator
mapping becomes a :class:`RawEntry` carrying the 1-based line where it starts.  Scalars are read
as their raw text, so YAML 1.1 surprises (``NO`` → ``False``, ``2025.10`` → ``2025.1``) cannot
corrupt codes or versions.  Structural problems (syntax, unknown, duplicated or non-scalar fields)
are reported to an :class:`~kaifang.catalog.entries.Issues` list; the entries' values are checked
in :mod:`kaifang.catalog.checks`.

This module is pure Python (no Django).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml

from kaifang.catalog.entries import DEPARTMENT_FIELDS, INDICATOR_FIELDS, Issues

__all__ = ["RawEntry", "read_document"]

_TOP_FIELDS = ("version", "departments", "indicators")


@dataclass
class RawEntry:
    """A mapping from the file: its first line and its scalar fields as raw text."""

    row: int
    fields: dict[str, str | None]
    bad: set[str] = field(default_factory=set)  # fields already reported as malformed


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar_text(node: yaml.Node) -> str | None:
    """Raw text of a scalar node (``None`` for null/empty); raises TypeError for collections."""
    if not isinstance(node, yaml.ScalarNode):
        raise TypeError(type(node).__name__)
    if node.tag == "tag:yaml.org,2002:null":
        return None
    text = str(node.value).strip()
    return text or None


def _read_mapping(
    node: yaml.Node, allowed: Iterable[str], what_zh: str, what_en: str, issues: Issues
) -> RawEntry | None:
    row = _line(node)
    if not isinstance(node, yaml.MappingNode):
        issues.add(row, None, None, f"{what_zh}必须是“字段: 值”的映射", f"each {what_en} must be a mapping")
        return None
    allowed = set(allowed)
    fields: dict[str, str | None] = {}
    bad: set[str] = set()
    problems: list[tuple[str | None, str, str]] = []
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or not key:
            problems.append((None, "字段名必须是文本", "field names must be text"))
            continue
        if key in fields:
            problems.append((key, f"字段 {key} 重复出现", f"field {key} appears twice"))
            continue
        if key not in allowed:
            guess = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint_zh = f"，是否应为 {guess[0]}？" if guess else f"（允许的字段：{'、'.join(sorted(allowed))}）"
            hint_en = f"; did you mean {guess[0]}?" if guess else ""
            problems.append((key, f"未知字段 {key}{hint_zh}", f"unknown field {key}{hint_en}"))
            continue
        try:
            fields[key] = _scalar_text(value_node)
        except TypeError:
            problems.append((key, "应为单个值，不能是列表或映射", "must be a single value, not a collection"))
            bad.add(key)
    code = fields.get("code")
    for fld, zh, en in problems:
        issues.add(row, code, fld, zh, en)
    return RawEntry(row, fields, bad)


def _read_sequence(
    node: yaml.Node | None, key: str, allowed: Iterable[str], what_zh: str, what_en: str, issues: Issues
) -> list[RawEntry]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        issues.add(_line(node), None, key, f"{key} 必须是列表", f"{key} must be a list")
        return []
    entries = []
    for item in node.value:
        entry = _read_mapping(item, allowed, what_zh, what_en, issues)
        if entry is not None:
            entries.append(entry)
    return entries


def read_document(text: str, issues: Issues) -> tuple[str | None, list[RawEntry], list[RawEntry]] | None:
    """``(version, department entries, indicator entries)`` of a catalog file's text.

    Returns ``None`` when the text is not a YAML mapping at all (the reason is in ``issues``).
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = "; ".join(str(p) for p in (exc.context, exc.problem) if p) or type(exc).__name__
        row = mark.line + 1 if mark else 1
        issues.add(row, None, None, f"YAML 语法错误：{detail}", f"YAML syntax error: {detail}")
        return None
    except yaml.YAMLError as exc:
        issues.add(1, None, None, f"YAML 语法错误：{exc}", f"YAML syntax error: {exc}")
        return None
    if root is None:
        issues.add(1, None, None, "目录文件为空", "the catalog file is empty")
        return None
    if not isinstance(root, yaml.MappingNode):
        issues.add(
            _line(root), None, None, "顶层必须是含 version、departments、indicators 的映射",
            "the top level must be a mapping with version, departments and indicators",
        )  # fmt: skip
        return None
    top: dict[str, yaml.Node] = {}
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        row = _line(key_node)
        if key in top:
            issues.add(row, None, key, f"顶层字段 {key} 重复出现", f"top-level field {key} appears twice")
        elif key not in _TOP_FIELDS:
            issues.add(row, None, str(key), f"未知的顶层字段 {key}", f"unknown top-level field {key}")
        else:
            top[key] = value_node
    for key in _TOP_FIELDS:
        if key not in top:
            issues.add(1, None, key, f"缺少顶层字段 {key}", f"missing top-level field {key}")
    version: str | None = None
    if "version" in top:
        try:
            version = _scalar_text(top["version"])
        except TypeError:
            version = None
        if version is None:
            issues.add(
                _line(top["version"]), None, "version", "version 必须是非空文本（如 \"2025.1\"）",
                "version must be a non-empty string such as \"2025.1\"",
            )  # fmt: skip
    departments = _read_sequence(
        top.get("departments"), "departments", DEPARTMENT_FIELDS, "部门条目", "department entry", issues
    )
    indicators = _read_sequence(
        top.get("indicators"), "indicators", INDICATOR_FIELDS, "指标条目", "indicator entry", issues
    )
    return version, departments, indicators
