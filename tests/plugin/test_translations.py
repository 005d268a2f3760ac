"""The zh-Hans catalogue is compiled, complete and used."""
import os
import re

from django.utils import translation

import cadre_policy_plugin

LOCALE = os.path.join(os.path.dirname(cadre_policy_plugin.__file__), "locale", "zh_Hans", "LC_MESSAGES")


def test_catalogue_is_compiled_and_complete():
    assert os.path.isfile(os.path.join(LOCALE, "django.mo"))
    with open(os.path.join(LOCALE, "django.po"), encoding="utf-8") as handle:
        po = handle.read()
    empty = re.findall(r'\nmsgid "(.+)"\nmsgstr ""\n\n', po)
    assert empty == []
    assert os.path.getmtime(os.path.join(LOCALE, "django.mo")) >= os.path.getmtime(os.path.join(LOCALE, "django.po")) - 1


def test_messages_translate_both_ways():
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        assert gettext("Online Training Completion Certificate") == "网络培训结业证书"
    with translation.override("en"):
        assert gettext("Online Training Completion Certificate") == "Online Training Completion Certificate"
