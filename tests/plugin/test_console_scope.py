"""
Every console endpoint × an object inside / outside the administrator's subtree, for a
unit administrator who is NOT platform staff (``is_staff`` false): inside works, outside
is 404 (never a hint that the object exists); Open edX global staff without a
``UnitAdministrator`` row gets 403 everywhere; anonymous visitors are sent to sign in.
"""
import pytest
from django.urls import reverse

from tests.plugin import console_world
from tests.plugin.console_world import YEAR
from tests.plugin.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def world():
    return console_world.build()


ENTRY_FORM = {"source": "live_class", "category": "elective", "earned_on": f"{YEAR}-05-01", "quantity": "hours",
              "amount": "1", "reason": "补录直播课"}

# (name, method, args(world, side), data, status inside)
ENDPOINTS = [
    ("unit", "get", lambda w, s: [w[s]["node"].code], None, 200),
    ("learner", "get", lambda w, s: [w[s]["learner"].pk], None, 200),
    ("entry-add", "post", lambda w, s: [w[s]["learner"].pk], ENTRY_FORM, 302),
    ("entry-revoke", "post", lambda w, s: [w[s]["learner"].pk, w[s]["entry"].uuid], {"reason": "录错"}, 302),
    ("entry-correct", "get", lambda w, s: [w[s]["learner"].pk, w[s]["entry"].uuid], None, 200),
    ("entry-correct", "post", lambda w, s: [w[s]["learner"].pk, w[s]["entry"].uuid], ENTRY_FORM, 302),
    ("learner-form", "get", lambda w, s: [w[s]["learner"].pk, YEAR], None, 200),
    ("document", "get", lambda w, s: [w[s]["document"].sha256], None, 200),
    ("registration-approve", "post", lambda w, s: [w[s]["pending"].pk], {}, 302),
    ("registration-reject", "post", lambda w, s: [w[s]["pending"].pk], {"reason": "单位填错"}, 302),
    ("node-reports", "get", lambda w, s: [w[s]["node"].code], None, 200),
    ("report-export", "get", lambda w, s: [w[s]["node"].code, YEAR, "xlsx"], None, 200),
    ("report-export", "get", lambda w, s: [w[s]["node"].code, YEAR, "learners.csv"], None, 200),
    ("send-notices", "post", lambda w, s: [w[s]["node"].code], {"year": YEAR, "quarter": 2}, 302),
    ("dispatch", "get", lambda w, s: [w[s]["dispatch"].pk], None, 200),
    ("declaration-approve", "post", lambda w, s: [w[s]["line"].uuid], {}, 302),
    ("declaration-reject", "post", lambda w, s: [w[s]["line"].uuid], {"reason": "缺少签到表"}, 302),
    ("declaration-document", "get", lambda w, s: [w[s]["line"].uuid], None, 200),
    ("unit-forms", "get", lambda w, s: [w[s]["node"].code, YEAR], None, 200),
    ("close-start", "post", lambda w, s: [w[s]["node"].code], {"year": YEAR}, 302),
]
LISTS = ["index", "registrations", "imports", "declarations", "reports"]


def _call(client, name, method, args, data):
    url = reverse(f"cadre_policy:console:{name}", args=args)
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize(("name", "method", "args", "data", "inside"), ENDPOINTS,
                         ids=[f"{e[1]}-{e[0]}" for e in ENDPOINTS])
@pytest.mark.parametrize("side", ["a", "b"], ids=["in-scope", "out-of-scope"])
def test_each_console_endpoint_serves_the_subtree_and_404s_outside_it(client, world, name, method, args, data, inside,
                                                                      side):
    client.force_login(world["admin"])
    response = _call(client, name, method, args(world, side), data)
    assert response.status_code == (inside if side == "a" else 404)


def test_an_entry_of_another_unit_is_404_even_under_a_learner_of_the_subtree(client, world):
    client.force_login(world["admin"])
    for name, method, data in (("entry-revoke", "post", {"reason": "x"}), ("entry-correct", "get", None)):
        url = reverse(f"cadre_policy:console:{name}", args=[world["a"]["learner"].pk, world["b"]["entry"].uuid])
        assert getattr(client, method)(url, data or {}).status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_the_lists_show_nothing_of_other_units(client, world, name):
    client.force_login(world["admin"])
    response = client.get(reverse(f"cadre_policy:console:{name}"), {"year": YEAR}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("学员B", "待审B", world["b"]["line"].title, world["b"]["node"].name):
        assert text not in body


@pytest.mark.parametrize(("name", "method", "args", "data", "inside"), ENDPOINTS,
                         ids=[f"{e[1]}-{e[0]}" for e in ENDPOINTS])
def test_global_staff_without_a_unit_gets_403_from_every_endpoint(client, world, name, method, args, data, inside):
    client.force_login(make_user(is_staff=True))
    assert _call(client, name, method, args(world, "a"), data).status_code == 403


@pytest.mark.parametrize(("name", "method", "args", "data", "inside"), ENDPOINTS[:4],
                         ids=[f"{e[1]}-{e[0]}" for e in ENDPOINTS[:4]])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, method, args, data, inside):
    response = _call(client, name, method, args(world, "a"), data)
    assert response.status_code == 302 and "next=" in response["Location"]


def test_the_unit_administrator_without_staff_rights_gets_no_django_admin(client, world):
    client.force_login(world["admin"])
    response = client.get("/admin/")
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "login" in response["Location"]


