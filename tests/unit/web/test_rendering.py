"""Paragraphs and segments: every span visible, text escaped, browser offsets on segments."""

from annotator.annotation.spans import SpanView
from annotator.schema.catalog import LabelInfo
from annotator.text.offsets import BrowserOffsets
from annotator.web.rendering import Paragraph
from annotator.web.rendering import label_styles
from annotator.web.rendering import paragraphs_touching
from annotator.web.rendering import render_document
from annotator.web.rendering import spans_by_paragraph
from annotator.web.rendering import split_paragraphs

ORDER = {"entity": 0, "stance": 1, "claim": 2}


def label(label_id: int, name: str, layer: str, color: str) -> LabelInfo:
    return LabelInfo(label_id, name, color, "1", "", layer, layer.title(), layer == "claim")


PERSON = label(11, "PERSON", "entity", "#aaaaaa")
FAVOR = label(12, "FAVOR", "stance", "#bbbbbb")
CLAIM = label(13, "CLAIM", "claim", "#cccccc")


def span(span_id: int, start: int, end: int, info: LabelInfo) -> SpanView:
    return SpanView(span_id, start, end, "", info, "d")


def test_split_paragraphs_at_any_line_break_skipping_empty_lines():
    text = "one\r\n\r\ntwo\nthree\rfour\n"
    assert [(p.start, p.end) for p in split_paragraphs(text)] == [
        (0, 3),
        (7, 10),
        (11, 16),
        (17, 21),
    ]
    assert [text[p.start : p.end] for p in split_paragraphs(text)] == [
        "one",
        "two",
        "three",
        "four",
    ]


def test_paragraphs_touching():
    paragraphs = [Paragraph(0, 0, 3), Paragraph(1, 5, 9), Paragraph(2, 11, 14)]
    assert [p.index for p in paragraphs_touching(paragraphs, 2, 6)] == [0, 1]
    assert [p.index for p in paragraphs_touching(paragraphs, 3, 5)] == []
    assert [p.index for p in paragraphs_touching(paragraphs, 0, 99)] == [0, 1, 2]


def test_span_across_paragraphs_is_grouped_under_each():
    paragraphs = split_paragraphs("aaa\n\nbbb\n\nccc")
    groups = spans_by_paragraph(paragraphs, [span(1, 1, 7, FAVOR), span(2, 10, 12, PERSON)])
    assert {index: [s.id for s in spans] for index, spans in groups.items()} == {
        0: [1],
        1: [1],
        2: [2],
    }


def test_nested_spans_cut_segments_and_list_covering_ids_shortest_first():
    text = "The claim by Maduro here."
    spans = [span(1, 0, 24, FAVOR), span(2, 4, 19, CLAIM), span(3, 13, 19, PERSON)]
    [(_, html)] = render_document(text, spans, ORDER)
    assert str(html) == (
        '<span class="seg has-span l-12" data-o="0" data-spans="1">The </span>'
        '<span class="seg has-span l-13 l-12" data-o="4" data-spans="2 1">claim by </span>'
        '<span class="seg has-span l-11 l-13 l-12" data-o="13" data-spans="3 2 1">'
        "Maduro</span>"
        '<span class="seg has-span l-12" data-o="19" data-spans="1"> here</span>'
        '<span class="seg" data-o="24">.</span>'
    )


def test_overlapping_spans_of_one_layer_colour_by_the_shortest():
    text = "one two three"
    spans = [span(1, 0, 13, CLAIM), span(2, 4, 7, label(14, "QUOTE", "claim", "#dddddd"))]
    [(_, html)] = render_document(text, spans, ORDER)
    assert '<span class="seg has-span l-14" data-o="4" data-spans="2 1">two</span>' in html


def test_label_styles_key_each_label_by_id_on_its_layers_slot(app):
    from annotator.db.session import engine_of
    from annotator.db.session import session_scope
    from annotator.schema.catalog import load_catalog

    with session_scope(engine_of(app)) as session:
        catalog = load_catalog(session)
    css = label_styles(catalog)
    person, favor, claim = (catalog.by_name[name] for name in ("PERSON", "FAVOR", "CLAIM"))
    assert f".l-{person.id}{{--c0:{person.color}}}" in css
    assert f".l-{favor.id}{{--c1:#" in css and f".l-{claim.id}{{--c2:#" in css
    assert f".lb-{person.id}{{--label-color:{person.color}}}" in css
    assert css.count("{--c") == 11
    assert "PERSON" not in css  # names never reach CSS


def test_text_is_escaped_and_offsets_are_browser_units():
    text = "😀 <b>{{x}}</b> & more"
    [(_, html)] = render_document(text, [span(1, 2, 5, PERSON)], ORDER)
    assert ">&lt;b&gt;</span>" in str(html)
    assert ">{{x}}&lt;/b&gt; &amp; more</span>" in str(html)
    assert 'data-o="3" data-spans="1"' in str(html)  # 😀 is 2 UTF-16 units
    assert BrowserOffsets(text).to_browser(2) == 3
