// Small progressive enhancements. Every page works without this file.
"use strict";

function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return "";
  }
}

function hasOption(select, value) {
  return Array.from(select.options).some((option) => option.value === value);
}

document.addEventListener("DOMContentLoaded", () => {
  const zone = browserTimeZone();

  // Sign-up: start from the device's own time zone.
  document.querySelectorAll('select[data-browser-time-zone="fill"]').forEach((select) => {
    if (zone && hasOption(select, zone) && !select.closest("form").querySelector(".is-invalid")) {
      select.value = zone;
    }
  });

  // Profile: offer the device's zone when it differs from the saved one.
  const hint = document.querySelector("[data-browser-zone-hint]");
  const select = document.querySelector('select[name="time_zone"]');
  if (hint && select && zone && hasOption(select, zone) && select.value !== zone) {
    hint.querySelector("[data-browser-zone-name]").textContent = zone.replace(/_/g, " ");
    hint.hidden = false;
    hint.querySelector("[data-use-browser-zone]").addEventListener("click", () => {
      select.value = zone;
      select.focus();
    });
  }

  // After a failed submit, move focus to the summary of what needs fixing (or to the news that
  // the entry changed elsewhere, which comes first).
  const summary = document.querySelector("[data-conflict], [data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // A summary link jumps to its question without this; with it, the answer itself takes focus
  // (for a group of buttons, the chosen one or the first), with its question in view.
  document.querySelectorAll("[data-error-summary] a[href^='#']").forEach((link) => {
    link.addEventListener("click", (event) => {
      const target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      const control =
        target.tagName === "FIELDSET"
          ? target.querySelector("input:checked") || target.querySelector("input, select, textarea")
          : target;
      if (!control) {
        return;
      }
      event.preventDefault();
      const question =
        target.tagName === "FIELDSET"
          ? target.querySelector("legend")
          : document.querySelector(`label[for="${target.id}"]`);
      (question || target).scrollIntoView({ block: "start" });
      control.focus({ preventScroll: true });
    });
  });
});

// Entry forms: the date-and-time box only matters for "Earlier…"; show it when that is picked.
document.addEventListener("DOMContentLoaded", () => {
  const exact = document.querySelector('input[name="occurred_local"]');
  const choices = document.querySelectorAll('input[name="when"]');
  if (!exact || choices.length === 0) {
    return;
  }
  const wrapper = exact.closest(".mb-3") || exact.parentElement;
  const update = () => {
    const earlier = document.querySelector('input[name="when"]:checked')?.value === "earlier";
    wrapper.hidden = !earlier && !exact.classList.contains("is-invalid");
  };
  choices.forEach((choice) => choice.addEventListener("change", update));
  update();
});

// The medicine forms: the times box only matters for "Other times…"; show it when that is picked.
document.addEventListener("DOMContentLoaded", () => {
  const typed = document.querySelector('input[name="times"]');
  const choices = document.querySelectorAll('input[name="schedule"]');
  if (!typed || choices.length === 0) {
    return;
  }
  const wrapper = typed.closest(".mb-3") || typed.parentElement;
  const update = () => {
    const custom = document.querySelector('input[name="schedule"]:checked')?.value === "custom";
    wrapper.hidden = !custom && !typed.classList.contains("is-invalid");
  };
  choices.forEach((choice) => choice.addEventListener("change", update));
  update();
});

// A spasm or a tremor can tap a button twice: send each form once, so one tap logs one entry.
// The server still works without this; the guard is lifted when the page is shown again
// (the browser's Back button can bring it back from its cache with the flag still set).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.method.toLowerCase() !== "post") {
    return;
  }
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "yes";
});
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-sent]").forEach((form) => delete form.dataset.sent);
});
