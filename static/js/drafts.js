// Drafts: what is typed in a form is kept in this browser, under the account and the form's
// address, until the form is saved or the draft discarded. Opening the form again brings it
// back, with a note that says so. The server says (templates/includes/drafts.html) whose
// drafts these are, which forms were just saved, and which account just signed out here.
// Nothing is kept of a form with a password box, nor for anyone signed out.
//
// A form takes part with id="entry-form" (the diary's entry forms) or a data-draft attribute;
// a page with several such forms names each (data-draft="trigger"), so each has its own draft.
"use strict";

(() => {
  const PREFIX = "sci-draft:";
  // Which draft the form just sent was (this tab only): when a page of several forms is saved,
  // only that form's draft goes.
  const SENT = "sci-draft-sent";
  // Health notes do not stay in a browser for ever: a draft untouched for 30 days goes.
  const MAX_AGE = 30 * 24 * 60 * 60 * 1000;
  const SKIPPED_TYPES = new Set(["password", "file", "submit", "button", "reset", "image"]);

  function storage() {
    try {
      const store = window.localStorage;
      store.getItem(PREFIX); // private modes may refuse even this
      return store;
    } catch (error) {
      return null;
    }
  }

  function removeWhere(store, test) {
    const doomed = [];
    for (let index = 0; index < store.length; index += 1) {
      const key = store.key(index);
      if (key && key.startsWith(PREFIX) && test(key)) {
        doomed.push(key);
      }
    }
    doomed.forEach((key) => store.removeItem(key));
  }

  function read(store, key) {
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  // The fields a draft keeps: what a person types or picks, and the version an edit was opened
  // at (so a draft of an edit still meets the "changed on another device" page). Not the CSRF
  // token, nor the rest of the hidden bookkeeping, which the page itself brings.
  function kept(field) {
    if (!field.name || field.disabled || SKIPPED_TYPES.has(field.type)) {
      return false;
    }
    if (field.name === "csrfmiddlewaretoken") {
      return false;
    }
    return field.type !== "hidden" || field.name === "version";
  }

  // The form as [name, value] pairs, in the order of the page.
  function snapshot(form) {
    const pairs = [];
    Array.from(form.elements)
      .filter(kept)
      .forEach((field) => {
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.checked) {
            pairs.push([field.name, field.value]);
          }
        } else if (field.type === "select-multiple") {
          Array.from(field.selectedOptions).forEach((option) => pairs.push([field.name, option.value]));
        } else {
          pairs.push([field.name, field.value]);
        }
      });
    return pairs;
  }

  function sameAnswers(one, other) {
    const typed = (pairs) => JSON.stringify(pairs.filter(([name]) => name !== "version"));
    return typed(one) === typed(other);
  }

  // Puts a snapshot back, and tells the page's other scripts what changed.
  function apply(form, pairs) {
    const values = new Map();
    pairs.forEach(([name, value]) => {
      if (!values.has(name)) {
        values.set(name, []);
      }
      values.get(name).push(value);
    });
    const used = new Map();
    const changed = [];
    Array.from(form.elements)
      .filter(kept)
      .forEach((field) => {
        const wanted = values.get(field.name) || [];
        if (field.type === "checkbox" || field.type === "radio") {
          const checked = wanted.includes(field.value);
          if (field.checked !== checked) {
            field.checked = checked;
            changed.push(field);
          }
        } else if (field.type === "select-multiple") {
          Array.from(field.options).forEach((option) => {
            option.selected = wanted.includes(option.value);
          });
          changed.push(field);
        } else {
          const index = used.get(field.name) || 0;
          used.set(field.name, index + 1);
          const value = wanted[index] ?? "";
          if (field.value !== value) {
            field.value = value;
            changed.push(field);
          }
        }
      });
    changed.forEach((field) => {
      // A restored answer in a folded part of the form opens it, so the person sees it came back.
      const fold = field.closest("details");
      if (fold && !fold.open) {
        fold.open = true;
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function sentKey() {
    try {
      const key = window.sessionStorage.getItem(SENT);
      window.sessionStorage.removeItem(SENT);
      return key;
    } catch (error) {
      return null;
    }
  }

  // A form saved at `path`: the draft of the form that was sent, or (not known) every draft of
  // that page.
  function dropSaved(store, account, path, sent) {
    const page = `${PREFIX}${account}:${path}`;
    if (sent && (sent === page || sent.startsWith(`${page}#`))) {
      store.removeItem(sent);
      return;
    }
    removeWhere(store, (key) => key === page || key.startsWith(`${page}#`));
  }

  function keepDraft(store, info, account, form) {
    const page = `${PREFIX}${account}:${window.location.pathname}${window.location.search}`;
    const key = form.dataset.draft ? `${page}#${form.dataset.draft}` : page;
    const initial = snapshot(form);
    form.addEventListener("submit", () => {
      try {
        window.sessionStorage.setItem(SENT, key);
      } catch (error) {
        // Without it a save drops every draft of the page: nothing worse.
      }
    });

    const save = () => {
      const now = snapshot(form);
      if (sameAnswers(now, initial)) {
        store.removeItem(key);
        return;
      }
      try {
        store.setItem(key, JSON.stringify({ at: Date.now(), fields: now }));
      } catch (error) {
        // Storage full or refused: the form still works, only without a draft.
      }
    };
    let pending = null;
    form.addEventListener("input", () => {
      window.clearTimeout(pending);
      pending = window.setTimeout(save, 300);
    });
    form.addEventListener("change", save);
    window.addEventListener("pagehide", save); // a reload within the wait above loses nothing

    // A page that answers a save (errors, the entry changed elsewhere) shows what was just sent:
    // newer than the draft, which is then left as it is.
    const answered = document.querySelector("[data-error-summary], [data-conflict], .is-invalid, .has-error");
    const draft = read(store, key);
    if (answered || !draft || !Array.isArray(draft.fields) || sameAnswers(draft.fields, initial)) {
      return;
    }
    apply(form, draft.fields);
    const note = info.content.firstElementChild.cloneNode(true);
    form.before(note);
    note.querySelector("[data-draft-discard]").addEventListener("click", () => {
      store.removeItem(key);
      apply(form, initial);
      store.removeItem(key); // the change events above wrote it again
      note.remove();
      const first = form.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const store = storage();
    const info = document.getElementById("drafts");
    if (!store || !info) {
      return;
    }
    const account = info.dataset.account;
    if (info.dataset.forget) {
      removeWhere(store, (key) => key.startsWith(`${PREFIX}${info.dataset.forget}:`));
    }
    const sent = sentKey();
    (info.dataset.saved || "")
      .split(" ")
      .filter(Boolean)
      .forEach((path) => dropSaved(store, account, path, sent));
    const now = Date.now();
    removeWhere(store, (key) => !(now - (read(store, key)?.at || 0) < MAX_AGE));

    if (!account) {
      return;
    }
    document.querySelectorAll("form#entry-form, form[data-draft]").forEach((form) => {
      if (!form.querySelector('input[type="password"]')) {
        keepDraft(store, info, account, form);
      }
    });
  });
})();
