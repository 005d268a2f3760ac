"""
The sandbox's Celery app.

Eager by default (no broker, tasks run in the web process); with
``SANDBOX_CELERY_BROKER`` set, ``celery -A sandbox worker -B`` runs real workers and
beat against the same settings (docs/sandbox.md).
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings")

app = Celery("sandbox")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
