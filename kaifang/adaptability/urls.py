"""URLs of the adaptability assessment, mounted under /w/<ws>/adaptability/ (see kaifang/urls.py)."""

from django.urls import path

from kaifang.adaptability import views

app_name = "adaptability"
urlpatterns = [
    path("", views.library, name="library"),
    path("library.json", views.library, {"fmt": "json"}, name="library-json"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix.json", views.matrix, {"fmt": "json"}, name="matrix-json"),
    path("assess-all/", views.assess_all, name="assess-all"),
    path("models/<slug:key>/", views.model, name="model"),
    path("models/<slug:key>.json", views.model, {"fmt": "json"}, name="model-json"),
    path("models/<slug:key>/report/", views.report, name="report"),
    path("models/<slug:key>/report.json", views.report, {"fmt": "json"}, name="report-json"),
    path("models/<slug:key>/assess/", views.assess_now, name="assess"),
    path("models/<slug:key>/prerequisites/new/", views.prerequisite_add, name="prerequisite-add"),
    path("prerequisites/<int:pk>/edit/", views.prerequisite_edit, name="prerequisite-edit"),
    path("prerequisites/<int:pk>/retire/", views.prerequisite_retire, name="prerequisite-retire"),
]
