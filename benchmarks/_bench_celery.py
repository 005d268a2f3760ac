"""The Celery app of the close benchmark's worker processes (``celery -A benchmarks._bench_celery worker``)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks._bench_settings")

app = Celery("cadre_bench")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["cadre_policy_plugin"])
app.set_current()
app.set_default()
