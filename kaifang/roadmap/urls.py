"""URLs of the roadmap system, mounted under /w/<ws>/roadmap/ (see kaifang/urls.py)."""

from django.urls import path  # noqa: F401 - the system's pages are added here

app_name = "roadmap"
urlpatterns: list = []  # type: ignore[type-arg]
