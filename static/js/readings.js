// The blood-pressure readings of an AD episode: one empty row at a time, and "Add a reading"
// for the next, so the form stays short on a phone. Without this script every row shows.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const group = document.querySelector("[data-readings]");
  const add = group && group.querySelector("[data-add-reading]");
  if (!add) {
    return;
  }
  const rows = Array.from(group.querySelectorAll("[data-reading-row]"));
  const more = group.querySelector("[data-more-rows]");
  const typedIn = (row) =>
    Array.from(row.querySelectorAll('input[type="number"]')).some((input) => input.value !== "");
  const hiddenRows = () => rows.filter((row) => row.hidden);

  function update() {
    const left = hiddenRows().length;
    add.hidden = left === 0;
    more.hidden = left > 0;
  }

  function show(row) {
    row.hidden = false;
    update();
  }

  // A saved reading, one with an error and one with numbers typed stay; after them, one empty
  // row shows and the rest wait for the button.
  let emptyShown = false;
  rows.forEach((row) => {
    if (row.hasAttribute("data-reading-kept") || typedIn(row)) {
      return;
    }
    if (emptyShown) {
      row.hidden = true;
    }
    emptyShown = true;
  });
  update();

  add.addEventListener("click", () => {
    const next = hiddenRows()[0];
    if (next) {
      show(next);
      next.querySelector('input[type="number"]').focus();
    }
  });
  // A restored draft (static/js/drafts.js) with numbers in a waiting row: show it. Its time
  // alone does not count: every new row's time is filled in ahead, to the minute the page
  // was made, so a draft kept a minute earlier brings back a different one.
  group.addEventListener("input", (event) => {
    const row = event.target.closest("[data-reading-row]");
    if (row && row.hidden && typedIn(row)) {
      show(row);
    }
  });
});
