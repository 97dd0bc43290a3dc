// The installable app, on every page: registers the service worker (static/js/service-worker.js,
// served at /service-worker.js), tells it whose pages these are, and sends what the offline
// queue (queue.js) holds for the account signed in, on each page load and when the connection
// comes back. After signing out, that account's queue goes, and the worker drops the pages it
// kept. Every page works without this file.
"use strict";

(() => {
  const script = document.currentScript;
  const workerUrl = script ? script.dataset.worker : "";
  const queue = self.SciQueue && self.SciQueue.available() ? self.SciQueue : null;

  // Whose page this is, and who just signed out here: the drafts' note (includes/drafts.html).
  function accounts() {
    const note = document.getElementById("drafts");
    return { account: note ? note.dataset.account : "", forget: note ? note.dataset.forget : "" };
  }

  function csrfToken() {
    const input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  async function tellWorker(message) {
    const registration = await navigator.serviceWorker.ready;
    if (registration.active) {
      registration.active.postMessage(message);
    }
  }

  async function sendWaiting(account) {
    if (!queue || !account || !navigator.onLine) {
      return;
    }
    const results = await queue.sendAll(account, csrfToken());
    if (results.length) {
      document.dispatchEvent(new CustomEvent("sci-queue-sent", { detail: results }));
    }
  }

  document.addEventListener("DOMContentLoaded", async () => {
    const { account, forget } = accounts();
    if (forget && queue) {
      await queue.forget(forget);
    }
    if (workerUrl && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(() => {});
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data && event.data.type === "queue-sent") {
          document.dispatchEvent(new CustomEvent("sci-queue-sent", { detail: event.data.results }));
        }
      });
      // The worker keeps the Log page for this account only; the own Log page refreshes its copy.
      const onLogPage = Boolean(document.querySelector("[data-offline-queue][data-own]"));
      tellWorker({ type: "page", account, forget, logPage: onLogPage }).catch(() => {});
    }
    window.addEventListener("online", () => sendWaiting(account));
    await sendWaiting(account);
  });
})();
