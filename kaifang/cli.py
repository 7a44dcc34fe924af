"""The ``kaifang`` console command: Django's management commands plus our own.

``kaifang migrate``, ``kaifang runserver``, ``kaifang createsuperuser`` … behave as ``manage.py``;
``kaifang catalog check FILE``, ``kaifang catalog export --format json``, ``kaifang demo load`` are ours.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifang.settings")
    from django.core.management import execute_from_command_line

    args = ["kaifang", *(sys.argv[1:] if argv is None else argv)]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
