// Fast entry (issue 16): folds remembered per person, "Something urgent?" opening the red
// flags, and the Log page's time chips naming the big button. Every page works without it.
"use strict";

function csrfToken(form) {
  const input = form.querySelector('input[name="csrfmiddlewaretoken"]');
  return input ? input.value : "";
}

// Folds: tell the server when one is opened or shut, so the next form of that kind starts the
// same way for this person. Only a person's own toggle counts, not one opened by a link.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-fold-url]");
  if (!form) {
    return;
  }
  form.querySelectorAll("details[data-fold] > summary").forEach((summary) => {
    summary.addEventListener("click", () => {
      const fold = summary.parentElement;
      // The click runs before the fold toggles: it is about to become the opposite.
      const body = new URLSearchParams({ fold: fold.dataset.fold, open: fold.open ? "0" : "1" });
      fetch(form.dataset.foldUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) },
      }).catch(() => {}); // remembering is a nicety: a failure changes nothing on the page
    });
  });
});

// "Something urgent?" and any link to a part inside a fold: open the fold, then show the part.
function openFoldFor(id) {
  const target = id && document.getElementById(id);
  if (!target) {
    return;
  }
  const fold = target.closest("details[data-fold]");
  if (!fold) {
    return; // not in a fold (the skip link's #main): the browser's own jump is right
  }
  fold.open = true;
  const legend = target.querySelector("legend") || target;
  legend.scrollIntoView({ block: "start" });
  const first = target.querySelector("input, select, textarea") || target;
  first.focus({ preventScroll: true });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("a[data-urgent-link]").forEach((link) => {
    const url = new URL(link.href, window.location.href);
    if (url.pathname !== window.location.pathname || !url.hash) {
      return; // another page: it opens the fold itself (?urgent=1)
    }
    link.addEventListener("click", (event) => {
      event.preventDefault();
      openFoldFor(url.hash.slice(1));
    });
  });
  if (window.location.hash) {
    openFoldFor(window.location.hash.slice(1));
  }
});

// The Log page: the big button says when the spasm it saves happened.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-quick-spasm]");
  if (!form) {
    return;
  }
  const title = form.querySelector("[data-quick-title]");
  const update = () => {
    const chosen = form.querySelector('input[name="minutes_ago"]:checked');
    if (chosen && title) {
      title.textContent = chosen.dataset.title;
    }
  };
  form.querySelectorAll('input[name="minutes_ago"]').forEach((chip) => {
    chip.addEventListener("change", update);
  });
  update();
});

// "Same as last time": one tap ticks the triggers of the last entry of this kind, or fills
// the rows of what was tried with what was tried then. Hidden without this file.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-fold-url]");
  if (!form) {
    return;
  }
  form.querySelectorAll("button[data-same-triggers]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const wanted = new Set(button.dataset.sameTriggers.split(" "));
      form.querySelectorAll('input[name="triggers"]').forEach((box) => {
        box.checked = wanted.has(box.value);
      });
    });
  });
  form.querySelectorAll("button[data-same-tried]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const uses = JSON.parse(button.dataset.sameTried);
      const total = Number(form.querySelector('input[name="tried-TOTAL_FORMS"]')?.value || 0);
      for (let row = 0; row < total; row += 1) {
        const use = uses[row] || { intervention: "", dose: "", effect: "not-sure" };
        const set = (name, value) => {
          form.querySelectorAll(`[name="tried-${row}-${name}"]`).forEach((field) => {
            if (field.type === "radio") {
              field.checked = field.value === String(value);
            } else {
              field.value = String(value);
            }
          });
        };
        set("intervention", use.intervention);
        set("dose", use.dose);
        set("effect", use.effect);
      }
    });
  });
});

// What was tried: a chip of one of the person's usual things fills the next empty row, then
// takes the person to that row's "Did it help?" (one more tap).
document.addEventListener("DOMContentLoaded", () => {
  const usual = document.querySelector("[data-usual-tried]");
  if (!usual) {
    return;
  }
  usual.hidden = false;
  const form = usual.closest("form");
  usual.querySelectorAll("button[data-intervention]").forEach((chip) => {
    chip.addEventListener("click", () => {
      const selects = Array.from(
        form.querySelectorAll('select[name^="tried-"][name$="-intervention"]'),
      );
      const already = selects.find((select) => select.value === chip.dataset.intervention);
      const row = already || selects.find((select) => select.value === "");
      if (!row) {
        return; // every row is taken: the rows' own lists still work
      }
      row.value = chip.dataset.intervention;
      const fieldset = row.closest(".tried-row");
      const effect =
        fieldset &&
        (fieldset.querySelector('input[type="radio"]:checked') ||
          fieldset.querySelector('input[type="radio"]'));
      if (effect) {
        fieldset.scrollIntoView({ block: "center" });
        effect.focus({ preventScroll: true });
      }
    });
  });
});