def test_the_learner_declarations_pages_show_only_the_learners_own_lines(client, world):
    client.force_login(world["a"]["learner"])
    mine = client.get(reverse("cadre_policy:declarations"), {"year": YEAR}).content.decode()
    assert world["a"]["line"].title in mine and world["b"]["line"].title not in mine
    other = reverse("cadre_policy:declarations-document", args=[world["b"]["line"].uuid])
    assert client.get(other).status_code == 404
    own = reverse("cadre_policy:declarations-document", args=[world["a"]["line"].uuid])
    assert client.get(own).status_code == 200


# The REST API the console stands beside, for the same non-staff administrator.
API = [
    ("api-unit-summary", "get", lambda w, s: [w[s]["node"].code], None, 200),
    ("api-unit-learners", "get", lambda w, s: [w[s]["node"].code], None, 200),
    ("api-unit-report", "get", lambda w, s: [w[s]["node"].code], None, 200),
    ("api-learner-file", "get", lambda w, s: [w[s]["learner"].pk], None, 200),
    ("api-learner-entries", "post", lambda w, s: [w[s]["learner"].pk],
     {"source": "live_class", "category": "elective", "hours": "1", "earned_on": f"{YEAR}-05-01", "reason": "补录"}, 201),
    ("api-revoke-entry", "post", lambda w, s: [w[s]["entry"].uuid], {"reason": "录错"}, 201),
    ("api-unit-close-jobs", "get", lambda w, s: [w[s]["node"].code], None, 200),
    ("api-unit-close-jobs", "post", lambda w, s: [w[s]["node"].code], {}, 202),
]


@pytest.mark.parametrize(("name", "method", "args", "data", "inside"), API, ids=[f"{e[1]}-{e[0]}" for e in API])
@pytest.mark.parametrize("side", ["a", "b"], ids=["in-scope", "out-of-scope"])
def test_each_api_endpoint_serves_the_subtree_and_refuses_outside_it(client, world, name, method, args, data, inside,
                                                                     side):
    client.force_login(world["admin"])
    url = reverse(f"cadre_policy:{name}", args=args(world, side))
    response = getattr(client, method)(url, data or {}, content_type="application/json") if method == "post" \
        else client.get(url)
    assert response.status_code == (inside if side == "a" else 404)


OBJECTLESS = [("index", "get", []), ("registrations", "get", []), ("imports", "get", []),
              ("declarations", "get", []), ("reports", "get", []), ("import-preview", "post", ["entries"]),
              ("import-run", "post", ["entries"]), ("import-progress", "get", ["abc123"])]


@pytest.mark.parametrize(("name", "method", "args"), OBJECTLESS, ids=[f"{e[1]}-{e[0]}" for e in OBJECTLESS])
def test_global_staff_without_a_unit_gets_403_from_the_lists_and_imports_too(client, world, name, method, args):
    client.force_login(make_user(is_staff=True))
    assert _call(client, name, method, args, {}).status_code == 403


def test_an_import_kind_that_does_not_exist_is_404(client, world):
    client.force_login(world["admin"])
    assert client.post(reverse("cadre_policy:console:import-preview", args=["passwords"])).status_code == 404


# A 联络员 (liaison) reads the subtree and changes nothing.
WRITES = [e for e in ENDPOINTS if e[1] == "post"]


@pytest.fixture
def liaison(world):
    from cadre_policy_plugin.models import AdministratorRole, UnitAdministrator

    user = make_user("liaison_a")
    UnitAdministrator.objects.create(user=user, node=world["tree"]["a"], role=AdministratorRole.LIAISON)
    return user


@pytest.mark.parametrize(("name", "method", "args", "data", "inside"), WRITES, ids=[e[0] for e in WRITES])
def test_a_liaison_changes_nothing_inside_the_subtree(client, world, liaison, name, method, args, data, inside):
    from cadre_policy_plugin.models import CloseJob, HoursDeclaration, LedgerEntry, NoticeDispatch, RegistrationReview

    counts = [model.objects.count() for model in (LedgerEntry, NoticeDispatch, RegistrationReview, CloseJob)]
    client.force_login(liaison)
    response = _call(client, name, method, args(world, "a"), data)
    assert response.status_code == 403
    assert [model.objects.count() for model in (LedgerEntry, NoticeDispatch, RegistrationReview, CloseJob)] == counts
    assert HoursDeclaration.objects.filter(status="pending").count() == 2


READS = [e for e in ENDPOINTS if e[1] == "get" and e[0] != "entry-correct"]


@pytest.mark.parametrize(("name", "method", "args", "data", "inside"), READS, ids=[e[0] for e in READS])
def test_a_liaison_reads_the_subtree_without_the_forms(client, world, liaison, name, method, args, data, inside):
    client.force_login(liaison)
    response = _call(client, name, method, args(world, "a"), data)
    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        body = response.content.decode()
        assert 'data-testid="entry-form"' not in body and 'data-testid="notice-form"' not in body
        assert 'data-testid="revoke-form"' not in body and 'data-testid="close-start"' not in body


def test_a_liaison_gets_no_correction_form_and_cannot_import(client, world, liaison):
    client.force_login(liaison)
    correct = reverse("cadre_policy:console:entry-correct", args=[world["a"]["learner"].pk, world["a"]["entry"].uuid])
    assert client.get(correct).status_code == 403
    assert client.post(reverse("cadre_policy:console:import-preview", args=["entries"])).status_code == 403
    for name in ("registrations", "declarations", "imports"):
        body = client.get(reverse(f"cadre_policy:console:{name}"), {"year": YEAR}).content.decode()
        for form in ("registration-approve", "declaration-approve", "import-form-entries"):
            assert f'data-testid="{form}"' not in body, (name, form)
