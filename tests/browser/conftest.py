"""Browser tests: the app served in a thread, driven by headless Chromium.

The in-thread server is Werkzeug's (already there with Flask): these tests drive the page;
`tests/web/test_processes.py` checks the production server that `annotator serve` runs.

One Chromium per session (Debian's, at /usr/bin/chromium), a fresh app with its own temporary
database and a fresh browser context and page for every test.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from annotator import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Fail fast: every wait in these tests is for something that happens in well under a second.
TIMEOUT_MS = 5_000
expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class LiveServer:
    """The running app and its base URL (no trailing slash)."""

    url: str
    app: Flask


@pytest.fixture
def live_server(app_config: dict) -> Iterator[LiveServer]:
    """The app on a free port of 127.0.0.1, served in a background thread, with CSRF tokens
    on as in production."""
    app = create_app(app_config | {"WTF_CSRF_ENABLED": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the server thread did not stop"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test`, "
            "which installs Debian's chromium package"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh context and page; JavaScript errors and Content-Security-Policy violations on
    the page fail the test (so every browser test checks the page works under the policy)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    violations: list[str] = []
    context.expose_binding("reportCspViolation", lambda _source, text: violations.append(text))
    context.add_init_script(_REPORT_CSP_JS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
    assert violations == [], f"Content-Security-Policy violations: {violations}"


_REPORT_CSP_JS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.reportCspViolation(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


# Where a piece of the text is on screen: the boxes of its first and last characters (UTF-16
# units of the DOM text, found by searching the text itself, not through data-o).
_CHAR_BOXES_JS = """
([needle, nth, endNeedle]) => {
  const root = document.querySelector("article[data-text]");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let all = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push({ node, at: all.length });
    all += node.data;
  }
  function find(text, nth, from) {
    let found = from - 1;
    for (let i = 0; i <= nth; i++) {
      found = all.indexOf(text, found + 1);
      if (found < 0) throw new Error(`'${text}' (#${nth}) is not in the text`);
    }
    return found;
  }
  function locate(index) {
    const hit = nodes.findLast((item) => item.at <= index);
    return { node: hit.node, offset: index - hit.at };
  }
  function box(index) {
    const { node, offset } = locate(index);
    const range = document.createRange();
    range.setStart(node, offset);
    range.setEnd(node, offset + 1);
    const rect = range.getBoundingClientRect();
    return { left: rect.left, right: rect.right, y: (rect.top + rect.bottom) / 2 };
  }
  const start = find(needle, nth, 0);
  const end = endNeedle ? find(endNeedle, 0, start) + endNeedle.length : start + needle.length;
  locate(start).node.parentElement.scrollIntoView({ block: "center" });
  return { first: box(start), last: box(end - 1) };
}
"""


class AnnotationPage:
    """What a user does on the annotation page, with the real mouse and keyboard."""

    def __init__(self, page: Page, server: LiveServer):
        self.page = page
        self.server = server
        self.span_count = page.get_by_test_id("span-count")
        self.flash = page.locator("#flash")
        self.panel = page.locator("[data-selection]")

    def open(self, document_id: str) -> None:
        """Load the page, wait until its script is ready and mark the window (a reload or
        navigation loses the mark)."""
        self.page.goto(f"/documents/{document_id}")
        expect(self.page.locator("[data-annotate][data-interactive]")).to_have_count(1)
        self.page.evaluate("window.__notReloaded = true")

    def not_reloaded(self) -> bool:
        return self.page.evaluate("window.__notReloaded === true")

    def pick(self, label: str) -> None:
        """Press the label's hotkey, as shown on its button."""
        button = self.page.locator(f'.label-button[data-label="{label}"]')
        self.page.keyboard.press(button.locator("kbd").inner_text())
        expect(button).to_have_attribute("aria-pressed", "true")

    def boxes(self, needle: str, nth: int = 0, end: str | None = None) -> dict:
        """Scroll the nth needle into view; the viewport boxes of its first character and of
        the last character of needle, or of the first end after it."""
        return self.page.evaluate(_CHAR_BOXES_JS, [needle, nth, end])

    def drag(self, start: str, end: str | None = None, *, nth: int = 0, alt: bool = False):
        """Press the mouse on the first character of start, release it on the last character
        of end (default: start itself); Alt held while releasing keeps exact characters."""
        boxes = self.boxes(start, nth, end)
        first, last = boxes["first"], boxes["last"]
        mouse = self.page.mouse
        mouse.move(first["left"] + 1, first["y"])
        mouse.down()
        mouse.move(last["right"] - 1, last["y"], steps=4)
        if alt:
            self.page.keyboard.down("Alt")
        mouse.up()
        if alt:
            self.page.keyboard.up("Alt")

    def double_click(self, word: str, nth: int = 0) -> None:
        """Double-click the middle of word."""
        box = self.boxes(word, nth)
        x = (box["first"]["left"] + box["last"]["right"]) / 2
        self.page.mouse.dblclick(x, box["first"]["y"])

    def click_text(self, needle: str, nth: int = 0) -> None:
        """One click on the first character of needle."""
        first = self.boxes(needle, nth)["first"]
        self.page.mouse.click((first["left"] + first["right"]) / 2, first["y"])

    def create(self, label: str, start: str, end: str | None = None, **options) -> None:
        """Pick label, drag over the text and wait for the saved span to be drawn."""
        count = int(self.span_count.inner_text())
        self.pick(label)
        self.drag(start, end, **options)
        expect(self.span_count).to_have_text(str(count + 1))

    def stored(self, document_id: str) -> dict:
        """The document and its spans from the JSON API."""
        response = self.page.request.get(f"/api/documents/{document_id}")
        assert response.ok, response.text()
        return response.json()

    def stored_spans(self, document_id: str) -> list[dict]:
        document = self.stored(document_id)
        for span in document["spans"]:
            assert document["text"][span["start"] : span["end"]] == span["text"], span
        return document["spans"]


@pytest.fixture
def ui(page: Page, live_server: LiveServer) -> AnnotationPage:
    return AnnotationPage(page, live_server)
