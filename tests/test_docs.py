"""The docs beside the code stay complete: every setting, command, API route and JSON twin is documented.

Like Datasette's ``test_docs.py``: the lists are read from the code (``ast`` for settings and command
parsers, the ninja API's OpenAPI schema, the URL patterns), so adding one without documenting it fails.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import URLPattern

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PACKAGE = ROOT / "kaifang"


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def calls_named(tree: ast.AST, *names: str) -> list[ast.Call]:
    """Calls of a plain function name (``env(...)``) or a method name (``sub.add_parser(...)``)."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if called in names:
            out.append(node)
    return out


def first_string_arg(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


# ----------------------------------------------------------------------------- (a) settings


def setting_names() -> list[str]:
    tree = ast.parse((PACKAGE / "settings.py").read_text(encoding="utf-8"))
    names = {first_string_arg(c) for c in calls_named(tree, "env", "env_bool")}
    return sorted(n for n in names if n)


def test_settings_are_read_through_env():
    names = setting_names()
    assert "DATABASE_URL" in names and "KAIFANG_DEBUG" in names, names  # the parser finds them


def test_every_setting_is_documented():
    text = doc("settings.md")
    missing = [name for name in setting_names() if f"`{name}`" not in text]
    assert not missing, f"environment variables read in kaifang/settings.py but not in docs/settings.md: {missing}"


@pytest.mark.parametrize("name", ["KAIFANG_TEST_DATABASE_URL", "KAIFANG_SCREENSHOT"])
def test_test_only_variables_are_documented(name):
    assert f"`{name}`" in doc("settings.md"), (
        f"{name} (used by scripts/test, benchmarks or tests) is not in docs/settings.md"
    )


# ----------------------------------------------------------------------------- (b) commands


def command_modules() -> dict[str, Path]:
    return {p.stem: p for p in sorted(PACKAGE.glob("*/management/commands/*.py")) if not p.name.startswith("_")}


def subcommands(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [name for c in calls_named(tree, "add_parser") if (name := first_string_arg(c))]


def test_our_commands_are_found():
    assert {"catalog", "demo"} <= set(command_modules())
    assert subcommands(command_modules()["catalog"]) == ["check", "export", "load"]


def test_every_command_is_documented():
    text = doc("commands.md")
    missing = [f"kaifang {name}" for name in command_modules() if f"kaifang {name}" not in text]
    assert not missing, f"management commands not documented in docs/commands.md: {missing}"


def test_every_subcommand_is_documented():
    text = doc("commands.md")
    wanted = [f"kaifang {name} {sub}" for name, path in command_modules().items() for sub in subcommands(path)]
    missing = [w for w in wanted if w not in text]
    assert not missing, f"subcommands not documented in docs/commands.md: {missing}"


# ----------------------------------------------------------------------------- (c) API routes


def mentioned(path: str, text: str) -> bool:
    """``path`` appears as a whole path (``/api/workspaces`` is not found inside ``/api/workspaces/{ws}``)."""
    return re.search(re.escape(path) + r"(?![\w/{}.-])", text) is not None


def test_every_api_route_is_documented():
    from kaifang.api import api

    paths = sorted(api.get_openapi_schema()["paths"])
    assert "/api/workspaces/{ws}/observations" in paths
    text = doc("api.md")
    missing = [p for p in paths if not mentioned(p, text)]
    assert not missing, f"API routes in the OpenAPI schema but not in docs/api.md: {missing}"


# ----------------------------------------------------------------------------- (d) JSON twins


def json_twin_names() -> list[str]:
    """URL names of the routes ending in .json, with their namespace for a system's included URLs."""
    from django.urls import URLResolver

    from kaifang import urls

    def walk(patterns: list, namespace: str = "") -> list[str]:  # type: ignore[type-arg]
        names = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "api":
                    continue  # the REST API's own OpenAPI schema, documented in section (c)
                inner = f"{pattern.namespace}:" if pattern.namespace else namespace
                names += walk(pattern.url_patterns, inner)
                continue
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            route = str(pattern.pattern).removesuffix("$").replace("\\.", ".")
            if route.endswith(".json"):
                names.append(namespace + pattern.name)
        return names

    return walk(urls.urlpatterns)


def test_every_json_twin_is_documented():
    names = json_twin_names()
    assert "indicator-json" in names, names  # the regex route is recognised too
    text = doc("api.md")
    missing = [n for n in names if f"`{n}`" not in text]
    assert not missing, f"JSON twin URL names (routes ending in .json) not in docs/api.md: {missing}"
