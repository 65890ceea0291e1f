"""A first look: the home page and logging in, at both widths."""
import pytest

pytestmark = pytest.mark.browser


def test_home_page_passes_the_audit(visit):
    tab = visit()
    page = tab.go("/")
    assert page.get_by_role("heading", level=1).is_visible()


def test_member_logs_in(visit):
    tab = visit()
    page = tab.log_in("alice@example.org")
    assert page.get_by_role("button", name="Log out Alice").is_visible()
