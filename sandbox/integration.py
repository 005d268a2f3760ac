"""
Host-side wiring that the LMS's own settings would carry: which filter steps run, and
the demo speed-ups.

Kept apart from ``settings.py`` because it adapts to what the plugins provide: a
pipeline step is configured only when its module defines it, so the sandbox starts
even while a plugin is half-built (and says so in the log).
"""
import ast
import importlib.util
import logging

log = logging.getLogger(__name__)

#: The filters the LMS runs at the moments the sandbox reproduces, and the plugin's
#: pipeline steps for each (openedx-filters' ``OPEN_EDX_FILTERS_CONFIG`` format).
FILTER_STEPS = {
    "org.openedx.learning.certificate.creation.requested.v1": [
        "cadre_policy_plugin.pipeline.RequireVerifiedLearningTime",
    ],
    "org.openedx.learning.course.enrollment.started.v1": [
        "cadre_policy_plugin.pipeline.RequireApprovedProfile",
    ],
}


def _importable(dotted):
    """
    True when ``dotted`` names a class defined in its module's source.

    Settings load before Django's app registry, and a pipeline module imports models,
    so the module is read (AST) rather than imported; openedx-filters imports the step
    itself when the filter first runs.
    """
    module_path, _, name = dotted.rpartition(".")
    try:
        spec = importlib.util.find_spec(module_path)
    except ImportError:
        return False
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return False
    with open(spec.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    return any(isinstance(node, ast.ClassDef) and node.name == name for node in tree.body)


def filters_config(steps=FILTER_STEPS):
    """``OPEN_EDX_FILTERS_CONFIG`` with every available step, ``fail_silently`` off."""
    config = {}
    for filter_type, pipeline in steps.items():
        available = [step for step in pipeline if _importable(step)]
        missing = sorted(set(pipeline) - set(available))
        if missing:
            log.warning("Sandbox: filter steps not available yet for %s: %s", filter_type, ", ".join(missing))
        config[filter_type] = {"fail_silently": False, "pipeline": available}
    return config


def configure_host_settings(namespace):
    """Fill the LMS-side settings into the settings module's ``namespace``."""
    existing = namespace.get("OPEN_EDX_FILTERS_CONFIG") or {}
    namespace["OPEN_EDX_FILTERS_CONFIG"] = {**filters_config(), **existing}
