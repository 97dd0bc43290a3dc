// The Log page's one-tap forms with no connection: a tap is kept on the device (queue.js) with
// the moment it was made and an id made here, counted ("2 entries waiting to send"), and sent by
// pwa.js or the service worker when the connection comes back. Online, the forms go as ever,
// with the id (so a tap that reaches the server twice is saved once). Words come from Django's
// JavaScript catalogue (/jsi18n/), with English kept here for a page that could not load it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-offline-queue]");
  const queue = self.SciQueue && self.SciQueue.available() ? self.SciQueue : null;
  if (!box || !queue) {
    return;
  }
  const account = box.dataset.account;
  const count = box.querySelector("[data-queue-count]");
  const refusedList = box.querySelector("[data-queue-refused]");
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate =
    window.interpolate || ((format, values) => format.replace("%(count)s", values.count));
  let sent = "";
  let signedOut = false;

  async function show() {
    const waiting = await queue.waiting(account);
    if (waiting.length) {
      const words = ngettext(
        "%(count)s entry waiting to send",
        "%(count)s entries waiting to send",
        waiting.length,
      );
      const parts = [interpolate(words, { count: waiting.length }, true)];
      parts.push(
        signedOut
          ? gettext("Sign in again to send them.")
          : gettext("They are kept on this device and sent when the connection comes back."),
      );
      count.textContent = parts.join(" ");
    } else {
      count.textContent = sent;
    }
    const refused = await queue.refusals(account);
    refusedList.replaceChildren(
      ...refused.map((refusal) => {
        const item = document.createElement("li");
        item.className = "alert alert-danger";
        item.textContent = refusal.message;
        return item;
      }),
    );
    if (refused.length) {
      const item = document.createElement("li");
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "btn btn-link";
      dismiss.textContent = gettext("Dismiss");
      dismiss.addEventListener("click", async () => {
        await queue.dismissRefusals(account);
        await show();
      });
      item.append(dismiss);
      refusedList.append(item);
    }
  }

  function csrfToken(form) {
    const input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  document.querySelectorAll("form[data-queue-kind]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      const canMakeIds = self.crypto && typeof self.crypto.randomUUID === "function";
      const id = canMakeIds ? self.crypto.randomUUID() : "";
      const idField = form.querySelector("[data-tap-id]");
      if (idField) {
        idField.value = id;
      }
      if (navigator.onLine || !id) {
        return; // sent now, as a form; the server saves it with the time it arrives
      }
      event.preventDefault();
      const tapped = Date.now(); // before anything slow: the moment of the tap
      const fields = Array.from(new FormData(form, event.submitter).entries()).filter(
        ([, value]) => typeof value === "string",
      );
      await queue.add({
        id,
        kind: form.dataset.queueKind,
        url: form.action,
        fields,
        tapped,
        account,
        csrf: csrfToken(form),
      });
      sent = "";
      await show();
      // Background Sync, where the browser has it: the worker sends them even if this page shuts.
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready
          .then((registration) => registration.sync && registration.sync.register("sci-queue"))
          .catch(() => {});
      }
    });
  });

  document.addEventListener("sci-queue-sent", async (event) => {
    const results = event.detail || [];
    signedOut = results.some((result) => result.outcome === "signed-out");
    const saved = results.filter((result) => result.outcome === "saved");
    if (saved.length) {
      sent = `${gettext("Sent:")} ${saved.map((result) => result.message).join(" ")}`;
    }
    await show();
  });
  window.addEventListener("offline", show);
  show();
});
