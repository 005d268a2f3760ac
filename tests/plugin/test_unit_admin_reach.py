"""
Table-driven: a unit administrator WITHOUT ``is_staff`` against every endpoint the
plugin serves, for an object inside their subtree and one outside it (issue 10, "Done
when"), as 管理员 (changes) and 联络员 (reads only).  Outside the subtree every answer
is 403/404 with nothing of the object in it; the Django admin never lets them in, and
the block's authoring handler refuses them in the LMS.  Every response body is also
scanned for the learners' full ID numbers.
"""
import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin as django_admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cadre_policy_plugin import api
from cadre_policy_plugin.models import LedgerEntry
from cadre_policy_plugin.services import evidence
from tests.plugin.factories import make_admin, make_id_number, make_profile, make_tree, make_user
from tests.plugin.import_files import csv_bytes
from tests.plugin.test_evidence_documents import tiny_pdf
from tests.xblock.runtime import call, make_block

pytestmark = pytest.mark.django_db

COURSE = "course-v1:AnhuiAcademy+Reach1+2027"
ROSTER_HEADER = ["姓名", "身份证号", "手机号", "职级", "单位代码"]
ENTRY_HEADER = ["身份证号", "来源", "类别", "日期", "分钟"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def world():
    tree = make_tree()
    api.set_course_credit_spec(COURSE, category="elective", hours=Decimal("3"))
    objects = {"tree": tree}
    uploader = make_admin(tree["county"])
    for side, unit in (("in", tree["a"]), ("out", tree["b"])):
        profile = make_profile(unit, real_name=f"{side}学员")
        entry = api.award_course_hours(profile.user, COURSE, evidence_type="certificate", evidence_ref=COURSE,
                                       earned_on=date(2027, 5, 1))
        _entry, document = evidence.add_entry_with_document(
            profile.user, SimpleUploadedFile(f"{side}.pdf", tiny_pdf(side)), source="offline_training",
            entered_by=uploader, reason="培训班", earned_on=date(2027, 4, 1), half_days=1)
        objects[side] = {"unit": unit, "profile": profile, "entry": entry, "document": document}
    return objects


def readable(response):
    """Every byte a person could read in the response: an XLSX workbook is unzipped (its XML scanned)."""
    body = b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return b"".join(book.read(name) for name in book.namelist())
    return body


def rest(name, *args):
    return reverse(f"cadre_policy:{name}", args=args)


def csv_file(header, rows, name="x.csv"):
    return SimpleUploadedFile(name, csv_bytes(header, rows), "text/csv")


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: object  # (side objects) -> URL
    data: object = None  # (side objects) -> request data
    writes: bool = False
    ok: int = 200
    out: tuple = (404,)  # the answers for an object outside the subtree
    fmt: str = "json"

    def request(self, client, side):
        address = self.url(side)
        if self.method == "get":
            return client.get(address)
        payload = self.data(side) if self.data else {}
        return client.post(address, payload, format=self.fmt)


ENDPOINTS = [
    Endpoint("unit summary", "get", lambda s: rest("api-unit-summary", s["unit"].code)),
    Endpoint("unit learners", "get", lambda s: rest("api-unit-learners", s["unit"].code)),
    Endpoint("unit circular json", "get", lambda s: rest("api-unit-report", s["unit"].code)),
    Endpoint("unit circular csv", "get", lambda s: rest("api-unit-report", s["unit"].code) + "?format=csv"),
    Endpoint("unit circular xlsx", "get", lambda s: rest("api-unit-report", s["unit"].code) + "?format=xlsx"),
    Endpoint("learner file", "get", lambda s: rest("api-learner-file", s["profile"].user_id)),
    Endpoint("evidence document", "get", lambda s: rest("api-evidence-document", s["document"].sha256)),
    Endpoint("add entry", "post", lambda s: rest("api-learner-entries", s["profile"].user_id),
             lambda s: {"source": "lecturing", "category": "elective", "minutes": "90", "earned_on": "2027-06-01",
                        "reason": "授课"}, writes=True, ok=201),
    Endpoint("add entry with upload", "post", lambda s: rest("api-learner-entry-upload", s["profile"].user_id),
             lambda s: {"source": "offline_training", "half_days": "1", "earned_on": "2027-06-02", "reason": "培训",
                        "document": SimpleUploadedFile("n.pdf", tiny_pdf("new"))}, writes=True, ok=201,
             fmt="multipart"),
    Endpoint("revoke entry", "post", lambda s: rest("api-revoke-entry", s["entry"].uuid),
             lambda s: {"reason": "挂机学习"}, writes=True, ok=201),
    Endpoint("roster import (dry run)", "post", lambda s: rest("api-import-roster"),
             lambda s: {"file": csv_file(ROSTER_HEADER, [["新人", make_id_number(), "", "科级", s["unit"].code]]),
                        "dry_run": "true"}, writes=True, out=(400,), fmt="multipart"),
    Endpoint("entry import (dry run)", "post", lambda s: rest("api-import-entries"),
             lambda s: {"file": csv_file(ENTRY_HEADER, [[s["profile"].id_number, "授课", "选修", "2027-06-03", "90"]]),
                        "reason": "补录", "dry_run": "true"}, writes=True, out=(400,), fmt="multipart"),
]


@pytest.mark.parametrize("role", ["admin", "liaison"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
@pytest.mark.parametrize("side", ["in", "out"])
def test_every_api_endpoint_answers_only_inside_the_subtree(world, role, endpoint, side, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_admin(world["tree"]["a"], role=role)
    assert not user.is_staff and not user.is_superuser and not user.get_all_permissions()
    client = APIClient()
    client.force_authenticate(user)
    entries_before = LedgerEntry.objects.count()
    response = endpoint.request(client, world[side])
    body = readable(response)
    if side == "in" and (role == "admin" or not endpoint.writes):
        assert response.status_code == endpoint.ok, body[:500]
    elif side == "in":  # a 联络员 asking to change something in their own unit
        assert response.status_code in (403, 404), body[:500]
        assert LedgerEntry.objects.count() == entries_before
    else:
        expected = endpoint.out if role == "admin" or not endpoint.writes else (403, 404)
        assert response.status_code in expected, body[:500]
        assert LedgerEntry.objects.count() == entries_before
        assert world["out"]["profile"].real_name.encode() not in body
    for other in ("in", "out"):
        assert world[other]["profile"].id_number.encode() not in body
        assert world[other]["profile"].id_number not in caplog.text
    if side == "in" and endpoint.name.startswith("unit circular"):
        assert world["in"]["profile"].masked_id_number.encode() in body  # the scan reads what is there


@pytest.mark.parametrize("role", ["admin", "liaison"])
def test_the_django_admin_never_lets_a_unit_administrator_in(client, world, role):
    user = make_admin(world["tree"]["a"], role=role)
    client.force_login(user)
    for model in (m for m in django_admin.site._registry if m._meta.app_label == "cadre_policy"):
        name = model._meta.model_name
        addresses = [reverse(f"admin:cadre_policy_{name}_changelist"), reverse(f"admin:cadre_policy_{name}_add")]
        addresses += [reverse(f"admin:cadre_policy_{name}_change", args=[pk])
                      for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:3]]
        for address in addresses:
            for response in (client.get(address), client.post(address, {})):
                assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), address


@pytest.mark.parametrize("role", ["admin", "liaison"])
def test_the_authoring_handler_refuses_a_unit_administrator_in_the_lms(world, role):
    user = make_admin(world["tree"]["a"], role=role)
    status, _body = call(make_block(f"reach_{role}", user), "studio_submit", {"category": "required", "hours": "60"})
    assert status == 403
    assert api.get_course_credit_spec(COURSE).hours == Decimal("3.00")


def test_the_console_opens_for_both_roles_and_not_for_staff_alone(client, world):
    for role in ("admin", "liaison"):
        client.force_login(make_admin(world["tree"]["a"], role=role))
        assert client.get(reverse("cadre_policy:console:index")).status_code == 200
    client.force_login(make_user(is_staff=True))
    assert client.get(reverse("cadre_policy:console:index")).status_code == 403
