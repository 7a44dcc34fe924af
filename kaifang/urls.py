"""URL map. Pages live under ``/w/<workspace>/``; each page with numbers has a ``.json`` twin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from kaifang.api import api
from kaifang.cockpit import views
from kaifang.collection import views as collection
from kaifang.indexing import views as indexing
from kaifang.jobs import views as jobs

WS = "w/<slug:ws>"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="cockpit/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path(f"{WS}/", views.cockpit, name="cockpit"),
    path(f"{WS}/cockpit.json", views.cockpit, {"fmt": "json"}, name="cockpit-json"),
    path(f"{WS}/indicators/", views.indicators, name="indicators"),
    path(f"{WS}/indicators.json", views.indicators, {"fmt": "json"}, name="indicators-json"),
    re_path(
        r"^w/(?P<ws>[-\w]+)/indicators/(?P<code>[A-Z0-9_]+)\.json$",
        views.indicator,
        {"fmt": "json"},
        name="indicator-json",
    ),
    re_path(r"^w/(?P<ws>[-\w]+)/indicators/(?P<code>[A-Z0-9_]+)/$", views.indicator, name="indicator"),
    path(f"{WS}/audit/", views.audit_log, name="audit"),
    path(f"{WS}/audit.json", views.audit_log, {"fmt": "json"}, name="audit-json"),
    path(f"{WS}/systems/<slug:key>/", views.system, name="system"),
    path(f"{WS}/collection/", collection.submissions, name="collection"),
    path(f"{WS}/collection.json", collection.submissions, {"fmt": "json"}, name="collection-json"),
    path(f"{WS}/collection/upload/", collection.upload, name="collection-upload"),
    path(f"{WS}/collection/board/", collection.board, name="collection-board"),
    path(f"{WS}/collection/board.json", collection.board, {"fmt": "json"}, name="collection-board-json"),
    path(f"{WS}/collection/<int:pk>/", collection.submission, name="submission"),
    path(f"{WS}/collection/<int:pk>.json", collection.submission, {"fmt": "json"}, name="submission-json"),
    path(f"{WS}/collection/<int:pk>/submit/", collection.submit, name="submission-submit"),
    path(f"{WS}/collection/<int:pk>/review/", collection.review, name="submission-review"),
    path(f"{WS}/index/", indexing.home, name="index"),
    path(f"{WS}/index/<slug:code>/", indexing.ranking, name="index-ranking"),
    path(f"{WS}/index/<slug:code>.json", indexing.ranking, {"fmt": "json"}, name="index-ranking-json"),
    path(f"{WS}/index/<slug:code>/units/<str:unit>/", indexing.profile, name="index-profile"),
    path(f"{WS}/index/<slug:code>/units/<str:unit>.json", indexing.profile, {"fmt": "json"}, name="index-profile-json"),
    path(f"{WS}/index/<slug:code>/method/", indexing.method, name="index-method"),
    path(f"{WS}/index/<slug:code>/method.json", indexing.method, {"fmt": "json"}, name="index-method-json"),
    path(f"{WS}/index/<slug:code>/uncertainty/", indexing.uncertainty, name="index-uncertainty"),
    path(
        f"{WS}/index/<slug:code>/uncertainty.json", indexing.uncertainty, {"fmt": "json"}, name="index-uncertainty-json"
    ),
    path(f"{WS}/index/<slug:code>/uncertainty/run/", indexing.start_uncertainty, name="index-uncertainty-run"),
    path(f"{WS}/index/<slug:code>/build/", indexing.start_build, name="index-build"),
    path(f"{WS}/roadmap/", include("kaifang.roadmap.urls")),
    path(f"{WS}/projects/", include("kaifang.projects.urls")),
    path(f"{WS}/warning/", include("kaifang.warning.urls")),
    path(f"{WS}/adaptability/", include("kaifang.adaptability.urls")),
    path(f"{WS}/stress/", include("kaifang.stress.urls")),
    path(f"{WS}/jobs/", jobs.jobs, name="jobs"),
    path(f"{WS}/jobs.json", jobs.jobs, {"fmt": "json"}, name="jobs-json"),
    path(f"{WS}/jobs/<int:pk>/", jobs.job, name="job"),
    path(f"{WS}/jobs/<int:pk>.json", jobs.job, {"fmt": "json"}, name="job-json"),
]
