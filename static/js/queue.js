// The offline queue: one-tap entries (Spasm now, Leg pain now, the check-in's first question)
// made with no connection wait here, in IndexedDB, until they are sent. Used by the pages
// (pwa.js, log_offline.js) and by the service worker (importScripts), so it touches no DOM.
//
// Each entry keeps: `id` (made on the device; the server saves an id once, so sending again is
// safe), `url` (the form's address: whose diary it is for), `fields` (what the form sent),
// `tapped` (the moment of the tap, UTC milliseconds), `account` (an opaque tag of the account it
// was made under: it is only ever sent while that account is signed in) and `csrf` (the page's
// token, for a send from the worker, which has no page to take one from).
"use strict";

(function (global) {
  const DB_NAME = "sci-tracker-queue";
  const TAPS = "taps";
  const META = "meta";
  const OWN_FIELDS = new Set(["client_id", "tapped_at", "account", "csrfmiddlewaretoken"]);

  function request(idbRequest) {
    return new Promise((resolve, reject) => {
      idbRequest.onsuccess = () => resolve(idbRequest.result);
      idbRequest.onerror = () => reject(idbRequest.error);
    });
  }

  function open() {
    const opening = global.indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore(TAPS, { keyPath: "id" });
      opening.result.createObjectStore(META, { keyPath: "key" });
    };
    return request(opening);
  }

  async function withStore(name, mode, work) {
    const db = await open();
    try {
      const transaction = db.transaction(name, mode);
      const done = new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      });
      const result = await work(transaction.objectStore(name));
      await done;
      return result;
    } finally {
      db.close();
    }
  }

  function available() {
    return Boolean(global.indexedDB);
  }

  function add(entry) {
    return withStore(TAPS, "readwrite", (store) => request(store.put(entry)));
  }

  async function waiting(account) {
    const all = await withStore(TAPS, "readonly", (store) => request(store.getAll()));
    return all.filter((entry) => entry.account === account).sort((a, b) => a.tapped - b.tapped);
  }

  function remove(id) {
    return withStore(TAPS, "readwrite", (store) => request(store.delete(id)));
  }

  // Signing out: what that account left waiting (and its refusals) goes, and nothing else.
  async function forget(account) {
    const all = await withStore(TAPS, "readonly", (store) => request(store.getAll()));
    await Promise.all(all.filter((entry) => entry.account === account).map((e) => remove(e.id)));
    await withStore(META, "readwrite", (store) => request(store.delete(`refused:${account}`)));
  }

  async function refusals(account) {
    return (await getMeta(`refused:${account}`)) || [];
  }

  function dismissRefusals(account) {
    return setMeta(`refused:${account}`, []);
  }

  async function getMeta(key) {
    const row = await withStore(META, "readonly", (store) => request(store.get(key)));
    return row ? row.value : undefined;
  }

  function setMeta(key, value) {
    return withStore(META, "readwrite", (store) => request(store.put({ key, value })));
  }

  // One entry to the server. The answer, for the caller to act on:
  // "saved" (also when it was saved before), "refused" (with the server's reason: it will not
  // be saved by sending again), "later" (no connection, or the server could not answer now),
  // "signed-out" (the session ended: sent to sign in).
  async function send(entry, csrf) {
    const body = new URLSearchParams();
    entry.fields.forEach(([name, value]) => OWN_FIELDS.has(name) || body.append(name, value));
    body.append("client_id", entry.id);
    body.append("tapped_at", String(entry.tapped));
    body.append("account", entry.account);
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json", "X-CSRFToken": csrf || entry.csrf },
      });
    } catch (error) {
      return { outcome: "later" };
    }
    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
      return { outcome: "signed-out" };
    }
    const json = (response.headers.get("Content-Type") || "").includes("application/json");
    if (!json || response.status >= 500) {
      return { outcome: "later" }; // a CSRF refusal (an old token) or the server's trouble
    }
    const answer = await response.json();
    if (response.ok && answer.saved) {
      return { outcome: "saved", message: answer.message };
    }
    return { outcome: "refused", message: answer.error };
  }

  // Sends what `account` left waiting, oldest first, each once at a time across the pages and
  // the worker (Web Locks where the browser has them). Stops at the first "later" or
  // "signed-out": the rest would meet the same.
  async function sendAll(account, csrf) {
    const work = async () => {
      const results = [];
      for (const entry of await waiting(account)) {
        const result = await send(entry, csrf);
        results.push(result);
        if (result.outcome === "refused") {
          // Kept to be shown on the Log page (a send from the worker has no page to say it on).
          const refused = (await getMeta(`refused:${account}`)) || [];
          refused.push({ id: entry.id, tapped: entry.tapped, message: result.message });
          await setMeta(`refused:${account}`, refused);
        }
        if (result.outcome === "saved" || result.outcome === "refused") {
          await remove(entry.id);
        } else {
          break;
        }
      }
      return results;
    };
    if (global.navigator && global.navigator.locks) {
      return global.navigator.locks.request("sci-tracker-queue", work);
    }
    return work();
  }

  global.SciQueue = {
    available,
    add,
    waiting,
    remove,
    forget,
    refusals,
    dismissRefusals,
    getMeta,
    setMeta,
    send,
    sendAll,
  };
})(self);
