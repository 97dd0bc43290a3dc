// Chips by keyboard and switch: the groups of .btn-check radios and checkboxes drawn as large
// buttons (templates/includes/choice_group.html). Every chip works without this file; with it:
// - Enter on a chip picks it (a radio) or ticks and unticks it (a checkbox), where a browser
//   would send the half-filled form;
// - the arrow keys move between the chips of a group of checkboxes too (a browser does that for
//   radios only), Home and End to the first and last; Space ticks, as ever;
// - whatever has focus, a chip from any template included, is scrolled wholly into view.
"use strict";

(() => {
  const CHIP = "input.btn-check";

  // A group: a fieldset marked data-chips (includes/choice_group.html), or a row of chips that
  // another template draws in a .choice-options box. A lone toggle has none: Tab moves on.
  function groupOf(input) {
    return input.closest("[data-chips], .choice-options");
  }

  function chipsIn(group) {
    return Array.from(group.querySelectorAll(CHIP)).filter((input) => !input.disabled);
  }

  function shown(input) {
    return (input.labels && input.labels[0]) || input;
  }

  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches(CHIP)) {
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      if (input.type === "checkbox" || !input.checked) {
        input.click(); // as a tap: the change event tells the page's other scripts
      }
      return;
    }
    if (input.type !== "checkbox") {
      return; // radios: the browser's own arrow keys move and pick
    }
    const group = groupOf(input);
    if (!group) {
      return;
    }
    const chips = chipsIn(group);
    const at = chips.indexOf(input);
    const moves = {
      ArrowRight: at + 1,
      ArrowDown: at + 1,
      ArrowLeft: at - 1,
      ArrowUp: at - 1,
      Home: 0,
      End: chips.length - 1,
    };
    if (!(event.key in moves) || at < 0) {
      return;
    }
    event.preventDefault();
    const next = chips[(moves[event.key] + chips.length) % chips.length];
    next.focus();
  });

  // The browser scrolls the focused input into view, but only just (a focus ring half cut off
  // at the bottom), only the caret of a text box, and for a chip drawn without the .chip box
  // around it (see app.css) the input's place rather than its label's. The whole of what is
  // focused, ring included, is brought into view here (with the room of its scroll-margin).
  const RING = 6; // px: a 3 px outline 2 px out
  document.addEventListener("focusin", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || target === document.body || target.tagName === "MAIN") {
      return;
    }
    const element = target.matches(CHIP) ? shown(target) : target;
    const box = element.getBoundingClientRect();
    const fits = box.height + 2 * RING <= window.innerHeight;
    if (fits && (box.top - RING < 0 || box.bottom + RING > window.innerHeight)) {
      element.scrollIntoView({ block: "nearest" });
    }
  });
})();
