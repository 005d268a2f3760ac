"""
The Celery app of the close integration test's workers and command (the LMS has its
own; ``cadre_policy.close_chunk`` is a ``shared_task`` and binds to whichever app runs).

``CADRE_CLOSE_IT_PAUSE`` seconds of sleep before each chunk slow the worker down so the
test can kill it in the middle of a close; it is part of this test host only.
"""
import os
import time

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.plugin.close_worker_settings")

app = Celery("cadre_close_it")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["cadre_policy_plugin"])
app.set_current()
app.set_default()

PAUSE = float(os.environ.get("CADRE_CLOSE_IT_PAUSE", "0"))


@task_prerun.connect
def _slow_down(**kwargs):
    if PAUSE > 0:
        time.sleep(PAUSE)
