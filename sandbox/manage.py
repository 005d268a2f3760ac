#!/usr/bin/env python3
"""``python -m sandbox.manage <command>``: Django's manage.py for the sandbox host."""
import os
import sys


def main():
    """Run a management command with the sandbox settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
