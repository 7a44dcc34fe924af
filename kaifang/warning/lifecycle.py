"""预警生命周期 — the states of an alert, who moves it where, and the replay of its history (pure).

::

    (data) 待确认 pending ──fired──▶ 已发出 raised ──acknowledge──▶ 已确认 acknowledged ──assign──▶ 已分派 assigned
               │                        │                              │                          │  ▲ (re-assign)
               └──withdrawn──▶ 已撤销    │                              │                  activate_plan
                  (never confirmed)      │                              │                          ▼
                                         └──────────── resolve (with a note) ◀──────────── 已启动预案 plan_activated

The data moves an alert in and out of ``pending`` and sets its level (escalated, de-escalated,
cleared, recurred — :func:`kaifang.warning.engine.decide`); people move it along the handling path.
``resolved`` and ``withdrawn`` are closed: the alert and its events stay, and a new episode of the same
series opens a new alert. Every move is an event; :func:`replay` rebuilds an alert's state and level
from its events alone, so a stored alert can always be checked against its history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ACTIONS", "CLOSED", "FIRING", "OPEN", "IllegalTransition", "State", "allowed_actions", "replay"]


class State(StrEnum):
    PENDING = "pending"
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    PLAN_ACTIVATED = "plan_activated"
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"

    @property
    def label_zh(self) -> str:
        return STATE_ZH[self]


STATE_ZH = {
    State.PENDING: "待确认",
    State.RAISED: "已发出",
    State.ACKNOWLEDGED: "已确认",
    State.ASSIGNED: "已分派",
    State.PLAN_ACTIVATED: "已启动预案",
    State.RESOLVED: "已解除",
    State.WITHDRAWN: "已撤销",
}
FIRING = frozenset({State.RAISED, State.ACKNOWLEDGED, State.ASSIGNED, State.PLAN_ACTIVATED})
OPEN = FIRING | {State.PENDING}
CLOSED = frozenset({State.RESOLVED, State.WITHDRAWN})

# action → (states it may start from, state it leads to); people's moves only
ACTIONS: Mapping[str, tuple[frozenset[State], State]] = {
    "acknowledge": (frozenset({State.RAISED}), State.ACKNOWLEDGED),
    "assign": (frozenset({State.ACKNOWLEDGED, State.ASSIGNED}), State.ASSIGNED),
    "activate_plan": (frozenset({State.ASSIGNED, State.PLAN_ACTIVATED}), State.PLAN_ACTIVATED),
    "resolve": (FIRING, State.RESOLVED),
}
ACTION_ZH = {"acknowledge": "确认", "assign": "分派", "activate_plan": "启动预案", "resolve": "解除"}

# data events: kind → (states it may start from (None: the alert is new), state it leads to (None: unchanged))
SYSTEM: Mapping[str, tuple[frozenset[State | None], State | None]] = {
    "pending": (frozenset({None}), State.PENDING),
    "pending-level": (frozenset({State.PENDING}), None),
    "fired": (frozenset({None, State.PENDING}), State.RAISED),
    "withdrawn": (frozenset({State.PENDING}), State.WITHDRAWN),
    "escalated": (frozenset(FIRING), None),
    "de-escalated": (frozenset(FIRING), None),
    "cleared": (frozenset(FIRING), None),
    "recurred": (frozenset(FIRING), None),
    # marks: the state does not change, notifications are held back or let through
    "silenced": (frozenset(OPEN), None),
    "unsilenced": (frozenset(OPEN), None),
    "inhibited": (frozenset(OPEN), None),
    "released": (frozenset(OPEN), None),
}
EVENT_ZH = {
    "pending": "待确认（条件出现，尚未持续足够期数）",
    "pending-level": "待确认等级变化",
    "fired": "发出预警",
    "withdrawn": "未确认即恢复，撤销",
    "escalated": "升级",
    "de-escalated": "降级",
    "cleared": "数据恢复正常",
    "recurred": "再次出现",
    "silenced": "静默",
    "unsilenced": "静默结束",
    "inhibited": "被产业级红色预警抑制",
    "released": "抑制解除",
    **ACTION_ZH,
}


class IllegalTransition(ValueError):
    """An action or event that the life cycle does not allow from the alert's current state."""


def allowed_actions(state: State) -> list[str]:
    return [name for name, (sources, _) in ACTIONS.items() if state in sources]


def target(kind: str, state: State | None) -> State | None:
    """The state after ``kind`` from ``state`` (``None`` = unchanged), or :class:`IllegalTransition`."""
    if kind in ACTIONS:
        sources, to = ACTIONS[kind]
    elif kind in SYSTEM:
        sources, to = SYSTEM[kind]  # type: ignore[assignment]
    else:
        raise IllegalTransition(f"未知事件 unknown event {kind!r}")
    if state not in sources:
        shown = state.label_zh if state else "无"
        raise IllegalTransition(f"状态「{shown}」不能执行「{EVENT_ZH.get(kind, kind)}」 ({kind} from {state})")
    return to


@dataclass(frozen=True)
class Replayed:
    state: State
    level: int
    events: int


def replay(events: Iterable[Mapping[str, object]]) -> Replayed:
    """Fold ``{kind, from_state, to_state, to_level}`` events in order; each must start where the last ended.

    Raises :class:`IllegalTransition` at the first event that does not follow from its predecessors.
    """
    state: State | None = None
    level = 0
    n = 0
    for n, e in enumerate(events, start=1):
        kind = str(e["kind"])
        recorded_from = State(str(e["from_state"])) if e.get("from_state") else None
        if recorded_from != state:
            raise IllegalTransition(f"事件 {n}（{kind}）记录的起始状态 {recorded_from} ≠ 重放状态 {state}")
        to = target(kind, state)
        state = to or state
        if str(e.get("to_state") or "") != (state.value if state else ""):
            raise IllegalTransition(f"事件 {n}（{kind}）记录的结果状态 {e.get('to_state')} ≠ {state}")
        level = int(str(e.get("to_level") or 0))
    if state is None:
        raise IllegalTransition("没有事件 no events")
    return Replayed(state, level, n)
