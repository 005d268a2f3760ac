"""
The Celery app of the integration tests' worker and beat subprocesses (the LMS has
its own; the tasks are ``shared_task`` and bind to whichever app runs them).
"""
import os

from celery import Celery

from sandbox.clock import start_from_environment

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.sync.worker_settings")
# Beat reads the settings late; the clock must be right from its first schedule.
start_from_environment()

app = Celery("cadre_sync_it")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["sync_adapter"])
