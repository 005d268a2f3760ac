"""
Tutor plugin: installs this distribution into a Tutor-managed Open edX and configures it.

``pip install cadre-credit-hours`` puts this module on Tutor's ``tutor.plugin.v1`` entry
point; ``tutor plugins enable cadre`` then

* adds ``pip install`` of the distribution to the openedx image (so the LMS and Studio
  find the three apps through their ``lms.djangoapp``/``cms.djangoapp`` entry points and
  migrate them at ``tutor local launch``),
* sets the settings that differ per deployment (registry URL and signing key, the ID
  number hash key, the default policy) in the LMS and Studio production settings, and
* generates the two secrets once, on first ``tutor config save``.

Only Tutor imports this module (``from tutor import hooks``); the apps never do.
"""
from tutor import hooks

from cadre_policy_plugin import __version__

CONFIG_DEFAULTS = {
    # What pip installs into the openedx image; point it at a fork or a wheel URL if needed.
    "CADRE_PIP_SPEC": f"cadre-credit-hours=={__version__}",
    # Policy pack for learners whose organisation tree carries none (empty: no default).
    "CADRE_DEFAULT_POLICY": "",
    # Base URL of the provincial training-file registry (HTTPS in production; empty: not sent).
    "CADRE_REGISTRY_URL": "",
    "CADRE_REGISTRY_KEY_ID": "academy-1",
    # Issuer printed on the annual completion certificate.
    "CADRE_CERTIFICATE_ISSUER": "干部网络学院",
}

CONFIG_UNIQUE = {
    # Shared with the registry operator; generated once and kept in config.yml.
    "CADRE_REGISTRY_SECRET": "{{ 32|random_string }}",
    # Keyed hash of national ID numbers: never change it after learners exist.
    "CADRE_ID_NUMBER_HASH_KEY": "{{ 32|random_string }}",
}

_SETTINGS = """
# cadre-credit-hours (tutor plugin "cadre")
CADRE_POLICY.update({
    "DEFAULT_POLICY_KEY": "{{ CADRE_DEFAULT_POLICY }}",
    "ID_NUMBER_HASH_KEY": "{{ CADRE_ID_NUMBER_HASH_KEY }}",
    "CERTIFICATE_ISSUER": "{{ CADRE_CERTIFICATE_ISSUER }}",
    # Printed (and QR-encoded) on every certificate: absolute, on the LMS's own host.
    "CERTIFICATE_VERIFY_URL": "{{ 'https' if ENABLE_HTTPS else 'http' }}://{{ LMS_HOST }}/cadre/certificates/verify/",
})
"""

_LMS_SYNC = """
CADRE_SYNC.update({
    "REGISTRY_URL": "{{ CADRE_REGISTRY_URL }}",
    "SIGNING_KEYS": {"{{ CADRE_REGISTRY_KEY_ID }}": "{{ CADRE_REGISTRY_SECRET }}"},
    "ACTIVE_KEY_ID": "{{ CADRE_REGISTRY_KEY_ID }}",
})
"""

hooks.Filters.CONFIG_DEFAULTS.add_items(list(CONFIG_DEFAULTS.items()))
hooks.Filters.CONFIG_UNIQUE.add_items(list(CONFIG_UNIQUE.items()))
hooks.Filters.ENV_PATCHES.add_items(
    [
        ("openedx-dockerfile-post-python-requirements", 'RUN pip install "{{ CADRE_PIP_SPEC }}"'),
        ("openedx-lms-production-settings", _SETTINGS + _LMS_SYNC),
        ("openedx-cms-production-settings", _SETTINGS),
        ("openedx-lms-development-settings", _SETTINGS + _LMS_SYNC),
        ("openedx-cms-development-settings", _SETTINGS),
    ]
)

# The learner dashboard MFE links the plugin's learner home (the year at a glance, the
# courses, 我的证书) from its sidebar slot, when Tutor's MFE plugin is installed.
LEARNER_HOME_WIDGET = """
{
  op: PLUGIN_OPERATIONS.Insert,
  widget: {
    id: 'cadre_learner_home',
    priority: 10,
    type: DIRECT_PLUGIN,
    RenderWidget: () => (
      <div className="cadre-learner-home-link p-3">
        <a href={`${process.env.LMS_BASE_URL}/cadre/learner/`}>我的学习 · My learning</a>
        {' · '}
        <a href={`${process.env.LMS_BASE_URL}/cadre/learner/certificates/`}>我的证书 · My certificates</a>
      </div>
    ),
  },
}"""

try:
    from tutormfe.hooks import PLUGIN_SLOTS
except ImportError:  # Tutor without its MFE plugin: the dashboard link is documented instead
    PLUGIN_SLOTS = None
if PLUGIN_SLOTS is not None:
    PLUGIN_SLOTS.add_items([
        ("learner-dashboard", "org.openedx.frontend.learner_dashboard.widget_sidebar.v1", LEARNER_HOME_WIDGET),
    ])
