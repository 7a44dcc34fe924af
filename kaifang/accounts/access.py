"""Access rules, in one place: which workspaces a user sees and what they may write there.

- 管理员 (admin) and 分析员 (analyst) write any indicator of their workspace;
- 部门数据专员 (officer) writes only the indicators of its own department;
- 领导/查看者 (viewer) and 第三方评估 (evaluator) read only;
- a workspace the user has no membership in does not exist for them (404, not 403, so that its
  name does not leak). Superusers are administrators everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404

from kaifang.accounts.models import Membership, Role, Workspace

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from kaifang.catalog.models import Indicator


@dataclass(frozen=True)
class Access:
    """What one user may do in one workspace."""

    workspace: Workspace
    role: str
    department_id: int | None

    @property
    def can_write(self) -> bool:
        return self.role in {Role.ADMIN, Role.ANALYST, Role.OFFICER}

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_manage(self) -> bool:
        """Administrators and analysts: they write anything of the workspace (rules, scenarios, reviews …)."""
        return self.role in {Role.ADMIN, Role.ANALYST}

    def can_write_indicator(self, indicator: Indicator) -> bool:
        if self.can_manage:
            return True
        return self.role == Role.OFFICER and indicator.department_id == self.department_id

    def why_not(self, indicator: Indicator) -> str:
        if not self.can_write:
            return f"角色「{Role(self.role).label}」只读，不能提交数据 (role {self.role} is read-only)"
        return (
            f"指标 {indicator.code} 由 {indicator.department} 负责，您只能提交本部门指标 "
            f"(indicator {indicator.code} belongs to another department)"
        )


def workspaces_for(user: User | AnonymousUser) -> list[Workspace]:
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Workspace.objects.all())
    return list(Workspace.objects.filter(memberships__user=user).order_by("code"))


def access_for(user: User | AnonymousUser, workspace_code: str) -> Access:
    """The user's access to a workspace, or 404 when they have none."""
    if not user.is_authenticated:
        raise Http404("未登录")
    try:
        workspace = Workspace.objects.get(code=workspace_code)
    except Workspace.DoesNotExist:
        raise Http404(f"工作区 {workspace_code} 不存在") from None
    if user.is_superuser:
        return Access(workspace, Role.ADMIN, None)
    m = Membership.objects.filter(user=user, workspace=workspace).first()
    if m is None:
        raise Http404(f"工作区 {workspace_code} 不存在")
    return Access(workspace, m.role, m.department_id)
