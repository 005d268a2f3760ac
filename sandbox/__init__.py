"""
The sandbox: a small host Django project that runs the whole system locally.

Open edX itself cannot be installed on a laptop in minutes, so this project stands in
for the LMS: it finds the plugins through the same edx-django-utils entry points,
hosts the credit-hour XBlock in a real XBlock runtime bound to Django users, fires the
real openedx-events and runs the real openedx-filters where the LMS would, and starts
the reference registry beside it.  Nothing here is imported by the plugins.
"""

