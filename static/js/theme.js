// Light or dark pages as the device is set (prefers-color-scheme), for people who chose
// "Same as this device" and for visitors. Loaded in the <head> without defer, so the mode is set
// before the body is drawn: no flash of the other one. A chosen light or dark comes from the
// server instead (sci_tracker/core/theme.py).
"use strict";

(() => {
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const apply = () => {
    document.documentElement.setAttribute("data-bs-theme", dark.matches ? "dark" : "light");
  };
  apply();
  dark.addEventListener("change", apply);
})();
