"""URLs of the stress tests, mounted under /w/<ws>/stress/ (see kaifang/urls.py). Pages have .json twins."""

from django.urls import path

from kaifang.stress import views

app_name = "stress"
urlpatterns = [
    path("", views.home, name="home"),
    path("home.json", views.home, {"fmt": "json"}, name="home-json"),
    path("tables/upload/", views.table_upload, name="table-upload"),
    path("tables/<int:pk>/", views.table, name="table"),
    path("tables/<int:pk>.json", views.table, {"fmt": "json"}, name="table-json"),
    path("tables/<int:pk>/regionalise/", views.table_regionalise, name="table-regionalise"),
    path("scenarios/new/", views.scenario_builder, name="scenario-builder"),
    path("scenarios/edit/", views.scenario_edit, name="scenario-new"),
    path("scenarios/<int:pk>/", views.scenario, name="scenario"),
    path("scenarios/<int:pk>.json", views.scenario, {"fmt": "json"}, name="scenario-json"),
    path("scenarios/<int:pk>/edit/", views.scenario_edit, name="scenario-edit"),
    path("runs/start/", views.run_start, name="run-start"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>.json", views.run, {"fmt": "json"}, name="run-json"),
    path("runs/<int:pk>.xlsx", views.run_xlsx, name="run-xlsx"),
    path("compare/", views.compare, name="compare"),
    path("compare.json", views.compare, {"fmt": "json"}, name="compare-json"),
]
