"""Kaifang settings — every setting comes from an environment variable, read here and nowhere else.

See ``docs/settings.md`` for the list (a test checks that every ``env(...)`` name below is documented).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

DEFAULT_SECRET_KEY = "kaifang-insecure-development-key-change-me"


def env(name: str, default: str = "") -> str:
    """Read one setting from the environment (``KAIFANG_*`` or a standard name such as ``DATABASE_URL``)."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "1" if default else "0").strip().lower()
    return raw in {"1", "true", "yes", "on"}


DEBUG = env_bool("KAIFANG_DEBUG", True)
SECRET_KEY = env("KAIFANG_SECRET_KEY", DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "KAIFANG_SECRET_KEY 仍是默认值，关闭 DEBUG 时必须设置一个随机密钥 "
        "(the default SECRET_KEY is refused when KAIFANG_DEBUG is off)."
    )

ALLOWED_HOSTS = [h.strip() for h in env("KAIFANG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in env("KAIFANG_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

DATA_DIR = Path(env("KAIFANG_DATA_DIR", str(PROJECT_DIR / "var")))
DEFAULT_SQLITE = DATA_DIR / "kaifang.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # WAL lets the cockpit read while a department's upload is written; a 64 MiB page cache keeps
        # the observation indexes in memory during bulk loads.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
        "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
    }

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "kaifang.accounts",
    "kaifang.audit",
    "kaifang.regions",
    "kaifang.catalog",
    "kaifang.observations",
    "kaifang.collection",
    "kaifang.jobs",
    "kaifang.indexing",
    "kaifang.roadmap",
    "kaifang.projects",
    "kaifang.warning",
    "kaifang.adaptability",
    "kaifang.stress",
    "kaifang.cockpit",
    "kaifang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaifang.cockpit.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kaifang.audit.middleware.AuditActorMiddleware",
]

ROOT_URLCONF = "kaifang.urls"
WSGI_APPLICATION = "kaifang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kaifang.cockpit.context.navigation",
            ]
        },
    }
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("KAIFANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("KAIFANG_STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
NODE_MODULES = Path(env("KAIFANG_NODE_MODULES", str(PROJECT_DIR / "node_modules")))
# ECharts and htmx come from the npm registry (package.json), never from a CDN.
STATICFILES_DIRS = [
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    # echarts@4.9.0 (Apache-2.0) still ships China's province maps; unofficial boundaries (see docs/indexing.md)
    ("vendor/maps", NODE_MODULES / "echarts4-maps" / "map" / "json"),
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("KAIFANG_LOG_LEVEL", "WARNING")},
}
EMAIL_BACKEND = env("KAIFANG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")  # S5 alert e-mails
