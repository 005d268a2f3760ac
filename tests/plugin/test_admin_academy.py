"""
The Django admin is the academy's (issue 10, part 3; ADR 0015): academy staff only, no
ID-number lookup or filter, no list of the platform's accounts, no user name that is
an ID number on any page, nothing done to a staff or administrator account.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse

from cadre_policy_plugin import api
from cadre_policy_plugin.models import AuditLog, LearnerProfile, LedgerEntry, OrgNode, UnitAdministrator
from tests.plugin.factories import make_academy_staff, make_admin, make_id_number, make_profile, make_tree, make_user

pytestmark = pytest.mark.django_db

COURSE = "course-v1:AnhuiAcademy+Admin1+2026"
NUMBER_A = make_id_number(serial=101, region="150102")  # Inner Mongolia registers users by ID number
NUMBER_B = make_id_number(serial=102, region="150102")


def form_error_codes(response, field):
    errors = response.context["adminform"].form.errors.as_data()
    return [error.code for error in errors.get(field, [])]


def url(name, *args):
    return reverse(f"admin:cadre_policy_{name}", args=args)


def cadre_models():
    return sorted((model for model in django_admin.site._registry if model._meta.app_label == "cadre_policy"),
                  key=lambda model: model._meta.model_name)


@pytest.fixture
def world():
    tree = make_tree()
    api.set_course_credit_spec(COURSE, category="elective", hours=Decimal("5"))
    in_a = make_profile(tree["a"], user=make_user(NUMBER_A), real_name="甲单位学员", id_number=NUMBER_A)
    in_b = make_profile(tree["b"], user=make_user(NUMBER_B), real_name="乙单位学员", id_number=NUMBER_B)
    for profile in (in_a, in_b):
        api.award_course_hours(profile.user, COURSE, evidence_type="certificate", evidence_ref=COURSE,
                               earned_on=date(2026, 5, 1))
    return {"tree": tree, "a": in_a, "b": in_b, "academy": make_academy_staff("academy", is_staff=True),
            "admin_a": make_admin(tree["a"], "admin_a")}


def object_urls(*, add=True):
    """A changelist, add and change page of every model of the app (change: its first row)."""
    urls = []
    for model in cadre_models():
        name = model._meta.model_name
        urls.append(url(f"{name}_changelist"))
        if add and getattr(django_admin.site._registry[model], "allow_add", True):
            urls.append(url(f"{name}_add"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls += [url(f"{name}_change", first.pk), url(f"{name}_history", first.pk)]
    return urls


def test_a_unit_administrator_has_no_staff_rights_and_never_reaches_the_admin(client, world):
    client.force_login(world["admin_a"])
    for address in [reverse("admin:index"), *object_urls()]:
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), address
    login = client.get(reverse("admin:login")).content.decode()
    assert "甲单位学员" not in login and world["a"].masked_id_number not in login


@pytest.mark.parametrize("kind", ["staff", "staff_and_unit_admin"])
def test_open_edx_staff_without_the_academy_permission_get_403_everywhere(client, world, kind):
    user = make_user(is_staff=True) if kind == "staff" else make_admin(world["tree"]["province"], is_staff=True)
    client.force_login(user)
    assert "cadre_policy" not in client.get(reverse("admin:index")).content.decode()
    for address in object_urls():
        assert client.get(address).status_code == 403, address
    first = LearnerProfile.objects.first()
    response = client.post(url("learnerprofile_change", first.pk), {"real_name": "改名", "rank": "staff"})
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.real_name != "改名"


def test_academy_staff_see_every_page_and_no_page_shows_a_full_id_number_or_mobile(client, world):
    client.force_login(world["academy"])
    ids = [world["a"].id_number, world["b"].id_number]
    pages = [reverse("admin:index"), *object_urls()]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        body = response.content.decode()
        for number in ids:
            assert number not in body, address
        assert "13800138000" not in body, address
    body = client.get(url("learnerprofile_changelist")).content.decode()
    assert world["a"].masked_id_number in body and "甲单位学员" in body and "乙单位学员" in body


@pytest.mark.parametrize("query", [
    {"id_number__startswith": NUMBER_A[:6]}, {"id_number": NUMBER_A}, {"id_number_hash__startswith": "a"},
    {"user__username__startswith": NUMBER_A[:6]}, {"mobile__startswith": "138"}, {"real_name__contains": "甲"},
    {"user__cadre_profile__id_number__startswith": "1"}, {"unit__learners__id_number__startswith": "1"},
])
def test_no_lookup_through_a_personal_field_is_allowed(client, world, query):
    client.force_login(world["academy"])
    for model in ("learnerprofile", "ledgerentry", "yearstatus", "unitadministrator", "orgnode"):
        response = client.get(url(f"{model}_changelist"), query)
        assert response.status_code == 400, (model, query)


def test_the_prefix_oracle_of_issue_10_is_closed(client, world):
    """80 requests of ``?id_number__startswith=`` recovered a full number; now none of them answers."""
    client.force_login(world["academy"])
    target = world["a"].id_number
    for length in range(1, 18):
        response = client.get(url("learnerprofile_changelist"), {"id_number__startswith": target[:length]})
        assert response.status_code == 400
        search = client.get(url("learnerprofile_changelist"), {"q": target[:length]}).content.decode()
        assert "甲单位学员" not in search  # neither a part of the number nor of an ID-number user name matches


def test_a_whole_id_number_is_found_through_its_hash_and_never_echoed(client, world):
    client.force_login(world["academy"])
    for model, shown, hidden in (("learnerprofile", "甲单位学员", "乙单位学员"),
                                 ("ledgerentry", "乙单位学员", "甲单位学员")):
        number = world["a"].id_number if shown == "甲单位学员" else world["b"].id_number
        response = client.get(url(f"{model}_changelist"), {"q": number, "status__exact": "active"}
                              if model == "learnerprofile" else {"q": number})
        assert response.status_code == 302 and number not in response.url and "id_hash=" in response.url
        body = client.get(response.url).content.decode()
        assert shown in body and hidden not in body and number not in body
    response = client.get(url("learnerprofile_changelist"), {"q": NUMBER_A[:17] + "0"})  # a wrong check digit
    assert response.status_code == 302 and "id_hash" not in response.url
    assert NUMBER_A[:17] not in client.get(response.url).content.decode()


def test_an_exact_user_name_is_searched_never_a_part_of_one(client, world):
    client.force_login(world["academy"])
    changelist = url("unitadministrator_changelist")
    assert world["tree"]["a"].name not in client.get(changelist, {"q": "admin_"}).content.decode()
    found = client.get(changelist, {"q": "admin_a"}).content.decode()
    assert 'data-actions-icnt="1"' in found and world["tree"]["a"].name in found


def test_the_page_filters_still_work(client, world):
    client.force_login(world["academy"])
    assert client.get(url("learnerprofile_changelist"), {"status__exact": "active"}).status_code == 200
    assert client.get(url("ledgerentry_changelist"), {"earned_on__year": "2026"}).status_code == 200
    assert client.get(url("orgnode_changelist"), {"kind__exact": "unit"}).status_code == 200


def test_the_add_profile_form_lists_no_account_and_refuses_protected_ones(client, world):
    client.force_login(world["academy"])
    bystanders = [make_user(f"bystander{n}") for n in range(3)]
    page = client.get(url("learnerprofile_add")).content.decode()
    assert '<select name="user"' not in page and '<select name="account"' not in page
    for user in (*bystanders, world["admin_a"]):
        assert user.username not in page
    superuser = make_user("root", is_superuser=True, is_staff=True)
    other_region_admin = make_admin(OrgNode.objects.create(code="FJ", name="福建省", kind="province",
                                                           policy_key="fujian-2017"), "admin_fz")
    form = {"real_name": "新学员", "mobile": "13912345678", "rank": "staff", "unit": world["tree"]["a"].pk,
            "status": "retired", "political_status": "", "post": ""}
    for protected in (superuser, make_user("plainstaff", is_staff=True), world["academy"]):
        response = client.post(url("learnerprofile_add"), {**form, "account": protected.username,
                                                            "id_number": make_id_number()})
        assert response.status_code == 200 and form_error_codes(response, "account") == ["no_account"]
        protected.refresh_from_db()
        assert protected.is_active and not LearnerProfile.objects.filter(user=protected).exists()
    # an administrator (of any region: academy staff see all) may be a learner, and stays active when leaving
    response = client.post(url("learnerprofile_add"), {**form, "account": other_region_admin.username,
                                                        "id_number": make_id_number()})
    assert response.status_code == 302
    other_region_admin.refresh_from_db()
    assert other_region_admin.is_active and other_region_admin.cadre_profile.status == "retired"
    number = make_id_number()
    response = client.post(url("learnerprofile_add"), {**form, "status": "active", "account": bystanders[0].username,
                                                        "id_number": number})
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = LearnerProfile.objects.get(user=bystanders[0])
    assert AuditLog.objects.filter(action="profile.add", learner=bystanders[0]).get().detail["id_number"] == \
        profile.masked_id_number
    assert number not in str(list(AuditLog.objects.values_list("detail", flat=True)))


def test_the_add_unit_administrator_form_lists_no_account_and_shows_no_id_number(client, world):
    client.force_login(world["academy"])
    page = client.get(url("unitadministrator_add")).content.decode()
    assert NUMBER_A not in page and NUMBER_B not in page and "<select name=\"user\"" not in page
    for refused in (make_user("root2", is_superuser=True, is_staff=True), make_user("staff2", is_staff=True)):
        response = client.post(url("unitadministrator_add"), {"account": refused.username,
                                                              "node": world["tree"]["b"].pk, "role": "admin"})
        assert form_error_codes(response, "account") == ["no_account"]
        assert not UnitAdministrator.objects.filter(user=refused).exists()
    response = client.post(url("unitadministrator_add"), {"account": NUMBER_B, "node": world["tree"]["b"].pk,
                                                          "role": "liaison"})
    assert response.status_code == 302
    row = UnitAdministrator.objects.get(user=world["b"].user)
    assert row.role == "liaison" and not row.user.is_staff
    listing = client.get(url("unitadministrator_changelist")).content.decode()
    assert NUMBER_B not in listing and "乙单位学员 (150***********" in listing
    client.post(url("unitadministrator_delete", row.pk), {"post": "yes"})
    assert not UnitAdministrator.objects.filter(pk=row.pk).exists()
    assert AuditLog.objects.filter(action="unit_admin.remove").exists()


def test_revoke_action_asks_a_reason_and_is_audited(client, world):
    client.force_login(world["academy"])
    row_a = LedgerEntry.objects.get(user=world["a"].user)
    changelist = url("ledgerentry_changelist")
    page = client.post(changelist, {"action": "revoke", "_selected_action": [row_a.pk]})
    assert page.status_code == 200 and "reason" in page.content.decode()
    client.post(changelist, {"action": "revoke", "_selected_action": [row_a.pk], "apply": "1",
                             "reason": "挂机学习 (hang-up learning) found in the session log"})
    assert LedgerEntry.objects.filter(reverses=row_a).exists()
    assert AuditLog.objects.get(action="ledger.revoke").actor == world["academy"]
    assert "delete_selected" not in client.get(changelist).content.decode()


def test_add_entry_through_the_admin_takes_a_learner_by_exact_user_name(client, world):
    client.force_login(world["academy"])
    data = {"account": NUMBER_A, "source": "lecturing", "category": "elective", "minutes": "90",
            "earned_on": "2026-06-01", "reason": "为本单位授课一次", "evidence_ref": "", "course_key": ""}
    response = client.post(url("ledgerentry_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LedgerEntry.objects.get(source="lecturing")
    assert entry.entered_by == world["academy"] and entry.value_hours == Decimal("2.00")
    for wrong in (NUMBER_A[:10], "admin_a", "nobody"):
        response = client.post(url("ledgerentry_add"), {**data, "account": wrong})
        assert response.status_code == 200 and form_error_codes(response, "account") == ["no_account"]
    response = client.post(url("ledgerentry_add"), {**data, "source": "live_class", "category": ""})
    assert response.status_code == 200 and "errornote" in response.content.decode()


def test_approve_action(client, world):
    pending = make_profile(world["tree"]["a"], approved=False)
    client.force_login(world["academy"])
    client.post(url("learnerprofile_changelist"), {"action": "approve", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.approved and AuditLog.objects.filter(action="profile.approve").exists()


def test_node_policy_key_offers_installed_packs_and_overlay_edits_are_audited(client, world):
    client.force_login(world["academy"])
    city = world["tree"]["city"]
    page = client.get(url("orgnode_change", city.pk)).content.decode()
    assert '<select name="policy_key"' in page and 'value="fujian-2017"' in page
    form = {"code": city.code, "name": city.name, "kind": city.kind, "parent": world["tree"]["province"].pk,
            "region_key": "", "overlay": ""}
    response = client.post(url("orgnode_change", city.pk), {**form, "policy_key": "/etc/shadow"})
    assert response.status_code == 200 and "root:" not in response.content.decode()
    city.refresh_from_db()
    assert city.policy_key == ""
    overlay = ("extends: anhui-2019\ntitle: {zh-Hans: 合肥市细则, en: Hefei rules}\ndocument: {title: 合肥市细则}\n"
               "quotas:\n  all_learners:\n    total: {value: \"60\", cite: \"合肥市细则 第三条\"}\n")
    response = client.post(url("orgnode_change", city.pk), {**form, "policy_key": "", "overlay": overlay})
    assert response.status_code == 302, response.content.decode()[:3000]
    row = AuditLog.objects.get(action="org_node.policy")
    assert row.detail["overlay"]["before"] == ""
    assert row.detail["overlay"]["after"].replace("\r\n", "\n").strip() == overlay.strip()
    assert row.actor == world["academy"]


def test_a_form_re_rendered_after_an_error_does_not_echo_the_id_number(client, world):
    client.force_login(world["academy"])
    number = make_id_number()
    response = client.post(url("learnerprofile_add"), {
        "account": make_user().username, "real_name": "", "id_number": number, "rank": "staff",
        "unit": world["tree"]["a"].pk, "status": "active"})
    assert response.status_code == 200 and form_error_codes(response, "real_name") == ["required"]
    assert number not in response.content.decode()
    change = client.post(url("learnerprofile_change", world["a"].pk), {
        "new_id_number": number, "real_name": "", "rank": "staff", "unit": world["tree"]["a"].pk,
        "status": "active"})
    assert change.status_code == 200 and number not in change.content.decode()


def test_reasons_are_shown_with_any_id_number_masked(client, world):
    client.force_login(world["academy"])
    api.add_entry(world["a"].user, source="lecturing", category="elective", minutes=Decimal("90"),
                  entered_by=world["academy"], reason=f"为{NUMBER_A}补录", earned_on=date(2026, 6, 1))
    row = LedgerEntry.objects.get(source="lecturing")
    for address in (url("ledgerentry_change", row.pk), url("auditlog_changelist"),
                    url("auditlog_change", AuditLog.objects.get(action="ledger.add").pk)):
        body = client.get(address).content.decode()
        assert NUMBER_A not in body and "为150***********" in body, address


def test_approve_and_issue_initial_passwords_lists_them_once(client, world):
    from django.contrib.auth import authenticate

    pending = make_profile(world["tree"]["a"], approved=False, mobile="13700000001")
    client.force_login(world["academy"])
    answer = client.post(url("learnerprofile_changelist"), {"action": "approve_with_initial_passwords",
                                                            "_selected_action": [pending.pk]})
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    body = answer.content.decode()
    passwords = [part.split("<")[0] for part in body.split('data-testid="initial-password">')[1:]]
    assert len(passwords) == 1
    pending.refresh_from_db()
    assert pending.approved and pending.password_change_required
    assert authenticate(None, username=pending.id_number, password=passwords[0]) == pending.user
    assert pending.id_number not in body and passwords[0] not in "".join(
        str(row.detail) + row.reason for row in AuditLog.objects.all())
