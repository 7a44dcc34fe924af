"""URLs of the projects system, mounted under /w/<ws>/projects/ (see kaifang/urls.py). Every page with
numbers has a ``.json`` twin named ``<name>-json``."""

from django.urls import path

from kaifang.projects import views, views_write

app_name = "projects"


def _twin(route: str, view, name: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    """The page at ``route/`` and its JSON twin at ``route.json`` (``.json`` alone for the landing page)."""
    page = f"{route}/" if route else ""
    json = f"{route}.json" if route else "summary.json"
    return [path(page, view, name=name), path(json, view, {"fmt": "json"}, name=f"{name}-json")]


urlpatterns = [
    *_twin("", views.home, "home"),
    *_twin("ledger", views.ledger, "ledger"),
    *_twin("p/<int:pk>", views.project, "project"),
    path("p/<int:pk>/milestones/", views_write.milestone_add, name="milestone-add"),
    path("p/<int:pk>/milestones/retract/", views_write.milestone_retract, name="milestone-retract"),
    path("p/<int:pk>/funds/", views_write.funds_add, name="funds-add"),
    path("p/<int:pk>/status/", views_write.status_change, name="status-change"),
    path("p/new/", views_write.project_new, name="project-new"),
    *_twin("agreements", views.agreements, "agreements"),
    *_twin("agreements/<int:pk>", views.agreement, "agreement"),
    path("agreements/new/", views_write.agreement_new, name="agreement-new"),
    *_twin("funnel", views.funnel, "funnel"),
    *_twin("regions", views.regions, "regions"),
    *_twin("stalled", views.stalled, "stalled"),
    *_twin("funds", views.funds, "funds"),
    *_twin("lineage/<int:pk>", views.lineage, "lineage"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("import/", views_write.import_page, name="import"),
]
