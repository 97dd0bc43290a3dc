"""The app's theme colours for the browser's chrome and the installed app's title bar.

Placeholders taken from the existing CSS (the favicon's and focus ring's blue, #1a4fd1, and a
dark navy for dark mode): the dark-mode work keeps the light and dark colours in one place, and
these should follow it then. Used by the manifest, the <meta name="theme-color"> tags
(context processor below) and make_icons.
"""

from typing import Any

THEME_LIGHT = "#1a4fd1"
THEME_DARK = "#0b1d4d"
BACKGROUND_LIGHT = "#ffffff"


def theme_colours(request: Any) -> dict[str, Any]:
    """Context processor: the colours base.html gives the browser."""
    return {"theme": {"light": THEME_LIGHT, "dark": THEME_DARK}}
