"""Choosing a language in a phone's browser: the footer menu works without JavaScript, and the
trends charts take their words from the JavaScript catalogue within the CSP."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user
from tests.entries import fill_days


@pytest.fixture
def dee(transactional_db):
    person = make_user("dee", time_zone="Europe/Madrid", injury_level="T4")
    fill_days(person, person.local_today(), 20)
    return person


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_it_switches_a_visitor_to_spanish_from_the_footer(
    browser, browser_context_args, live_server, javascript
):
    context = browser.new_context(
        **browser_context_args, java_script_enabled=javascript, locale="en-GB"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/guides/")
    assert page.locator("html").get_attribute("lang") == "en-gb"
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.url == f"{live_server.url}/guides/"
    expect(page.get_by_role("link", name="Saltar al contenido principal")).to_be_attached()
    expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-current", "true")
    if javascript:  # axe-core is a script: it runs only where scripts do
        assert_accessible(page)
    context.close()


def test_it_draws_the_charts_in_the_persons_language(page, live_server, console_errors, dee):
    dee.language = "es"
    dee.save(update_fields=["language"])
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/trends/")
    container = page.locator('[data-chart="spasms"]')
    expect(container).to_have_attribute("data-drawn", "yes")
    # uPlot writes the legend as HTML (the axes are drawn); its words come from /jsi18n/.
    expect(container.get_by_text("Espasmos, media de 7 días")).to_be_attached()
    assert console_errors == []
