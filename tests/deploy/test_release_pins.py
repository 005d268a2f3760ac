"""
The release matrix: the pins of each supported Open edX release are admitted by the
distribution's ranges, and a release environment really runs on them.

``requirements/constraints-openedx-<release>.txt`` holds the versions a deployment of
that release runs; ``tox -e openedx-<release>`` installs the plugin and its test
requirements constrained to them (it sets ``CADRE_RELEASE_ENV``).
"""
import os
import re
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RELEASES = ("teak", "ulmo")


def _lines(name):
    with open(os.path.join(REPO, "requirements", name), encoding="utf-8") as handle:
        for line in handle:
            line = re.sub(r"#.*", "", line).strip()
            if line and not line.startswith("-"):
                yield Requirement(line)


def pins(release):
    """{canonical name: Version} of the exact pins of a release's constraints file."""
    found = {}
    for requirement in _lines(f"constraints-openedx-{release}.txt"):
        specs = list(requirement.specifier)
        if len(specs) == 1 and specs[0].operator == "==":
            found[canonicalize_name(requirement.name)] = Version(specs[0].version)
    return found


def install_requires():
    return {canonicalize_name(req.name): req for req in _lines("base.in")}


@pytest.mark.parametrize("release", RELEASES)
def test_install_requires_admits_the_release(release):
    ranges = install_requires()
    pinned = pins(release)
    for name in ("django", "djangorestframework", "edx-django-utils", "edx-opaque-keys", "openedx-events",
                 "openedx-filters", "xblock", "celery", "edx-ccx-keys"):
        assert name in pinned, f"{release} pins no {name}"
        assert pinned[name] in ranges[name].specifier, f"{name} {ranges[name].specifier} refuses {release}'s {pinned[name]}"


def test_the_two_releases_differ_where_the_platform_moved():
    teak, ulmo = pins("teak"), pins("ulmo")
    assert teak["django"].major == 4 and ulmo["django"].major == 5  # Teak 4.2 LTS, Ulmo 5.2 LTS
    assert teak["openedx-filters"] < ulmo["openedx-filters"] and teak["edx-opaque-keys"] < ulmo["edx-opaque-keys"]


@pytest.mark.skipif(not os.environ.get("CADRE_RELEASE_ENV", "").startswith("openedx-"),
                    reason="only in a release environment (tox -e openedx-teak / openedx-ulmo)")
def test_this_environment_runs_on_the_release_pins():
    release = os.environ["CADRE_RELEASE_ENV"].removeprefix("openedx-")
    for name, version in pins(release).items():
        assert Version(metadata.version(name)) == version, f"{name} is {metadata.version(name)}, {release} pins {version}"
