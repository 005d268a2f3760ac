"""
``serve``: the sandbox web server, plus the in-process beat stand-in.

Django's ``runserver`` (threaded, no auto-reload, static files served with
``--insecure`` so DEBUG can stay off), started after :func:`sandbox.ticker.start_ticker`.
"""
from django.core.management import call_command
from django.core.management.base import BaseCommand

from sandbox.ticker import start_ticker


class Command(BaseCommand):
    help = "Serve the sandbox (threaded dev server) and run the beat schedule in-process when Celery is eager."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        ticker = start_ticker()
        try:
            call_command("runserver", addrport, use_reloader=False, insecure_serving=True, use_threading=True)
        finally:
            if ticker:
                ticker.stop()
