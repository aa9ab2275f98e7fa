"""`python -m parkbeat` / `parkbeat`: the same as manage.py."""
import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkbeat.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv or sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
