"""
Cadre training-hour policy plugin for Open edX.

Importing this package must not import Django (OEP-49): the pure rules engine in
``cadre_policy_plugin.rules`` and the ``cadre-hours`` command line run without it.
The Django app lives in ``cadre_policy_plugin.apps`` and is found by Open edX through
the ``lms.djangoapp`` / ``cms.djangoapp`` entry points.
"""

__version__ = "0.1.0"
