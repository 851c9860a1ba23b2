"""Tests for annotator.formats.html: pages reduced to paragraphs of text, boilerplate elements
dropped, the main <article> preferred, and markup-looking text kept as literal data."""

import codecs

import pytest

from annotator.formats import html
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Lavrov warns Pompeo  over
     Venezuela | Business Standard</title>
  <style>body { font-family: serif; } p::before { content: "<p>"; }</style>
  <script>window.dataLayer = [{"page": "<article>fake</article>"}];</script>
</head>
<body>
  <nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
  <script>trackPageView("Subscribe now");</script>
  <noscript><p>Please enable JavaScript.</p></noscript>
  <main>
    <article class="story">
      <header>
        <h1>Lavrov warns Pompeo against &#8216;interference&#8217; in Venezuela</h1>
        <p class="byline">By <a href="/a/afp">AFP</a>  &middot;  Moscow</p>
      </header>
      <p>Russian Foreign Minister Sergei Lavrov has warned his US counterpart
         Mike Pompeo against any American interference in Venezuela.</p>
      <p>&ldquo;He is ready for talks,&rdquo; the ministry said &mdash; in a
         statement on <b>Tuesday</b>.<br>Maduro&rsquo;s government welcomed it.</p>
      <blockquote>Use of force &amp; threats violate international law.</blockquote>
      <template><p>Hidden template text</p></template>
      <div class="paywall" hidden><p>You&rsquo;ve reached your limit of {{free_limit}}.</p></div>
      <ul><li>Talks</li><li>Sanctions</li></ul>
    </article>
    <aside><article><h2>Related</h2><p>Oil output falls.</p></article></aside>
  </main>
  <footer><p>&copy; 2019 Business Standard. All rights reserved.</p></footer>
  <script src="/app.js"></script>
