"""The API's interactive documentation, as a developer opens it in a browser."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_the_api_docs_draw_every_operation_under_the_csp(page, live_server, console_errors, db):
    page.goto(f"{live_server.url}/api/v1/docs/")
    # Drawn by Swagger UI from the app's own static files: a CSP refusal would be a console error.
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 10
    expect(page.get_by_text("/api/v1/spasms/").first).to_be_visible()
    assert console_errors == []
    assert_accessible(page)
