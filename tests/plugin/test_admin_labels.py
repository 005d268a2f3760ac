"""
Every label a person reads in the Django admin is translated: app names, model names,
list column headers, filter titles and detail-page field labels of this distribution's
apps (zh-Hans first); lists show real names beside usernames.
"""
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.utils import translation

OUR_APPS = ("cadre_policy", "cadre_sync")
CJK = re.compile(r"[\u4e00-\u9fff]")


def our_model_admins():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in OUR_APPS]


def test_the_app_names_are_translated():
    with translation.override("zh-hans"):
        for label in OUR_APPS:
            name = str(apps.get_app_config(label).verbose_name)
            assert CJK.search(name), f"app {label}: {name!r}"


@pytest.mark.parametrize(("model", "model_admin"), our_model_admins(), ids=lambda v: getattr(v, "__name__", ""))
def test_every_list_header_filter_and_field_label_is_translated(model, model_admin):
    untranslated = []
    with translation.override("zh-hans"):
        for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
            if not CJK.search(str(name)):
                untranslated.append(f"model name {name!r}")
        for column in model_admin.list_display:
            if column in ("__str__", "id"):  # Django's own "ID" reads the same in Chinese
                continue
            label = str(label_for_field(column, model, model_admin))
            if not CJK.search(label):
                untranslated.append(f"column {column}: {label!r}")
        for entry in model_admin.list_filter:
            field_name = entry[0] if isinstance(entry, tuple) else entry
            if isinstance(field_name, str):
                label = str(model._meta.get_field(field_name).verbose_name)
            else:
                label = str(field_name.title)
            if not CJK.search(label):
                untranslated.append(f"filter {field_name}: {label!r}")
        for field in model._meta.get_fields():
            if field.auto_created or not getattr(field, "editable", True) and field.name == "id":
                continue
            if hasattr(field, "verbose_name") and not CJK.search(str(field.verbose_name)):
                untranslated.append(f"field {field.name}: {field.verbose_name!r}")
    assert not untranslated, f"{model.__name__}: " + "; ".join(untranslated)


@pytest.mark.django_db
def test_admin_lists_show_real_names_beside_user_names_and_chinese_headers(client):
    from datetime import date
    from decimal import Decimal

    from django.urls import reverse

    from cadre_policy_plugin import api
    from sync_adapter.models import OutboxRecord
    from tests.plugin.factories import make_profile, make_tree, make_user

    tree = make_tree()
    learner = make_profile(tree["a"], real_name="欧阳明华").user
    key = "course-v1:AnhuiAcademy+Names+2026"
    api.set_course_credit_spec(key, category="elective", hours=Decimal("5"))
    api.award_course_hours(learner, key, evidence_type="certificate", evidence_ref=key, earned_on=date(2026, 5, 1))
    assert OutboxRecord.objects.filter(user_id=learner.pk).exists()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    shown = f"欧阳明华 ({learner.username})"
    for name, header in (("cadre_policy_ledgerentry", "学员"), ("cadre_policy_yearstatus", "学员"),
                         ("cadre_sync_outboxrecord", "学时记录")):
        body = client.get(reverse(f"admin:{name}_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert header in body, name
        assert shown in body, name
        for english in ("Entry uuid", "Masked id number", "User id", "By status"):
            assert english not in body, (name, english)
    index = client.get(reverse("admin:index")).content.decode()
    assert "学时登记系统同步" in index and "Cadre registry sync" not in index
