// The new share link's page: a Copy button, and the phone's share sheet where the browser has
// one (navigator.share). Both buttons stay hidden without this file or without the feature;
// the link can still be selected and copied by hand from its box.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const status = document.querySelector("[data-share-status]");
  const say = (words) => {
    if (status) {
      status.textContent = words;
    }
  };

  document.querySelectorAll("[data-copy]").forEach((button) => {
    const box = document.getElementById(button.dataset.copy);
    if (!box) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(box.value);
      } catch (error) {
        // No clipboard API (or it was refused): select the text and copy it the old way.
        box.focus();
        box.select();
        if (!document.execCommand || !document.execCommand("copy")) {
          say(button.dataset.copyFailed);
          return;
        }
      }
      say(button.dataset.copied);
    });
  });

  document.querySelectorAll("[data-share]").forEach((button) => {
    const box = document.getElementById(button.dataset.share);
    if (!box || typeof navigator.share !== "function") {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.share({ title: button.dataset.shareTitle || "", url: box.value });
      } catch (error) {
        // Closing the share sheet is not an error worth showing.
      }
    });
  });
});
