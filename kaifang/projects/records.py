"""Records of the ledger (台账记录): agreements, projects, milestones, funds in place — pure Python.

* :class:`Agreement` — a cooperation agreement (合作协议): who signed it with Bazhong, where the partner is
  (GB/T 2260 code, or ISO 3166-1 alpha-3 for a country), its type (战略合作框架协议, 投资协议, 友好城市 …),
  sector, date and place of signing, intended amount (亿元) and the responsible department (责任单位).
* :class:`Project` — an investment project (招商引资项目), under an agreement or standalone: investor, origin
  region, sector, planned investment (亿元), department, signing date (签约 is the project's first stage),
  the :class:`Milestone` records of the later stages, its status (推进中/停滞/终止) and its
  :class:`FundsInPlace` (实际到位资金) by month and source region.
* :class:`Ledger` — agreements and projects together, with the date the ledger is current to.

Milestones and funds are *records*, never overwritten: each carries ``recorded_at``, and for a stage (or a
month and source) the latest record wins (:mod:`kaifang.projects.stages`, :mod:`kaifang.projects.funds`).
A correction is a new record; a retraction (``retracted=True``) removes a stage. Money is
:class:`~decimal.Decimal` with an explicit unit (万元 or 亿元); measures report 亿元.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum

__all__ = [
    "AGREEMENT_TYPES",
    "SAMPLE_LABEL",
    "Agreement",
    "FundsInPlace",
    "Ledger",
    "Milestone",
    "PartnerKind",
    "Project",
    "Stage",
    "Status",
    "to_yi",
]

SAMPLE_LABEL = "示例数据"
AGREEMENT_TYPES = ("战略合作框架协议", "投资协议", "友好城市", "经贸合作协议", "合作备忘录", "其他")
_TO_YI = {"亿元": Decimal(1), "万元": Decimal("0.0001")}
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class Stage(IntEnum):
    """The milestones of a project in order: 签约 → 注册 → 开工 → 投产 → 达产."""

    SIGNED = 1  # 签约: the investment contract is signed
    REGISTERED = 2  # 注册: the project company is registered (工商注册)
    STARTED = 3  # 开工: construction starts
    PRODUCING = 4  # 投产: production (or operation) starts
    FULL = 5  # 达产: design capacity reached

    @property
    def label_zh(self) -> str:
        return _STAGE_ZH[self]

    @classmethod
    def parse(cls, text: str | Stage) -> Stage:
        """``"开工"`` or ``"STARTED"`` → :attr:`STARTED`; raises ``ValueError`` for anything else."""
        if isinstance(text, Stage):
            return text
        for stage, label in _STAGE_ZH.items():
            if text in (label, stage.name):
                return stage
        raise ValueError(f"未知的项目阶段 unknown stage {text!r}; one of {'/'.join(_STAGE_ZH.values())}")


_STAGE_ZH = {
    Stage.SIGNED: "签约",
    Stage.REGISTERED: "注册",
    Stage.STARTED: "开工",
    Stage.PRODUCING: "投产",
    Stage.FULL: "达产",
}


class Status(StrEnum):
    """项目状态 as the department reports it."""

    ADVANCING = "推进中"
    STALLED = "停滞"
    TERMINATED = "终止"


class PartnerKind(StrEnum):
    """Where the partner is: another province, a city (prefecture or county), or a country (境外)."""

    PROVINCE = "province"
    CITY = "city"
    COUNTRY = "country"


def to_yi(amount: Decimal, unit: str) -> Decimal:
    """An amount in 亿元: 万元 ÷ 10 000 (exact, Decimal). Raises ``ValueError`` for another unit."""
    try:
        return amount * _TO_YI[unit]
    except KeyError:
        raise ValueError(f"资金单位只能是万元或亿元 (unit must be 万元 or 亿元, got {unit!r})") from None


@dataclass(frozen=True)
class Agreement:
    """A cooperation agreement (合作协议). ``partner_region``: GB/T 2260 code or ISO alpha-3 (``VNM``)."""

    id: str
    title: str
    parties: tuple[str, ...]
    partner_region: str
    partner_kind: PartnerKind
    kind: str  # 协议类型, one of AGREEMENT_TYPES
    sector: str
    signed_on: date
    place: str
    intended_amount: Decimal | None  # 意向金额, 亿元
    department: str  # 责任单位 code
    documents: tuple[str, ...] = ()
    is_sample: bool = False

    @property
    def cross_border(self) -> bool:
        """跨境: the partner is a country (or an international body), not a Chinese region."""
        return self.partner_kind is PartnerKind.COUNTRY


@dataclass(frozen=True)
class Milestone:
    """One record of a stage reached on ``on`` (with ``evidence``: 营业执照, 开工报告 …), entered at
    ``recorded_at``. A later record of the same stage supersedes it; ``retracted`` removes the stage."""

    stage: Stage
    on: date | None
    recorded_at: datetime
    evidence: str = ""
    retracted: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if self.stage is Stage.SIGNED:
            raise ValueError("签约 is the project's signed_on, not a milestone record")
        if self.on is None and not self.retracted:
            raise ValueError(f"{self.stage.label_zh}: a milestone needs a date unless it is a retraction")


@dataclass(frozen=True)
class FundsInPlace:
    """实际到位资金 of one project in one month (``YYYY-MM``, 当月) from one source region; the latest
    record per (month, source) wins, so a correction is a new record and 0 withdraws an amount."""

    month: str
    source_region: str
    amount: Decimal
    unit: str  # 万元 or 亿元
    recorded_at: datetime
    evidence: str = ""

    def __post_init__(self) -> None:
        if not _MONTH.fullmatch(self.month):
            raise ValueError(f"funds month must be YYYY-MM, got {self.month!r}")
        to_yi(self.amount, self.unit)
        if self.amount < 0:
            raise ValueError(f"funds in place cannot be negative ({self.amount} {self.unit})")

    @property
    def amount_yi(self) -> Decimal:
        return to_yi(self.amount, self.unit)


@dataclass(frozen=True)
class Project:
    """An investment project (招商引资项目). 签约 is ``signed_on``; the later stages are ``milestones``.

    ``status_on`` dates the status (for 终止 the termination date; ``None`` means it applies at any date).
    """

    id: str
    name: str
    investor: str
    origin_region: str
    sector: str
    planned_investment: Decimal  # 计划总投资, 亿元
    department: str
    signed_on: date
    agreement_id: str | None = None
    milestones: tuple[Milestone, ...] = ()
    funds: tuple[FundsInPlace, ...] = ()
    status: Status = Status.ADVANCING
    status_reason: str = ""
    status_on: date | None = None
    is_sample: bool = False

    def terminated(self, on: date) -> bool:
        """终止 by ``on``."""
        return self.status is Status.TERMINATED and (self.status_on is None or self.status_on <= on)


@dataclass(frozen=True)
class Ledger:
    """The 台账: agreements and projects, current to ``as_of``; ``label`` is 示例数据 for the demo."""

    agreements: tuple[Agreement, ...]
    projects: tuple[Project, ...]
    as_of: date | None = None
    label: str = ""

    def projects_of(self, agreement_id: str) -> list[Project]:
        """The projects signed under an agreement."""
        return [p for p in self.projects if p.agreement_id == agreement_id]

    def latest_date(self) -> date:
        """The latest date the ledger mentions (signings, milestones, status, funds months)."""
        return max(_dates(self), default=date.min)

    def validate(self) -> list[str]:
        """Problems that make the ledger inconsistent (Chinese with English); empty when it is sound:
        duplicate ids, unknown agreement references, unknown agreement types or partner kinds."""
        out: list[str] = []
        for kind, ids in (("协议 agreement", [a.id for a in self.agreements]), ("项目 project", self.project_ids())):
            out += [f"{kind} 编号重复 duplicate id {i!r}" for i, n in Counter(ids).items() if n > 1]
        known = {a.id for a in self.agreements}
        for p in self.projects:
            if p.agreement_id is not None and p.agreement_id not in known:
                out.append(f"项目 {p.id} 引用了不存在的协议 references unknown agreement {p.agreement_id!r}")
        for a in self.agreements:
            if a.kind not in AGREEMENT_TYPES:
                out.append(f"协议 {a.id} 的类型未知 unknown agreement type {a.kind!r}")
        return out

    def project_ids(self) -> list[str]:
        return [p.id for p in self.projects]


def _dates(ledger: Ledger) -> Iterator[date]:
    for a in ledger.agreements:
        yield a.signed_on
    for p in ledger.projects:
        yield p.signed_on
        yield from (m.on for m in p.milestones if m.on is not None)
        if p.status_on is not None:
            yield p.status_on
        for f in p.funds:
            year, month = map(int, f.month.split("-"))
            yield date(year, month, calendar.monthrange(year, month)[1])
