"""
One distribution, three Open edX apps (see docs/decisions/0001-one-distribution-three-apps.rst).
"""
import os
import re

from setuptools import find_namespace_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def load_requirements(*names):
    """Read direct dependencies from requirements/*.in, honouring ``-c``/``-r`` lines."""
    reqs = []
    for name in names:
        with open(os.path.join(HERE, name), encoding="utf-8") as handle:
            for line in handle:
                line = re.sub(r"#.*", "", line).strip()
                if line and not line.startswith(("-c", "-r", "-e")):
                    reqs.append(line)
    return reqs


def version():
    with open(os.path.join(HERE, "cadre_policy_plugin", "__init__.py"), encoding="utf-8") as handle:
        return re.search(r'__version__ = "([^"]+)"', handle.read()).group(1)


with open(os.path.join(HERE, "README.md"), encoding="utf-8") as readme:
    LONG_DESCRIPTION = readme.read()

setup(
    name="cadre-credit-hours",
    version=version(),
    description="Cadre training-hour (学时) rules, verified learning time and registry sync for Open edX",
    long_description=LONG_DESCRIPTION,
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    license_files=["LICENSE.txt"],
    # Namespace discovery so that data folders (fonts, locale, templates, static) are
    # packages too: setuptools then ships them without "importable data" warnings.
    packages=find_namespace_packages(
        include=["cadre_policy_plugin*", "cadre_credits_xblock*", "sync_adapter*"],
        exclude=["*.__pycache__", "*node_modules*"],
    ),
    include_package_data=True,
    package_data={
        "cadre_policy_plugin": ["policies/*.yaml", "rules/*.json", "locale/*/LC_MESSAGES/*", "templates/**/*", "fonts/*",
                                "static/**/*"],
        "cadre_credits_xblock": ["static/**/*", "templates/*", "locale/*/LC_MESSAGES/*"],
        "sync_adapter": ["templates/**/*", "locale/*/LC_MESSAGES/*"],
    },
    python_requires=">=3.11",
    install_requires=load_requirements("requirements/base.in"),
    entry_points={
        "xblock.v1": [
            "cadre_credits = cadre_credits_xblock.block:CadreCreditsXBlock",
        ],
        "lms.djangoapp": [
            "cadre_policy = cadre_policy_plugin.apps:CadrePolicyConfig",
            "cadre_credits = cadre_credits_xblock.apps:CadreCreditsConfig",
            "cadre_sync = sync_adapter.apps:SyncAdapterConfig",
        ],
        "cms.djangoapp": [
            "cadre_policy = cadre_policy_plugin.apps:CadrePolicyConfig",
            "cadre_credits = cadre_credits_xblock.apps:CadreCreditsConfig",
            "cadre_sync = sync_adapter.apps:SyncAdapterConfig",
        ],
        "tutor.plugin.v1": [
            "cadre = cadre_policy_plugin.deploy.tutor_plugin",
        ],
        "console_scripts": [
            "cadre-hours = cadre_policy_plugin.cli:main",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 4.2",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Natural Language :: Chinese (Simplified)",
    ],
)