</body>
</html>
"""
NEWS_TEXT = (
    "Lavrov warns Pompeo against \u2018interference\u2019 in Venezuela\n\n"
    "By AFP \u00b7 Moscow\n\n"
    "Russian Foreign Minister Sergei Lavrov has warned his US counterpart Mike Pompeo against"
    " any American interference in Venezuela.\n\n"
    "\u201cHe is ready for talks,\u201d the ministry said \u2014 in a statement on Tuesday.\n"
    "Maduro\u2019s government welcomed it.\n\n"
    "Use of force & threats violate international law.\n\n"
    "Talks\n\n"
    "Sanctions"
)


def test_news_page_keeps_the_story_only():
    """Nav, scripts, styles, noscript, template, hidden paywall, related card and footer go."""
    assert html.html_to_text(NEWS_PAGE) == (
        NEWS_TEXT,
        "Lavrov warns Pompeo over Venezuela | Business Standard",
    )


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Price: {{free_limit}} articles</p>", "Price: {{free_limit}} articles"),
        ("<p>Use &lt;b&gt; for bold</p>", "Use <b> for bold"),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "<script>alert(1)</script>"),
        ("<p>AT&amp;T &amp;amp; more</p>", "AT&T &amp; more"),
        ("<p>Guaido&#8217;s &#x2019; &rsquo;</p>", "Guaido\u2019s \u2019 \u2019"),
        ("<p>${price} %s {0} \\n</p>", "${price} %s {0} \\n"),
    ],
    ids=["template-braces", "escaped-tag", "escaped-script", "ampersands", "references", "other"],
)
def test_text_is_data(markup, expected):
    """Character references are decoded once; what looks like markup or templates stays text."""
    assert html.html_to_text(markup) == (expected, None)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<div>One<div>Two</div>Three</div>", "One\n\nTwo\n\nThree"),
        ("<h1>Head</h1>Loose text<h2>Sub</h2>", "Head\n\nLoose text\n\nSub"),
        ("<p>  Many \n\t spaces   here  </p>", "Many spaces here"),
        ("<p>a<b>b</b>c <i>d</i> e</p>", "abc d e"),
        ("<p>One<br>Two<br/>Three<br />Four</p>", "One\nTwo\nThree\nFour"),
        ("<p>One<br><br>Two</p>", "One\n\nTwo"),
        ("<p><br>One <br> Two<br></p>", "One\nTwo"),
        ("<p></p><div> </div><p>&nbsp;</p><p>Only</p>", "Only"),
        ("<p>Mr.&nbsp;Guaido</p>", "Mr.\u00a0Guaido"),
        ("<ul><li>a</li><li>b</li></ul>", "a\n\nb"),
        (
            "<table><tr><td>Name</td><td>Votes</td></tr><tr><th>X</th><td>1</td></tr></table>",
            "Name Votes\n\nX 1",
        ),
        ("<pre>line one\n  line two\n</pre>", "line one\nline two"),
        ("\n\n  <p>  Padded  </p>\n\n", "Padded"),
        ("Plain text, no tags", "Plain text, no tags"),
        ("<p>Before<!-- a comment -->after</p>", "Beforeafter"),
        ("<p>One<hr>Two</p>", "One\n\nTwo"),
        ("", ""),
    ],
    ids=[
        "paragraphs",
        "nested-divs",
        "headings-and-loose-text",
        "whitespace-collapsed",
        "inline-elements",
        "br-forms",
        "double-br",
        "br-at-edges",
        "empty-blocks",
        "nbsp-kept-inside",
        "list-items",
        "table",
        "pre",
        "document-stripped",
        "no-tags",
        "comment",
        "hr",
        "empty",
    ],
)
def test_blocks_and_whitespace(markup, expected):
    """Blocks are paragraphs (blank line between), <br> a line break, spaces collapsed."""
    assert html.html_to_text(markup)[0] == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Keep</p><script>var a = '<p>x</p>';</script><style>p{}</style>", "Keep"),
        ("<p>Keep</p><noscript>Enable JS</noscript><template><p>T</p></template>", "Keep"),
        ("<nav><a>Home</a></nav><p>Keep</p><iframe>ad</iframe>", "Keep"),
        ("<p>Keep</p><svg><title>icon</title><text>svg text</text></svg>", "Keep"),
        ("<div hidden><p>Gone</p><div>Gone too</div></div><p>Keep</p>", "Keep"),
        ("<nav><ul><li>Home<li>World</ul></nav><p>Keep</p>", "Keep"),
        ("<html><head><title>T</title><meta charset=utf-8><p>Keep</p>", "Keep"),
        (
            "<header><h1>Site</h1></header><p>Keep</p><footer>Footer</footer>",
            "Site\n\nKeep\n\nFooter",
        ),
    ],
    ids=[
        "script-style",
        "noscript-template",
        "nav-iframe",
        "svg",
        "hidden-attribute",
        "unclosed-items-in-nav",
        "unclosed-head",
        "no-article-keeps-header-footer",
    ],
)
def test_dropped_elements(markup, expected):
    """Non-content elements go with everything in them; without <article> the rest stays."""
    assert html.html_to_text(markup)[0] == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Menu</p><article><p>Story</p></article><p>Footer</p>", "Story"),
        (
            "<article><p>Short card</p></article><article><p>The long main story.</p></article>",
            "The long main story.",
        ),
        (
            "<article><p>Outer story text.</p><article><p>Inner</p></article><p>End.</p></article>",
            "Outer story text.\n\nInner\n\nEnd.",
        ),
        ("<article><p>Same</p></article><article><p>Size</p></article>", "Same"),
    ],
    ids=["article-preferred", "longest-article", "nested-article", "tie-first"],
)
def test_article_is_preferred(markup, expected):
    """With <article>s, the outermost one holding the most text is the document."""
    assert html.html_to_text(markup)[0] == expected


@pytest.mark.parametrize(
    ("markup", "title"),
    [
        ("<title>  A \n title </title><p>x</p>", "A title"),
        ("<head><title></title></head><p>x</p>", None),
        ("<p>x</p>", None),
        ("<title>First</title><title>Second</title>", "First"),
        ("<svg><title>icon</title></svg><title>Page</title>", "Page"),
        ("<title>Guaido &amp; Maduro &#8211; live</title>", "Guaido & Maduro \u2013 live"),
    ],
    ids=["collapsed", "empty", "none", "first-wins", "svg-title-ignored", "references"],
)
def test_title(markup, title):
    """The title is the first <title> outside SVG, whitespace collapsed, or None."""
    assert html.html_to_text(markup)[1] == title


def test_read_one_document(tmp_path):
    """read: id from the file stem, title from <title>, text from the page."""
    path = tmp_path / "lavrov.html"
    path.write_bytes(NEWS_PAGE.encode("utf-8"))
    assert html.read(path) == [
        DocumentRecord(
            text=NEWS_TEXT,
            id="lavrov",
            title="Lavrov warns Pompeo over Venezuela | Business Standard",
            where=str(path),
        )
    ]


def test_read_utf16_page(tmp_path):
    """Pages are decoded like text files: UTF-16 with a BOM works."""
    path = tmp_path / "page.htm"
    path.write_bytes(codecs.BOM_UTF16_LE + "<p>Caf\u00e9 😀</p>".encode("utf-16-le"))
    [document] = html.read(path)
    assert (document.id, document.text, document.title) == ("page", "Caf\u00e9 😀", None)


def test_read_refuses_a_page_that_is_not_utf8(tmp_path):
    """A page in another encoding is refused, naming the file."""
    path = tmp_path / "latin.html"
    path.write_bytes("<p>M\u00e9rida</p>".encode("latin-1"))
    with pytest.raises(FormatError) as caught:
        html.read(path)
    assert str(caught.value) == (
        f"{path}: not UTF-8 (byte 0xe9 at position 4: invalid continuation byte); "
        "UTF-16 and UTF-32 files need a byte order mark (BOM)"
    )


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.html", b"no markup at all", True),
        ("a.HTM", b"<p>x</p>", True),
        ("page", b"<!DOCTYPE html><html><p>x</p>", True),
        ("page.php", b"\n  <HTML lang=en><p>x</p>", True),
        ("page.bin", codecs.BOM_UTF8 + b"<!doctype html>", True),
        ("page.out", codecs.BOM_UTF16_LE + "<html>".encode("utf-16-le"), True),
        ("page.txt", b"<!doctype html><p>x</p>", False),
        ("page.xml", b"<?xml version='1.0'?><html/>", False),
        ("notes", b"Plain notes about <html> tags", False),
        ("empty", b"", False),
    ],
    ids=[
        "html-suffix",
        "htm-upper",
        "doctype",
        "html-tag-after-space",
        "utf8-bom",
        "utf16-bom",
        "txt-stays-text",
        "xml",
        "plain",
        "empty",
    ],
)
def test_sniff(tmp_path, name, data, expected):
    """By suffix, or by a doctype / <html> start (BOM and whitespace allowed) unless .txt."""
    path = tmp_path / name
    path.write_bytes(data)
    assert html.sniff(path) is expected


def test_sniff_needs_a_file(tmp_path):
    """A folder named .html is not a page."""
    (tmp_path / "site.html").mkdir()
    assert html.sniff(tmp_path / "site.html") is False


def test_name():
    """The format's name, as the registry knows it."""
    assert html.NAME == "html"
