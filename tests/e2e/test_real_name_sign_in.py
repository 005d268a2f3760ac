"""
Real-name sign-in through a real browser (ADR 0016): a new learner signs in with their
ID number (typed with a lower-case x) and the initial password, is
held on the change page, chooses a password, and signs in again with it; a second
learner does the same with their mobile number.
"""
import pytest

from sandbox import demo_data

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Wode-Mima-2027"


def demo_learner(username):
    for name, real_name, _rank, unit, birth, sequence, _desc, _flags in demo_data.LEARNERS:
        if name == username:
            return {"real_name": real_name, "id_number": demo_data.demo_id_number(unit, birth, sequence),
                    "mobile": demo_data.demo_mobile(sequence)}
    raise KeyError(username)


def submit_sign_in(page, sandbox, identifier, password):
    page.goto(sandbox.url("/login/"))
    page.fill("#id_username", identifier)
    page.fill("#id_password", password)
    page.click("[data-testid=sign-in]")


def change_initial_password(page, shoot, name):
    page.wait_for_selector("[data-testid=password-change-required]")
    assert "/cadre/account/password/" in page.url
    assert "初始密码" in page.inner_text("main")  # zh-Hans first
    shoot(page, f"{name}-forced-change")
    # Any other page sends the learner back here until the password is changed.
    page.goto(page.url.split("/cadre/")[0] + "/my/file/")
    page.wait_for_selector("[data-testid=password-change-required]")
    page.fill("#id_old_password", demo_data.DEMO_INITIAL_PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("[data-testid=change-password]")
    page.wait_for_selector("[data-testid=password-changed]")
    page.click("[data-testid=continue]")
    page.wait_for_selector("[data-testid=signed-in-as]")


def sign_out(page):
    page.click("form[action='/logout/'] button")
    page.wait_for_selector("#id_username")


def test_a_new_learner_signs_in_with_the_id_number_changes_the_initial_password_and_signs_in_again(
        sandbox, new_page, shoot):
    learner = demo_learner("learner_new_nm")
    assert learner["id_number"].endswith("X")
    page = new_page()
    page.goto(sandbox.url("/login/"))
    assert learner["id_number"] in page.inner_text("main")  # the demo table lists the fictional number
    typed = learner["id_number"].lower()
    submit_sign_in(page, sandbox, typed, demo_data.DEMO_INITIAL_PASSWORD)
    change_initial_password(page, shoot, "id-number")
    assert page.text_content("[data-testid=signed-in-as]").strip() == learner["real_name"]
    sign_out(page)

    submit_sign_in(page, sandbox, learner["id_number"], demo_data.DEMO_INITIAL_PASSWORD)  # the old one is gone
    page.wait_for_selector("[data-testid=sign-in-error]")
    submit_sign_in(page, sandbox, typed, NEW_PASSWORD)
    page.wait_for_selector("[data-testid=signed-in-as]")
    assert "/cadre/account/password/" not in page.url
    page.goto(sandbox.url("/my/file/"))
    page.wait_for_selector("[data-testid=signed-in-as]")
    assert "/cadre/account/password/" not in page.url
    shoot(page, "id-number-signed-in-again")
    sign_out(page)
    submit_sign_in(page, sandbox, learner["mobile"], NEW_PASSWORD)  # the mobile number works too
    page.wait_for_selector("[data-testid=signed-in-as]")


def test_a_new_learner_signs_in_with_the_mobile_number_and_a_wrong_check_character_is_refused(
        sandbox, new_page, shoot):
    learner = demo_learner("learner_new_fj")
    page = new_page()
    wrong = learner["id_number"][:17] + ("0" if learner["id_number"][17] != "0" else "1")
    submit_sign_in(page, sandbox, wrong, demo_data.DEMO_INITIAL_PASSWORD)
    page.wait_for_selector("[data-testid=sign-in-error]")
    assert "GB 11643" in page.inner_text("[data-testid=sign-in-error]")
    shoot(page, "wrong-check-character")

    submit_sign_in(page, sandbox, learner["mobile"], demo_data.DEMO_INITIAL_PASSWORD)
    change_initial_password(page, shoot, "mobile")
    sign_out(page)
    submit_sign_in(page, sandbox, learner["mobile"], NEW_PASSWORD)
    page.wait_for_selector("[data-testid=signed-in-as]")
    assert page.text_content("[data-testid=signed-in-as]").strip() == learner["real_name"]


def test_a_unit_administrator_resets_a_lost_password_and_the_learner_must_change_it(sandbox, new_page, shoot):
    learner = demo_learner("learner_section")  # Fujian, below admin_fz's 福州市
    admin = new_page()
    submit_sign_in(admin, sandbox, "admin_fz", demo_data.DEMO_PASSWORD)
    admin.wait_for_selector("[data-testid=signed-in-as]")
    admin.goto(sandbox.url("/cadre/manage/accounts/"))
    admin.fill("[data-testid=account-query]", learner["id_number"])
    admin.press("[data-testid=account-query]", "Enter")
    admin.click(f"[data-testid=account-results] a:text-is('{learner['real_name']}')")
    assert learner["id_number"] not in admin.inner_text("main")  # masked on the console
    admin.fill("#reset-reason", "学员遗失密码")
    admin.click("[data-testid=reset-password]")
    initial = admin.inner_text("[data-testid=initial-password]").strip()
    shoot(admin, "console-reset-shown-once")
    admin.goto(admin.url)  # the page again: the password is not stored anywhere to show it from
    assert admin.query_selector("[data-testid=initial-password]") is None

    page = new_page()
    submit_sign_in(page, sandbox, learner["mobile"], initial)
    page.wait_for_selector("[data-testid=password-change-required]")
    page.fill("#id_old_password", initial)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("[data-testid=change-password]")
    page.wait_for_selector("[data-testid=password-changed]")


def test_guessing_a_password_is_throttled_with_a_translated_message(sandbox, new_page):
    learner = demo_learner("learner_staff")  # nobody else's browser test signs in as this learner
    page = new_page()
    for attempt in range(5):
        submit_sign_in(page, sandbox, learner["mobile"], f"guess-{attempt}")
        page.wait_for_selector("[data-testid=sign-in-error]")
    response = page.goto(sandbox.url("/login/"))
    page.fill("#id_username", learner["mobile"])
    page.fill("#id_password", demo_data.DEMO_PASSWORD)  # the right password, refused while throttled
    with page.expect_response(lambda answer: answer.request.method == "POST") as answer:
        page.click("[data-testid=sign-in]")
    assert answer.value.status == 429
    assert "登录失败次数过多" in page.inner_text("[data-testid=sign-in-error]")
    assert response.ok
