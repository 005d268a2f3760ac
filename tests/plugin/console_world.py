"""
A small world for the console tests: two sibling units, an administrator of unit A who
is NOT platform staff, and in each unit a learner with an entry, a declared line with
its document, a pending registration and a notice dispatch.  Everything of unit B is
outside the administrator's subtree.
"""
import io
from datetime import date
from decimal import Decimal

from reportlab.pdfgen import canvas

from cadre_policy_plugin import api
from cadre_policy_plugin.models import HoursDeclaration, NoticeDispatch, UnitAdministrator
from cadre_policy_plugin.services import evidence
from tests.plugin.factories import make_profile, make_tree, make_user

YEAR = 2027


def tiny_pdf(text="attendance"):
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(200, 100))
    page.drawString(10, 50, text)
    page.save()
    return buffer.getvalue()


def build(policy_key="anhui-2019"):
    tree = make_tree(policy_key)
    admin = make_user("unit_admin_a", email="admin@example.invalid")
    assert not admin.is_staff and not admin.is_superuser
    UnitAdministrator.objects.create(user=admin, node=tree["a"])
    world = {"tree": tree, "admin": admin}
    for side in ("a", "b"):
        learner = make_user(f"learner_{side}", email=f"learner_{side}@example.invalid")
        make_profile(tree[side], learner, real_name=f"学员{side.upper()}")
        entry = api.add_entry(learner, source="live_class", category="elective", hours=Decimal("2"),
                              earned_on=date(YEAR, 3, 2), entered_by=None, reason="直播课补录")
        document, _ = evidence.store_document(tiny_pdf(f"form {side}"), name="form.pdf", uploaded_by=learner)
        line = HoursDeclaration.objects.create(user=learner, year=YEAR, kind="group_study", title=f"中心组学习 {side}",
                                               earned_on=date(YEAR, 4, 1), hours=Decimal("3"), document=document)
        pending = make_user(f"pending_{side}")
        make_profile(tree[side], pending, approved=False, real_name=f"待审{side.upper()}")
        dispatch = NoticeDispatch.objects.create(node=tree[side], year=YEAR, quarter=1, language="zh-hans",
                                                 sent_by=admin if side == "a" else None)
        world[side] = {"node": tree[side], "learner": learner, "entry": entry, "document": document, "line": line,
                       "pending": pending, "dispatch": dispatch}
    return world
