"""
The whole system through a real browser: sign-in, a lecture in the credit block,
verified minutes, the course completed, hours in the training file, the unit
dashboard, and the record at the reference registry.
"""
import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "demo1234"


def sign_in(page, sandbox, username):
    page.goto(sandbox.url("/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_selector("[data-testid=signed-in-as]")


def test_sign_in_page_lists_the_demo_accounts_and_signs_a_learner_in(sandbox, new_page, shoot):
    page = new_page()
    page.goto(sandbox.url("/login/"))
    assert "learner_county" in page.content()
    assert "admin_fgw" in page.content()
    shoot(page, "sign-in")
    sign_in(page, sandbox, "learner_county")
    assert page.text_content("[data-testid=signed-in-as]").strip() == "林演示"
