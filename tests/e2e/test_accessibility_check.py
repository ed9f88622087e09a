"""The axe check must be able to fail: a page with an unlabelled input is refused."""

import pytest

from tests.e2e.conftest import check_accessibility


def test_axe_check_fails_on_a_missing_label(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        "<!doctype html><html lang='en'><head><title>Bad form</title></head>"
        "<body><main><h1>Sign up</h1><form><input type='text' name='email'><button>Go</button></form></main></body></html>"
    )
    with pytest.raises(AssertionError, match="label"):
        check_accessibility(page, name="bad form")
    context.close()


def test_axe_check_passes_on_a_labelled_form(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        "<!doctype html><html lang='en'><head><title>Good form</title></head>"
        "<body><main><h1>Sign up</h1><form><label for='e'>Email</label><input id='e' type='text' name='email'>"
        "<button>Go</button></form></main></body></html>"
    )
    check_accessibility(page, name="good form")
    context.close()
