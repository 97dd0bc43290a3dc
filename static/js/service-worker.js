/*
 * SCI Tracker's service worker, served at /service-worker.js (sci_tracker.views.service_worker)
 * so that it may control every page of the site.
 *
 * For now it does one thing: show the daily check-in reminders that the server sends by Web
 * Push (sci_tracker/reminders). The offline work (app shell cache, queued entries, Background
 * Sync) is meant to be added to this same file: a site has one service worker per scope, so
 * keep the "push" and "notificationclick" handlers below when extending it.
 *
 * The message is JSON made by sci_tracker.reminders.worker.message:
 *   {"title": "...", "body": "...", "url": "/log/checkin/", "tag": "daily-check-in"}
 */
"use strict";

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { body: event.data ? event.data.text() : "" };
  }
  const title = message.title || "SCI Tracker";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: message.body || "",
      tag: message.tag || "sci-tracker",
      icon: "/static/favicon.svg",
      // Where a tap on the notification goes (see notificationclick).
      data: { url: message.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // Only an address on this site: the message comes from our server, but keep it so.
  const target = new URL(event.notification.data && event.notification.data.url || "/", self.location.origin);
  if (target.origin !== self.location.origin) {
    return;
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      // A tab already on the page: bring it forward; else open one.
      for (const client of windows) {
        if (client.url === target.href && "focus" in client) {
          return client.focus();
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});
