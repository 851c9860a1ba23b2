"""HTML pages reduced to their text: one document per file, titled by its <title>.

`html_to_text` (the standard library's `html.parser`, no rendering, no scripts run):

- dropped with everything inside: head (its <title> becomes the title), script, style,
  noscript, template, nav, iframe, object, svg, canvas, and any element with the `hidden`
  attribute; comments and processing instructions too. An unclosed <head> ends at the first
  element that cannot be in a head (<body>, <p>...), as in browsers;
- block elements (p, div, h1-h6, li, blockquote, article, section, header, footer, table,
  tr...) are paragraphs, separated by one blank line ("\\n\\n"); <br> is a line break ("\\n");
  table cells are separated by a space; inside <pre> line breaks are kept;
- inside a paragraph, runs of HTML whitespace (space, tab, CR, LF, FF) become one space; a
  line's leading and trailing whitespace (no-break spaces too) goes, other &nbsp; stay;
- character references are decoded (`&amp;` → "&", `&#8217;` → "’", `&lt;b&gt;` → "<b>"), and
  everything else is literal data (`{{free_limit}}` stays `{{free_limit}}`);
- a page with <article> elements keeps only the text of the outermost article that holds the
  most text (the story, not the related-story cards); otherwise the whole body is kept.

Files are decoded like text files (`annotator.formats.text.decode`: UTF-8, or UTF-16/32 with a
BOM); a <meta charset> naming another encoding is not followed. The stored text is the result of
the conversion, so span offsets refer to it, not to the markup.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from annotator.formats import text as text_format
from annotator.formats.records import DocumentRecord
from annotator.formats.spec import FormatSpec

NAME = "html"
SUFFIXES = (".html", ".htm")
SNIFF_BYTES = 1024
_SNIFF_PREFIXES = ("<!doctype html", "<html")
_SKIPPED = frozenset(
    {"head", "script", "style", "noscript", "template", "nav", "iframe", "object", "svg", "canvas"}
)
_BLOCKS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
    main menu ol p pre section summary table tbody tfoot thead tr ul""".split()
)
_CELLS = frozenset({"td", "th"})
_HEAD_CONTENT = frozenset({"title", "meta", "link", "style", "script", "base", "noscript"})
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_SPACE_RE = re.compile(r"[ \t\n\r\f]+")
_SPACE = " \t\n\r\f"


