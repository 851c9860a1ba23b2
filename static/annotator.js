// annotator: the annotation page's behaviour, hooked on data- attributes (RSJS style).
//
// Offsets sent to the server are the browser's own: UTF-16 units over the text as the DOM
// holds it (CRLF seen as LF). Every text segment carries data-o, its offset in those units;
// the server converts to code points in one place (annotator/offsets.py).
(function () {
  "use strict";

  const ACTIVE_LABEL_KEY = "annotator.activeLabel";
  let page = null; // the [data-annotate] element of the current page
  let selectedId = null; // the selected span's id, as a string

  function textRoot() { return page.querySelector("[data-text]"); }
  function labelButtons() { return page.querySelectorAll(".label-button"); }
  function spanItem(id) { return page.querySelector(`.span-item[data-span-id="${id}"]`); }

  function showError(message) {
    const flash = page.querySelector("#flash");
    flash.innerHTML = "";
    const p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    flash.appendChild(p);
  }

  // --- labels -------------------------------------------------------------------------------
  function activeLabel() { return sessionStorage.getItem(ACTIVE_LABEL_KEY); }

  function setActiveLabel(name) {
    sessionStorage.setItem(ACTIVE_LABEL_KEY, name);
    labelButtons().forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.label === name));
    });
  }

  function pickLabel(name) {
    setActiveLabel(name);
    if (selectedId !== null) {
      const item = spanItem(selectedId);
      if (item && item.dataset.label !== name) {
        htmx.ajax("POST", item.dataset.labelUrl, { swap: "none", values: { label: name } });
      }
    }
  }

  // --- selection -> offsets -------------------------------------------------------------------
  function segmentLength(segment) { return segment.textContent.length; }

  // The browser offset of a DOM boundary point (node, offset) inside the text.
  function pointOffset(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const segment = node.parentElement.closest(".seg");
      if (segment) return Number(segment.dataset.o) + offset;
    }
    const probe = document.createRange();
    probe.setStart(node, offset);
    const segments = textRoot().querySelectorAll(".seg");
    for (const segment of segments) {
      if (probe.comparePoint(segment, 0) >= 0) return Number(segment.dataset.o);
    }
    const last = segments[segments.length - 1];
    return last ? Number(last.dataset.o) + segmentLength(last) : 0;
  }

  function selectionOffsets() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const root = textRoot();
    if (!root.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== root) {
      return null;
    }
    const start = pointOffset(range.startContainer, range.startOffset);
    const end = pointOffset(range.endContainer, range.endOffset);
    return end > start ? { start, end } : null;
  }

  function saveSelection(exact) {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return false;
    const offsets = selectionOffsets();
    if (!offsets) {
      if (textRoot().contains(selection.getRangeAt(0).commonAncestorContainer)) return false;
      // Dragged past the text (the browser then selects parts of the page around it).
      selection.removeAllRanges();
      showError("The selection went past the text: release the mouse over the text to save it.");
      return true;
    }
    const label = activeLabel();
    if (!label) {
      showError("Pick a label first (click it or press its key), then select the text.");
      return true;
    }
    const form = page.querySelector("#span-form");
    window.getSelection().removeAllRanges();
    selectSpan(null); // the next label picked is for the next span, not a relabel
    // The values go with this request (not read from the form when it is sent): selections
    // made while one is being saved wait in the form's queue (hx-sync), none is dropped.
    htmx.ajax("POST", form.getAttribute("hx-post"), {
      source: form,
      swap: "none",
      values: { start: offsets.start, end: offsets.end, label, exact: exact ? "1" : "0" },
    });
    return true;
  }

  // --- selecting spans -----------------------------------------------------------------------
  function markSelected() {
    page.querySelectorAll(".seg.selected, .span-item.selected").forEach((el) => el.classList.remove("selected"));
    const panel = page.querySelector("[data-selection]");
    const item = selectedId === null ? null : spanItem(selectedId);
    if (!item) {
      selectedId = null;
      panel.hidden = true;
      return;
    }
    item.classList.add("selected");
    textRoot().querySelectorAll(`.seg[data-spans~="${selectedId}"]`).forEach((el) => el.classList.add("selected"));
    panel.querySelector('[data-field="label"]').textContent = item.dataset.label;
    panel.querySelector('[data-field="layer"]').textContent = item.dataset.layer;
    panel.querySelector('[data-field="text"]').textContent = item.dataset.text;
    panel.querySelector('[data-field="offsets"]').textContent = `[${item.dataset.start}, ${item.dataset.end})`;
    panel.querySelector('[data-field="swatch"]').style.setProperty("--label-color", item.dataset.color);
    panel.dataset.spanId = selectedId;
    panel.hidden = false;
  }

  function selectSpan(id) {
    selectedId = id === null ? null : String(id);
    markSelected();
  }

  // A click on text covered by several spans picks the shortest; clicking again cycles.
  function clickSegment(segment) {
    const ids = (segment.dataset.spans || "").split(" ").filter(Boolean);
    if (ids.length === 0) { selectSpan(null); return; }
    const current = ids.indexOf(selectedId);
    selectSpan(ids[(current + 1) % ids.length]);
  }

  function deleteSelected() {
    const item = selectedId === null ? null : spanItem(selectedId);
    if (item) htmx.ajax("DELETE", item.dataset.url, { swap: "none" });
  }

  function setStatus(status) {
    const button = page.querySelector(`[data-status-action="${status}"]`);
    if (button) button.click();
  }

  function go(url) { if (url) window.location.assign(url); }

  // --- events --------------------------------------------------------------------------------
  // Listened for on the whole document, for presses that began over the text: a drag released
  // just past the text (the margin beside a line) is saved too.
  let pressedInText = false;

  function onMouseDown(event) { pressedInText = event.button === 0; }

  function onMouseUp(event) {
    if (event.button !== 0 || !pressedInText) return;
    pressedInText = false;
    if (saveSelection(event.altKey)) return;
    const segment = event.target.closest(".seg");
    if (segment) clickSegment(segment);
  }

  function onKeyDown(event) {
    if (!page || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key;
    if ((key === "Delete" || key === "Backspace") && selectedId !== null) {
      event.preventDefault();
      deleteSelected();
      return;
    }
    if (key === "Escape") { selectSpan(null); return; }
    const button = page.querySelector(`.label-button[data-hotkey="${CSS.escape(key.toLowerCase())}"]`);
    if (button && key.length === 1) { event.preventDefault(); pickLabel(button.dataset.label); return; }
    const actions = {
      n: () => go(page.dataset.nextUrl),
      p: () => go(page.dataset.previousUrl),
      d: () => setStatus("done"),
      s: () => setStatus("skipped"),
    };
    if (actions[key]) { event.preventDefault(); actions[key](); }
  }

  function init(root) {
    const found = root.querySelector ? root.querySelector("[data-annotate]") : null;
    if (root.matches && root.matches("[data-annotate]")) page = root;
    else if (found) page = found;
    if (!page || page.dataset.ready) { if (page) markSelected(); return; }
    page.dataset.ready = "1";
    const stored = activeLabel();
    if (stored && page.querySelector(`.label-button[data-label="${CSS.escape(stored)}"]`)) setActiveLabel(stored);
    page.addEventListener("click", (event) => {
      const button = event.target.closest(".label-button");
      if (button) { pickLabel(button.dataset.label); return; }
      const item = event.target.closest(".span-item");
      if (item) { selectSpan(item.dataset.spanId); return; }
      if (event.target.closest("[data-delete-selected]")) deleteSelected();
    });
    textRoot().addEventListener("mousedown", onMouseDown);
    document.addEventListener("mouseup", onMouseUp);
    document.addEventListener("keydown", onKeyDown);
    document.body.addEventListener("span-changed", (event) => {
      // A span just created (the event comes from the span form) is not selected: the next
      // label the user picks is for the next span and must not relabel this one; a span the
      // user clicked meanwhile stays selected.
      const created = event.target instanceof Element && event.target.closest("#span-form");
      if (!created) selectSpan(event.detail.selected);
    });
    page.dataset.interactive = "1";
  }

  document.addEventListener("DOMContentLoaded", () => {
    init(document.body);
    htmx.onLoad((element) => { if (page) markSelected(); else init(element); });
  });
})();
