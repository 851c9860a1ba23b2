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
  // The selected suggestion's id (a string), kept while its decision is on the way so the
  // answer's suggestion-changed event can move the selection on to the next one.
  let selectedSuggestion = null;
  let pressedInText = false; // a left press began over the text
  const parsed = new Map(); // element id -> {source, data}: the JSON maps, re-read when swapped

  const page = () => document.querySelector("[data-annotate]");
  const textRoot = () => document.querySelector("article[data-text]");
  const labelButton = (name) => document.querySelector(`.label-button[data-label="${CSS.escape(name)}"]`);

  // The JSON in a <script> element, parsed once per element (htmx swaps in new ones).
  function jsonData(id) {
    const source = document.getElementById(id);
    if (!source) return {};
    const known = parsed.get(id);
    if (known && known.source === source) return known.data;
    const data = JSON.parse(source.textContent);
    parsed.set(id, { source, data });
    return data;
  }

  // {"id": [start, end, label, text]} in code points.
  function spans() { return jsonData("span-data"); }

  // Pending suggestions: {"id": [start, end, label, text, source, score]} in code points.
  function suggestions() { return jsonData("suggestion-data"); }

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

  // --- selecting spans and suggestions -------------------------------------------------------
  // The selected span or suggestion: highlighted in the text and its list, shown in the panel.
  function showSelected() {
    document.querySelectorAll(".seg.selected, .span-item.selected, .suggestion-item.selected")
      .forEach((el) => el.classList.remove("selected"));
    const panel = document.querySelector("[data-selection]");
    const span = selectedId === null ? null : spans()[selectedId];
    const suggestion = selectedSuggestion === null ? null : suggestions()[selectedSuggestion];
    if (!span) selectedId = null;
    if (!panel) return;
    if (span) {
      markSelected("spans", selectedId, `.span-item[data-span-id="${selectedId}"]`);
      fillPanel(panel, "span", span);
    } else if (suggestion) {
      markSelected("suggestions", selectedSuggestion, `.suggestion-item[data-suggestion-id="${selectedSuggestion}"]`);
      fillPanel(panel, "suggestion", suggestion);
      const [, , , , source, score] = suggestion;
      panel.querySelector('[data-field="source"]').textContent = source;
      panel.querySelector('[data-field="score"]').textContent = score === null ? "" : ` · score ${score.toFixed(2)}`;
    } else {
      panel.hidden = true;
    }
  }

  function markSelected(attribute, id, itemSelector) {
    textRoot().querySelectorAll(`.seg[data-${attribute}~="${id}"]`).forEach((el) => el.classList.add("selected"));
    const item = document.querySelector(itemSelector);
    if (item) item.classList.add("selected");
  }

  function fillPanel(panel, kind, [start, end, label, text]) {
    const button = labelButton(label);
    const field = (name) => panel.querySelector(`[data-field="${name}"]`);
    panel.dataset.kind = kind;
    field("label").textContent = label;
    field("layer").textContent = button ? button.dataset.layerTitle : "";
    field("text").textContent = text;
    field("offsets").textContent = `[${start}, ${end})`;
    field("swatch").style.setProperty("--label-color", button ? button.dataset.color : "transparent");
    panel.hidden = false;
  }

  function selectSpan(id) {
    selectedId = id === null || id === undefined ? null : String(id);
    selectedSuggestion = null;
    showSelected();
  }

  function selectSuggestion(id) {
    selectedId = null;
    selectedSuggestion = id === null || id === undefined ? null : String(id);
    showSelected();
  }

  // A click on text covered by several spans and suggestions picks the shortest span first,
  // then the suggestions; clicking again cycles through them.
  function clickSegment(segment) {
    const ids = (value) => (value || "").split(" ").filter(Boolean);
    const choices = [
      ...ids(segment.dataset.spans).map((id) => ({ id, select: selectSpan, current: selectedId })),
      ...ids(segment.dataset.suggestions).map((id) => ({ id, select: selectSuggestion, current: selectedSuggestion })),
    ];
    if (choices.length === 0) { selectSpan(null); return; }
    const current = choices.findIndex((choice) => choice.id === choice.current);
    const next = choices[(current + 1) % choices.length];
    next.select(next.id);
  }

  // Accept or reject a pending suggestion, queued with the span changes.
  function decideSuggestion(id, action) {
    if (id === null || !suggestions()[id]) return;
    const form = document.getElementById("span-form");
    htmx.ajax("POST", `${page().dataset.suggestionsUrl}${id}/${action}`, { source: form, swap: "none" });
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
    if (event.target.closest("[data-delete-selected]")) { deleteSelected(); return; }
    if (event.target.closest("[data-accept-selected]")) { decideSuggestion(selectedSuggestion, "accept"); return; }
    if (event.target.closest("[data-reject-selected]")) { decideSuggestion(selectedSuggestion, "reject"); return; }
    const suggestion = event.target.closest(".suggestion-item");
    if (suggestion && !event.target.closest("button")) selectSuggestion(suggestion.dataset.suggestionId);
  }

  // Enter accepts the selected suggestion; x, Delete and Backspace reject it. True if handled.
  function suggestionKey(event) {
    if (selectedSuggestion === null || !suggestions()[selectedSuggestion]) return false;
    if (event.target.closest("button, a")) return false; // Enter there clicks the button
    const action = { Enter: "accept", x: "reject", Delete: "reject", Backspace: "reject" }[event.key];
    if (!action) return false;
    event.preventDefault();
    decideSuggestion(selectedSuggestion, action);
    return true;
  }

  function onKeyDown(event) {
    const root = page();
    if (!root || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    const item = event.target.closest(".span-item");
    if (item && key === "Enter") { selectSpan(item.dataset.spanId); return; }
    const suggestionItem = event.target.closest(".suggestion-item");
    if (suggestionItem && key === "Enter" && suggestionItem.dataset.suggestionId !== selectedSuggestion) {
      selectSuggestion(suggestionItem.dataset.suggestionId);
      return;
    }
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (suggestionKey(event)) return;
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
  // After suggestions were decided: when the selected one was among them, select the next
  // pending one (so Enter, Enter... goes through them) and bring it into view.
  function onSuggestionChanged(event) {
    const detail = event.detail || {};
    const decided = (detail.decided || []).map(String);
    if (selectedSuggestion === null || suggestions()[selectedSuggestion]) { showSelected(); return; }
    const next = detail.next === null || detail.next === undefined ? null : String(detail.next);
    selectSuggestion(decided.includes(selectedSuggestion) && suggestions()[next] ? next : null);
    const segment = next && textRoot().querySelector(`.seg[data-suggestions~="${next}"]`);
    if (segment && selectedSuggestion === next) segment.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("span-changed", onSpanChanged);
  document.addEventListener("suggestion-changed", onSuggestionChanged);
  document.addEventListener("DOMContentLoaded", () => {
    const stored = activeLabel();
    if (stored && labelButton(stored)) setActiveLabel(stored);
    htmx.onLoad(() => { if (page()) showSelected(); });
    const root = page();
    if (root) root.dataset.interactive = "1";
  });
})();
