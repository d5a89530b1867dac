"""The ``visd`` console command: Django's management commands under the project's name.

``visd <command>`` behaves like ``manage.py <command>``. Command names may be written with
hyphens (``visd load-reference``); they map to the module ``load_reference``.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visd.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "visd"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
