"""URLs of the roadmap system, mounted under /w/<ws>/roadmap/ (see kaifang/urls.py). Pages with numbers have a
``.json`` twin named ``<name>-json``."""

from django.urls import path

from kaifang.roadmap import views, views_edit, views_files, views_write

app_name = "roadmap"
J = {"fmt": "json"}

urlpatterns = [
    path("", views.tree, name="tree"),
    path("tree.json", views.tree, J, name="tree-json"),
    path("policies/", views.policies, name="policies"),
    path("policies.json", views.policies, J, name="policies-json"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>.json", views.task, J, name="task-json"),
    path("tasks/<int:pk>/report/", views_write.file_report, name="task-report"),
    path("kpis/<int:pk>/", views.kpi, name="kpi"),
    path("kpis/<int:pk>.json", views.kpi, J, name="kpi-json"),
    path("kpis/<int:pk>/revise/", views_write.request_revision, name="kpi-revise"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>.json", views.report, J, name="report-json"),
    path("reports/<int:pk>/reject/", views_write.reject_report, name="report-reject"),
    path("evidence/<int:pk>/", views_files.evidence, name="evidence"),
    path("board/", views.board, name="board"),
    path("board.json", views.board, J, name="board-json"),
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly.json", views.quarterly, J, name="quarterly-json"),
    path("quarterly/finalise/", views_write.finalise_quarter, name="quarterly-finalise"),
    path("quarterly/report.<str:kind>", views_files.quarterly_report, name="quarterly-report"),
    path("quarterly/generate/", views_write.generate_report, name="quarterly-generate"),
    path("jobs/<int:pk>/report.<str:kind>", views_files.job_report, name="job-report"),
    path("annual/", views.annual, name="annual"),
    path("annual.json", views.annual, J, name="annual-json"),
    path("annual/scores.xlsx", views_files.annual_xlsx, name="annual-xlsx"),
    path("annual/bundle.zip", views_files.bundle, name="bundle"),
    path("revisions/", views.revisions, name="revisions"),
    path("revisions.json", views.revisions, J, name="revisions-json"),
    path("revisions/<int:pk>/decide/", views_write.decide_revision, name="revision-decide"),
    path("registry/", views.registry, name="registry"),
    path("registry.json", views.registry, J, name="registry-json"),
    path("registry/new/", views_write.new_measure, name="measure-new"),
    path("registry/<int:pk>/", views.measure, name="measure"),
    path("registry/<int:pk>.json", views.measure, J, name="measure-json"),
    path("registry/<int:pk>/log/", views_write.measure_log, name="measure-log"),
    path("registry/<int:pk>/outcome/", views_write.measure_outcome, name="measure-outcome"),
    path("edit/<str:kind>/", views_edit.edit, name="edit-new"),
    path("edit/<str:kind>/<int:pk>/", views_edit.edit, name="edit"),
]
