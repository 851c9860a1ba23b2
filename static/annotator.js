// annotator: the annotation page's behaviour, hooked on data- attributes (RSJS style).
//
// Offsets sent to the server are the browser's own: UTF-16 units over the text as the DOM
// holds it (CRLF seen as LF). Every text segment carries data-o, its offset in those units;
// the server converts to code points in one place (annotator/offsets.py).
//
// The script is loaded in <head> without `defer` and listens on the document, looking elements
// up when an event comes: on a long article a span can be clicked as soon as its paragraph is
// painted, before the rest of the page has been parsed.
(function () {
  "use strict";

  const ACTIVE_LABEL_KEY = "annotator.activeLabel";
  let selectedId = null; // the selected span's id, as a string
  let pressedInText = false; // a left press began over the text
  let spanData = null; // the parsed #span-data, and the element it came from
  let spanDataSource = null;

  const page = () => document.querySelector("[data-annotate]");
  const textRoot = () => document.querySelector("article[data-text]");
  const labelButton = (name) => document.querySelector(`.label-button[data-label="${CSS.escape(name)}"]`);

  // {"id": [start, end, label, text]} in code points, re-read when htmx swapped a new one in.
  function spans() {
    const source = document.getElementById("span-data");
    if (!source) return {};
    if (source !== spanDataSource) {
      spanData = JSON.parse(source.textContent);
      spanDataSource = source;
    }
    return spanData;
  }

  function showError(message) {
    const flash = document.getElementById("flash");
    if (!flash) return;
    const paragraph = document.createElement("p");
    paragraph.className = "flash flash-error";
    paragraph.setAttribute("role", "alert");
    paragraph.textContent = message;
    flash.replaceChildren(paragraph);
  }

  // --- labels -------------------------------------------------------------------------------
  function activeLabel() { return sessionStorage.getItem(ACTIVE_LABEL_KEY); }

  function setActiveLabel(name) {
    sessionStorage.setItem(ACTIVE_LABEL_KEY, name);
    document.querySelectorAll(".label-button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.label === name));
    });
  }

  // Picking a label while a span is selected relabels it.
  function pickLabel(name) {
    setActiveLabel(name);
    const span = selectedId === null ? null : spans()[selectedId];
    if (span && span[2] !== name) {
      spanRequest("POST", `${selectedId}/label`, { label: name });
    }
  }

  // Every span change goes through the span form's queue (hx-sync="this:queue all"), so quick
  // successive actions are all sent, in order, each with its own values.
  function spanRequest(method, path, values) {
    const form = document.getElementById("span-form");
    const url = method === "POST" && path === null ? form.getAttribute("hx-post") : page().dataset.spansUrl + path;
    htmx.ajax(method, url, { source: form, swap: "none", values });
  }

  // --- selection -> offsets -------------------------------------------------------------------
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
    return last ? Number(last.dataset.o) + last.textContent.length : 0;
  }

  function selectionOffsets(range) {
    const root = textRoot();
    if (!root.contains(range.commonAncestorContainer)) return null;
    const start = pointOffset(range.startContainer, range.startOffset);
    const end = pointOffset(range.endContainer, range.endOffset);
    return end > start ? { start, end } : null;
  }

  function saveSelection(exact) {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return false;
    const range = selection.getRangeAt(0);
    const offsets = selectionOffsets(range);
    if (!offsets) {
      if (textRoot().contains(range.commonAncestorContainer)) return false;
      // Dragged past the text (the browser then selects parts of the page around it).
      selection.removeAllRanges();
      showError("The selection went past the text: release the mouse over the text to save it.");
      return true;
    }
    const label = activeLabel();
    if (!label || !labelButton(label)) {
      showError("Pick a label first (click it or press its key), then select the text.");
      return true;
    }
    selection.removeAllRanges();
    selectSpan(null); // the next label picked is for the next span, not a relabel
    spanRequest("POST", null, { start: offsets.start, end: offsets.end, label, exact: exact ? "1" : "0" });
    return true;
  }

  // --- selecting spans -----------------------------------------------------------------------
  function showSelected() {
    document.querySelectorAll(".seg.selected, .span-item.selected").forEach((el) => el.classList.remove("selected"));
    const panel = document.querySelector("[data-selection]");
    const span = selectedId === null ? null : spans()[selectedId];
    if (!span) {
      selectedId = null;
      if (panel) panel.hidden = true;
      return;
    }
    const [start, end, label, text] = span;
    textRoot().querySelectorAll(`.seg[data-spans~="${selectedId}"]`).forEach((el) => el.classList.add("selected"));
    const item = document.querySelector(`.span-item[data-span-id="${selectedId}"]`);
    if (item) item.classList.add("selected");
    const button = labelButton(label);
    const field = (name) => panel.querySelector(`[data-field="${name}"]`);
    field("label").textContent = label;
    field("layer").textContent = button ? button.dataset.layerTitle : "";
    field("text").textContent = text;
    field("offsets").textContent = `[${start}, ${end})`;
    field("swatch").style.setProperty("--label-color", button ? button.dataset.color : "transparent");
    panel.hidden = false;
  }

  function selectSpan(id) {
    selectedId = id === null || id === undefined ? null : String(id);
    showSelected();
  }

  // A click on text covered by several spans picks the shortest; clicking again cycles.
  function clickSegment(segment) {
    const ids = (segment.dataset.spans || "").split(" ").filter(Boolean);
    if (ids.length === 0) { selectSpan(null); return; }
    const current = ids.indexOf(selectedId);
    selectSpan(ids[(current + 1) % ids.length]);
  }

  function deleteSelected() {
    if (selectedId !== null && spans()[selectedId]) spanRequest("DELETE", selectedId, {});
  }

  function setStatus(status) {
    const button = document.querySelector(`[data-status-action="${status}"]`);
    if (button) button.click();
  }

  function go(url) { if (url) window.location.assign(url); }

  // --- events --------------------------------------------------------------------------------
  function onMouseDown(event) {
    pressedInText = event.button === 0 && Boolean(textRoot()) && textRoot().contains(event.target);
  }

  // On the whole document: a drag that began over the text and was released just past it (the
  // margin beside a line) is saved too.
  function onMouseUp(event) {
    if (event.button !== 0 || !pressedInText) return;
    pressedInText = false;
    if (saveSelection(event.altKey)) return;
    const segment = event.target.closest(".seg");
    if (segment) clickSegment(segment);
  }

  function onClick(event) {
    if (!page()) return;
    const button = event.target.closest(".label-button");
    if (button) { pickLabel(button.dataset.label); return; }
    const item = event.target.closest(".span-item");
    if (item) { selectSpan(item.dataset.spanId); return; }
    if (event.target.closest("[data-delete-selected]")) deleteSelected();
  }

  function onKeyDown(event) {
    const root = page();
    if (!root || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    const item = event.target.closest(".span-item");
    if (item && key === "Enter") { selectSpan(item.dataset.spanId); return; }
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if ((key === "Delete" || key === "Backspace") && selectedId !== null) {
      event.preventDefault();
      deleteSelected();
      return;
    }
    if (key === "Escape") { selectSpan(null); return; }
    const button = key.length === 1
      ? document.querySelector(`.label-button[data-hotkey="${CSS.escape(key.toLowerCase())}"]`)
      : null;
    if (button) { event.preventDefault(); pickLabel(button.dataset.label); return; }
    const actions = {
      n: () => go(root.dataset.nextUrl),
      p: () => go(root.dataset.previousUrl),
      d: () => setStatus("done"),
      s: () => setStatus("skipped"),
    };
    if (actions[key]) { event.preventDefault(); actions[key](); }
  }

  // After a span change: select what the server names (a relabelled span); otherwise keep the
  // current selection if that span still exists (a new span is not selected, so the next label
  // picked is for the next span).
  function onSpanChanged(event) {
    if (event.detail && event.detail.selected !== null && event.detail.selected !== undefined) {
      selectSpan(event.detail.selected);
    } else {
      showSelected();
    }
  }

  document.addEventListener("mousedown", onMouseDown);
  document.addEventListener("mouseup", onMouseUp);
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeyDown);
  document.addEventListener("span-changed", onSpanChanged);
  document.addEventListener("DOMContentLoaded", () => {
    const stored = activeLabel();
    if (stored && labelButton(stored)) setActiveLabel(stored);
    htmx.onLoad(() => { if (page()) showSelected(); });
    const root = page();
    if (root) root.dataset.interactive = "1";
  });
})();
