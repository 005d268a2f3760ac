"""
Plugin discovery as the LMS does it, restricted to this distribution's apps.

edx-platform builds ``INSTALLED_APPS``, settings, URLs and signal receivers from every
``lms.djangoapp`` entry point in the virtualenv.  Outside edx-platform that is wrong:
edx-completion (installed for the XBlock benchmark) registers ``completion`` as an LMS
plugin whose receivers import platform code, and any other plugin a developer has
installed would be loaded too.  The four edx-django-utils functions all read one seam,
``edx_django_utils.plugins.registry.get_plugin_app_configs``; :func:`only_our_plugins`
narrows that seam to the entry points published by the distribution that ships
``cadre_policy_plugin`` while the real functions run (docs/decisions/0040).
"""
import logging
from contextlib import contextmanager
from functools import cache
from importlib import metadata

from edx_django_utils.plugins import registry

log = logging.getLogger(__name__)

#: The package whose distribution defines what "our" plugins are.
ANCHOR_PACKAGE = "cadre_policy_plugin"
LMS = "lms.djangoapp"
CMS = "cms.djangoapp"


@cache
def our_distribution():
    """Name of the installed distribution that ships :data:`ANCHOR_PACKAGE`."""
    names = metadata.packages_distributions().get(ANCHOR_PACKAGE)
    if not names:
        raise RuntimeError(
            f"{ANCHOR_PACKAGE} is not installed as a distribution; run `pip install -e .` first"
        )
    return names[0]


@cache
def our_packages():
    """Top-level packages of our distribution (from its entry points' modules)."""
    dist = metadata.distribution(our_distribution())
    packages = {ANCHOR_PACKAGE}
    for ep in dist.entry_points:
        packages.add(ep.module.split(".")[0])
    return frozenset(packages)


def allowed_entry_points(project_type):
    """
    The ``project_type`` entry points whose module belongs to one of our packages.

    The distribution name alone is not enough: an editable install and a wheel of the
    same project may both be visible on odd paths, so the module is checked as well.
    """
    allowed = {}
    for ep in metadata.entry_points(group=project_type):
        if ep.module.split(".")[0] not in our_packages():
            continue
        if ep.dist is not None and ep.dist.name != our_distribution():
            continue
        allowed[ep.name] = ep
    return allowed


def ignored_entry_points(project_type):
    """Names of installed ``project_type`` plugins the sandbox deliberately leaves out."""
    allowed = allowed_entry_points(project_type)
    return sorted(
        f"{ep.name} ({ep.value})"
        for ep in metadata.entry_points(group=project_type)
        if ep.name not in allowed
    )


@contextmanager
def only_our_plugins():
    """
    Let edx-django-utils see only this distribution's plugins while the block runs.

    The real ``get_plugin_apps`` / ``add_plugins`` / ``get_plugin_url_patterns`` /
    ``connect_plugin_receivers`` still do all the work (reading ``plugin_app``,
    importing settings modules, mounting URLs, connecting receivers); only the list of
    app configs they iterate over is filtered.
    """
    original = registry.get_plugin_app_configs

    def filtered(project_type):
        allowed = allowed_entry_points(project_type)
        configs = []
        for app_config in original(project_type):
            module_root = app_config.__module__.split(".")[0]
            if module_root in our_packages() and any(
                ep.value.split(":")[0] == app_config.__module__ for ep in allowed.values()
            ):
                configs.append(app_config)
        return configs

    registry.get_plugin_app_configs = filtered
    try:
        yield
    finally:
        registry.get_plugin_app_configs = original