class _Text:
    """Text being collected: finished paragraphs, the lines of the current one, the line."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.lines: list[str] = []
        self.line: list[str] = []

    def add(self, data: str) -> None:
        """Append character data to the current line."""
        self.line.append(data)

    def line_break(self) -> None:
        """End the current line (a <br>)."""
        self.lines.append(_SPACE_RE.sub(" ", "".join(self.line)).strip())
        self.line = []

    def block_break(self) -> None:
        """End the current paragraph; an empty one leaves no trace."""
        self.line_break()
        paragraph = "\n".join(self.lines).strip("\n")
        if paragraph:
            self.paragraphs.append(paragraph)
        self.lines = []

    def result(self) -> str:
        """All paragraphs, separated by blank lines."""
        self.block_break()
        return "\n\n".join(self.paragraphs)


class _Extractor(HTMLParser):
    """Collects the visible text of a page, each <article> apart, and its <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Text()
        self.articles: list[_Text] = []
        self.title: list[str] | None = None
        self._skipping: list[str] = []  # open elements inside a dropped one
        self._in_title = False
        self._article_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element: start skipping, or break lines and paragraphs."""
        if self._skipping == ["head"] and tag not in _HEAD_CONTENT:
            self._skipping.clear()  # <head> left open: body content ends it, as in browsers
        if tag == "title" and self.title is None and "svg" not in self._skipping:
            self.title, self._in_title = [], True
        if self._skipping or tag in _SKIPPED or any(name == "hidden" for name, _ in attrs):
            if tag not in _VOID:
                self._skipping.append(tag)
            return
        self._open(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closing tag (`<br/>`): a void element opens only, others open and close."""
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        """Close an element, or the dropped elements it closes."""
        if tag == "title":
            self._in_title = False
        if self._skipping:
            if tag in self._skipping:
                del self._skipping[_last_index(self._skipping, tag) :]
            return
        self._close(tag)

    def handle_data(self, data: str) -> None:
        """Character data (references already decoded) goes to the title or the text."""
        if self._in_title and self.title is not None:
            self.title.append(data)
        elif not self._skipping:
            self._add(data)

    def _open(self, tag: str) -> None:
        """The effect of a start tag outside dropped elements."""
        if tag == "article":
            if self._article_depth == 0:
                self.articles.append(_Text())
            self._article_depth += 1
        if tag == "pre":
            self._pre_depth += 1
        if tag == "br":
            self._targets_do(_Text.line_break)
        self._element_break(tag)

    def _close(self, tag: str) -> None:
        """The effect of an end tag outside dropped elements."""
        self._element_break(tag)
        if tag == "article" and self._article_depth > 0:
            self._article_depth -= 1
        if tag == "pre" and self._pre_depth > 0:
            self._pre_depth -= 1

    def _element_break(self, tag: str) -> None:
        """The break either edge of an element makes: a paragraph or a space."""
        if tag in _BLOCKS:
            self._break()
        elif tag in _CELLS:
            self._add(" ")

    def _add(self, data: str) -> None:
        """Add data to the page (and the open article); in <pre>, newlines break lines."""
        if self._pre_depth == 0:
            self._targets_do(_Text.add, data)
            return
        for number, line in enumerate(data.replace("\r\n", "\n").split("\n")):
            if number:
                self._targets_do(_Text.line_break)
            self._targets_do(_Text.add, line)

    def _break(self) -> None:
        """End the current paragraph."""
        self._targets_do(_Text.block_break)

    def _targets_do(self, action, *args) -> None:
        """Apply a _Text method to the page and to the article being read, if any."""
        action(self.page, *args)
        if self._article_depth > 0:
            action(self.articles[-1], *args)


def _last_index(items: list[str], item: str) -> int:
    """The index of the last occurrence of item in items."""
    return len(items) - 1 - items[::-1].index(item)


def html_to_text(markup: str) -> tuple[str, str | None]:
    """The text of an HTML page and its title (None without a non-empty <title>)."""
    extractor = _Extractor()
    extractor.feed(markup)
    extractor.close()
    text = extractor.page.result()
    if extractor.articles:
        text = max((article.result() for article in extractor.articles), key=len)
    title = None
    if extractor.title is not None:
        title = _SPACE_RE.sub(" ", "".join(extractor.title)).strip(_SPACE) or None
    return text, title


def sniff(path: Path) -> bool:
    """An .html/.htm file, or a non-.txt file whose content starts with <!doctype html / <html."""
    path = Path(path)
    if not path.is_file():
        return False
    if path.suffix.lower() in SUFFIXES:
        return True
    if path.suffix.lower() in text_format.SUFFIXES:
        return False
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    codec, _, skip = text_format.encoding_of(head)
    start = head[skip:].decode(codec, errors="ignore").lstrip(_SPACE).lower()
    return start.startswith(_SNIFF_PREFIXES)


def read(path: Path) -> list[DocumentRecord]:
    """One document: the page's text (see html_to_text), titled by <title>, id the file stem."""
    path = Path(path)
    markup = text_format.decode(path.read_bytes(), str(path))
    text, title = html_to_text(markup)
    return [DocumentRecord(text=text, id=path.stem, title=title, where=str(path))]


SPEC = FormatSpec(
    name=NAME,
    description="HTML pages reduced to their text (scripts, navigation dropped)",
    sniff=sniff,
    reader=read,
    suffixes=SUFFIXES,
    raw_text=True,
)
