/*
 * The reminder page's "Get notifications on this device" (templates/reminders/settings.html):
 * registers the service worker, subscribes through the browser's PushManager with the server's
 * VAPID public key (data-push-key), and posts the subscription (endpoint, p256dh, auth) to
 * data-push-add. "Stop" unsubscribes and tells data-push-remove. Without JavaScript or the Push
 * API the buttons stay hidden and the page says so.
 */
"use strict";

(function () {
  const box = document.querySelector("[data-push]");
  if (!box) {
    return;
  }
  const unsupported = document.querySelector("[data-push-unsupported]");
  const status = document.querySelector("[data-push-status]");
  const onButton = box.querySelector("[data-push-on]");
  const offButton = box.querySelector("[data-push-off]");
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return; // the "cannot show notifications" line stays
  }
  unsupported.hidden = true;
  box.hidden = false;

  // An error whose message is ours (translated, in the page) rather than the browser's.
  function refused(text) {
    const error = new Error(text);
    error.shown = true;
    return error;
  }

  function shownMessage(error) {
    return error && error.shown ? error.message : box.dataset.textFailed;
  }

  function csrfToken() {
    const input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then((response) => {
      if (!response.ok) {
        throw refused(box.dataset.textFailed);
      }
      return response.json();
    });
  }

  function show(subscribed, text) {
    onButton.hidden = subscribed;
    offButton.hidden = !subscribed;
    if (text !== undefined) {
      status.textContent = text;
    }
  }

  const ready = navigator.serviceWorker.register("/service-worker.js").then(() => navigator.serviceWorker.ready);

  ready
    .then((registration) => registration.pushManager.getSubscription())
    .then((subscription) => show(Boolean(subscription)))
    .catch(() => show(false));

  onButton.addEventListener("click", () => {
    Notification.requestPermission()
      .then((permission) => {
        if (permission !== "granted") {
          throw refused(box.dataset.textBlocked);
        }
        return ready;
      })
      .then((registration) =>
        registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.pushKey),
        })
      )
      .then((subscription) => post(box.dataset.pushAdd, subscription.toJSON()))
      .then(() => show(true, box.dataset.textOn))
      .catch((error) => show(false, shownMessage(error)));
  });

  offButton.addEventListener("click", () => {
    ready
      .then((registration) => registration.pushManager.getSubscription())
      .then((subscription) => {
        if (!subscription) {
          return null;
        }
        const endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(() => post(box.dataset.pushRemove, { endpoint }));
      })
      .then(() => show(false, box.dataset.textOff))
      .catch((error) => show(true, shownMessage(error)));
  });
})();
