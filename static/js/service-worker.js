// The service worker, served at /service-worker.js (sci_tracker.pwa.views.service_worker, which
// puts `const SHELL = {...}` above this: the hashed addresses of the app's CSS, scripts and icons,
// and the addresses below). Its scope is the whole site. What it does:
//
// - Keeps the app shell (SHELL.static, the JavaScript catalogue) and serves it from its cache.
// - Keeps two pages: the offline page, and the signed-in person's own Log page as
//   /log/offline-copy/ renders it (the buttons and the person's name, nothing of the diary).
//   Both are kept for one account: a page from another account, or signing out, drops them.
// - Pages: network first. Offline, /log/ is the kept copy and every other page the offline page.
//   No other page is ever stored: the diary's pages answer "no-store", and this never keeps them.
// - A one-tap form sent with the page thinking it was online, that then meets no network, is
//   queued here (queue.js) instead of being lost, and the person sent to the Log page.
// - Background Sync ("sci-queue"): sends the queue of the account last signed in here.
//
// - Web Push: shows the daily check-in reminders the server sends (sci_tracker/reminders), and a
//   tap on one opens its page. The message is JSON made by sci_tracker.reminders.worker.message:
//   {"title": "...", "body": "...", "url": "/log/checkin/", "tag": "daily-check-in"}
"use strict";

/* global SHELL, SciQueue */
importScripts(SHELL.queue_script);

// Named after the files it holds: a deploy that changes one starts a new cache.
const SHELL_CACHE = `sci-shell-${hash(JSON.stringify(SHELL.static))}`;
const PAGES_CACHE = "sci-pages";

// The last resort's words in the browser's language, else the site's first.
function offlineWords() {
  const words = SHELL.offline_words;
  const wanted = (self.navigator.language || "").toLowerCase();
  const code =
    Object.keys(words).find((each) => each === wanted) ||
    Object.keys(words).find((each) => each.split("-")[0] === wanted.split("-")[0]) ||
    Object.keys(words)[0];
  return words[code];
}

function hash(text) {
  let value = 0;
  for (let index = 0; index < text.length; index += 1) {
    value = (value * 31 + text.charCodeAt(index)) | 0;
  }
  return (value >>> 0).toString(36);
}

// The two kept pages, fetched as the server sees this browser now: whoever the message that
// asked came from, the copy kept is that of the account signed in at this moment (the copy's
// answer names it), so a late message from an older page cannot keep the wrong one. The Log
// page's copy goes when the server sends the fetch to sign in; a copy that could not be
// fetched now (no network, a server error) stays as it was.
async function keepPages() {
  const cache = await caches.open(PAGES_CACHE);
  const offline = await fetch(SHELL.offline_page, { credentials: "same-origin" });
  if (offline.ok) {
    await cache.put(SHELL.offline_page, offline);
  }
  const copy = await fetch(SHELL.log_copy, { credentials: "same-origin", redirect: "manual" });
  if (copy.ok && copy.type === "basic") {
    await cache.put(SHELL.log_copy, copy.clone());
    await SciQueue.setMeta("pages-account", copy.headers.get(SHELL.account_header) || "");
  } else if (copy.type === "opaqueredirect") {
    await cache.delete(SHELL.log_copy);
    await SciQueue.setMeta("pages-account", "");
  }
}

async function dropPages() {
  await caches.delete(PAGES_CACHE);
  await SciQueue.setMeta("pages-account", "");
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll([...SHELL.static, SHELL.catalogue]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith("sci-shell-") && name !== SHELL_CACHE)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

// Each page says whose it is (pwa.js): {account, forget, logPage}. One message at a time, so
// the pages kept are always those of the last page's account.
let messages = Promise.resolve();

async function heard(message) {
  if (message.forget) {
    await SciQueue.forget(message.forget);
    await dropPages();
  }
  const account = message.account || "";
  await SciQueue.setMeta("account", account);
  const keptFor = await SciQueue.getMeta("pages-account");
  const missing = !(await fromCache(PAGES_CACHE, SHELL.offline_page));
  if (keptFor !== account || missing || message.logPage) {
    await keepPages();
  }
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "page") {
    messages = messages.then(() => heard(message)).catch(() => {});
    event.waitUntil(messages);
  }
});

async function fromCache(cacheName, url) {
  const cache = await caches.open(cacheName);
  return cache.match(url);
}

async function page(request, url) {
  try {
    return await fetch(request);
  } catch (error) {
    const own = url.pathname === SHELL.log_page && (await SciQueue.getMeta("pages-account"));
    const copy = own ? await fromCache(PAGES_CACHE, SHELL.log_copy) : null;
    const offline = copy || (await fromCache(PAGES_CACHE, SHELL.offline_page));
    return offline || new Response(offlineWords(), { status: 503 });
  }
}

function isTap(url) {
  return SHELL.taps.some((ending) => url.pathname.endsWith(`/log/${ending}`));
}

async function tapOrQueue(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    const form = await copy.formData();
    const account = form.get("account") || "";
    const id = form.get("client_id") || self.crypto.randomUUID();
    if (account) {
      await SciQueue.add({
        id,
        kind: "tap",
        url: request.url,
        fields: Array.from(form.entries()).filter(([, value]) => typeof value === "string"),
        tapped: Date.now(),
        account,
        csrf: form.get("csrfmiddlewaretoken") || "",
      });
    }
    return Response.redirect(request.referrer || SHELL.log_page, 303);
  }
}

async function shellFile(request) {
  const kept = await fromCache(SHELL_CACHE, request.url);
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok && new URL(request.url).pathname.startsWith(SHELL.static_prefix)) {
    // A static file's name carries its hash: the same name is always the same file.
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function catalogue(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return (await fromCache(SHELL_CACHE, SHELL.catalogue)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    if (request.method === "GET") {
      event.respondWith(page(request, url));
    } else if (request.method === "POST" && isTap(url)) {
      event.respondWith(tapOrQueue(request));
    }
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  if (url.pathname.startsWith(SHELL.static_prefix)) {
    event.respondWith(shellFile(request));
  } else if (url.pathname === SHELL.catalogue) {
    event.respondWith(catalogue(request));
  }
});

// Background Sync: the connection is back; send what the account signed in here left waiting.
self.addEventListener("sync", (event) => {
  if (event.tag !== "sci-queue") {
    return;
  }
  event.waitUntil(
    (async () => {
      const account = await SciQueue.getMeta("account");
      if (!account) {
        return;
      }
      const results = await SciQueue.sendAll(account, "");
      const clients = await self.clients.matchAll({ type: "window" });
      clients.forEach((client) => client.postMessage({ type: "queue-sent", results }));
      if (results.some((result) => result.outcome === "later")) {
        throw new Error("Not sent yet: the browser tries again later.");
      }
    })(),
  );
});

// Reminders (Web Push) ----------------------------------------------------------------------

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
