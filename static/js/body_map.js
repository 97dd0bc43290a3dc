// Where it hurts (templates/diary/body_map.html): tapping a region of the legs ticks or unticks
// the matching box of the "Where" list it sits in, and the regions show what the list holds,
// whoever changed it (a tap on the list, a key, a restored draft). The list is the way for a
// keyboard or screen reader; the picture is a pointer's shortcut, shown only with this file.
"use strict";

(() => {
  const map = document.querySelector("[data-body-map]");
  const group = map && map.closest("fieldset");
  if (!group) {
    return;
  }
  const boxes = new Map(
    Array.from(group.querySelectorAll("input[type=checkbox]")).map((box) => [box.value, box]),
  );

  function draw() {
    map.querySelectorAll("[data-site]").forEach((region) => {
      const box = boxes.get(region.dataset.site);
      region.classList.toggle("is-picked", Boolean(box && box.checked));
    });
  }

  map.addEventListener("click", (event) => {
    const region = event.target.closest("[data-site]");
    const box = region && boxes.get(region.dataset.site);
    if (box && !box.disabled) {
      box.click(); // as a tap on the chip: its change event reaches drafts.js and draw()
    }
  });
  group.addEventListener("change", draw);
  // A page brought back from the browser's cache keeps its ticks; the picture follows them.
  window.addEventListener("pageshow", draw);
  map.hidden = false;
  draw();
})();
