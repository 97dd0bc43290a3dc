"""Light and dark pages (Bootstrap 5.3's colour modes).

A person's choice (accounts.User.theme) of light or dark is drawn by the server, as
`data-bs-theme` on <html>, so the first paint is already right. "device" (and every visitor)
loads static/js/theme.js in the <head>, which sets it from the device's prefers-color-scheme
before the body is drawn, and follows the device when it changes. Print is always light
(app.css).
"""

from django.http import HttpRequest

# The colour of the browser's own bar (<meta name="theme-color">): the header's background in
# each mode (--site-panel in static/css/app.css). The web app manifest uses the same two.
THEME_COLOURS = {"light": "#f8f9fb", "dark": "#1a1d20"}
CHOSEN = ("light", "dark")  # the other choice, "device", follows the device


def page_theme(request: HttpRequest) -> dict:
    """The mode a page is drawn in: "light", "dark" or "device" (set in the browser)."""
    user = getattr(request, "user", None)
    theme = getattr(user, "theme", "device") if user is not None else "device"
    chosen = theme if theme in CHOSEN else "device"
    return {
        "page_theme": chosen,
        "theme_colours": THEME_COLOURS,
        "theme_colour": THEME_COLOURS.get(chosen),
    }
