"""URLs of the projects system, mounted under /w/<ws>/projects/ (see kaifang/urls.py)."""

from django.urls import path  # noqa: F401 - the system's pages are added here

app_name = "projects"
urlpatterns: list = []  # type: ignore[type-arg]
