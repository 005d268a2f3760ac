"""Operator commands (manage.py cadre_...)."""
