"""URLs of the warning system, mounted under /w/<ws>/warning/ (see kaifang/urls.py)."""

from django.urls import path  # noqa: F401 - the system's pages are added here

app_name = "warning"
urlpatterns: list = []  # type: ignore[type-arg]
