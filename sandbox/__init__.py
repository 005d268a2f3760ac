"""
The sandbox: a small host Django project that runs the whole system locally.

Open edX itself cannot be installed on a laptop in minutes, so this project stands in
for the LMS: it finds the plugins through the same edx-django-utils entry points,
hosts the credit-hour XBlock in a real XBlock runtime bound to Django users, fires the
real openedx-events and runs the real openedx-filters where the LMS would, and starts
the reference registry beside it.  Nothing here is imported by the plugins.
"""

# Django's usual pattern: load the Celery app with the project so that
# ``@shared_task`` tasks bind to it (eager in the sandbox, real workers on demand).
from sandbox.celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
