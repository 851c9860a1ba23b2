"""Suggestions in the browser: drawn apart from spans, accepted by click and by key, rejected,
accepted all at once, and what is stored after a reload."""

import re

from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import Session

from annotator.db.session import engine_of
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.models.documents import Document as StoredDocument
from annotator.models.suggestions import Suggestion
from annotator.transfer.importing import ImportOptions
from annotator.transfer.importing import import_documents

SEED = "000_51c87e8e1bb75467"
PREDICTIONS = [  # (text, label, score), first occurrence in the article
    ("Venezuela", "GPE", 0.8),
    ("Venezuela", "LOC", 0.3),  # same text as the GPE one: the entity layer allows only one
    ("Nicolás Maduro", "PERSON", 0.9),
    ("OPEC", "ORG", None),
    ("Russia", "GPE", 0.7),
    ("United States", "GPE", 0.65),
    ("Juan Guaidó", "PERSON", 0.5),
]


def import_predictions(app) -> None:
    """File PREDICTIONS as pending suggestions of the seed article, through the importer."""
    engine = engine_of(app)
    with Session(engine) as session:
        text = session.get(StoredDocument, SEED).text
    spans = [
        Annotation(text.index(word), text.index(word) + len(word), label, score=score)
        for word, label, score in PREDICTIONS
    ]
    options = ImportOptions(annotator_name="alice", as_suggestions=True, source="model-x")
    import_documents(
        engine, [DocumentRecord(text=text, spans=spans)], options, name="model-x.jsonl"
    )


def statuses(app) -> dict[str, list[str]]:
    """{status: sorted 'LABEL text'} of the stored suggestions."""
    from annotator.schema.catalog import load_catalog

    found: dict[str, list[str]] = {}
    with Session(engine_of(app)) as session:
        names = load_catalog(session).by_id
        for row in session.execute(select(Suggestion)).scalars():
            found.setdefault(row.status, []).append(f"{names[row.label_id].name} {row.text}")
    return {status: sorted(items) for status, items in found.items()}


def test_suggestions_are_drawn_apart_accepted_rejected_and_stored(ui, page, live_server):
    import_predictions(live_server.app)
    ui.open(SEED)
    count = page.get_by_test_id("suggestion-count")
    items = page.locator(".suggestion-item")
    expect(count).to_have_text("7")
    expect(items.first).to_contain_text("GPE Venezuela")
    expect(page.locator('.suggestion-item[data-label="PERSON"]').first).to_contain_text("0.90")

    # A suggestion is a dashed frame in its label's colour, with no fill; a span is filled.
    ui.create("GPE", "Canada")
    span = page.locator("article[data-text] .seg.has-span")
    expect(span).to_have_text("Canada")
    expect(span).to_have_css("background-color", "rgb(149, 213, 178)")  # GPE #95d5b2
    expect(span).to_have_css("border-top-style", "none")
    maduro = page.locator("article[data-text] .seg.has-suggestion", has_text="Nicolás Maduro")
    expect(maduro).to_have_css("border-top-style", "dashed")
    expect(maduro).to_have_css("border-top-color", "rgb(244, 162, 97)")  # PERSON #f4a261
    expect(maduro).to_have_css("background-color", "rgba(0, 0, 0, 0)")
    assert [s["text"] for s in ui.stored_spans(SEED)] == ["Canada"]  # suggestions are not spans

    # Accept by clicking the list's button.
    page.locator('.suggestion-item[data-label="ORG"] [data-accept]').click()
    expect(count).to_have_text("6")
    expect(ui.span_count).to_have_text("2")
    opec = page.locator("article[data-text] .seg.has-span", has_text="OPEC")
    expect(opec).to_have_css("background-color", "rgb(142, 202, 230)")  # ORG #8ecae6
    expect(opec).not_to_have_class(re.compile(r"\bhas-suggestion\b"))

    # Select a suggestion in the text; Enter accepts it and selects the next one; x rejects.
    ui.click_text("Nicolás Maduro")
    expect(ui.panel).to_have_attribute("data-kind", "suggestion")
    expect(ui.panel.locator('[data-field="label"]')).to_have_text("PERSON")
    expect(ui.panel.locator('[data-field="source"]')).to_have_text("model-x")
    expect(maduro).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("Enter")
    expect(ui.span_count).to_have_text("3")
    expect(count).to_have_text("5")
    expect(ui.panel.locator('[data-field="text"]')).to_have_text("Russia")  # the next one
    page.keyboard.press("x")
    expect(count).to_have_text("4")
    expect(ui.panel.locator('[data-field="text"]')).to_have_text("United States")
    expect(ui.span_count).to_have_text("3")  # rejecting makes no span
    expect(page.locator("article[data-text] .seg", has_text="Russia").first).not_to_have_class(
        re.compile(r"\bhas-suggestion\b")
    )
    page.keyboard.press("Escape")
    expect(ui.panel).to_be_hidden()

    # Accept all: the LOC Venezuela conflicts with the GPE one accepted before it.
    page.locator("[data-accept-all]").click()
    expect(ui.flash).to_contain_text("Accepted 3 suggestions; skipped 1 that conflict: LOC")
    expect(ui.flash).to_contain_text("overlaps GPE")
    expect(count).to_have_text("1")
    expect(ui.span_count).to_have_text("6")
    page.locator('.suggestion-item[data-label="LOC"] [data-reject]').click()
    expect(page.locator("#suggestion-list")).to_be_hidden()
    expect(page.locator("article[data-text] .seg.has-suggestion")).to_have_count(0)
    assert ui.not_reloaded()

    page.reload()
    expect(ui.span_count).to_have_text("6")
    expect(page.locator("article[data-text] .seg.has-suggestion")).to_have_count(0)
    stored = sorted(f"{s['label']} {s['text']}" for s in ui.stored_spans(SEED))
    assert stored == [
        "GPE Canada",
        "GPE United States",
        "GPE Venezuela",
        "ORG OPEC",
        "PERSON Juan Guaidó",
        "PERSON Nicolás Maduro",
    ]
    assert statuses(live_server.app) == {
        "accepted": [
            "GPE United States",
            "GPE Venezuela",
            "ORG OPEC",
            "PERSON Juan Guaidó",
            "PERSON Nicolás Maduro",
        ],
        "rejected": ["GPE Russia", "LOC Venezuela"],
    }


def test_an_error_shows_in_the_flash_and_the_suggestion_stays(ui, page, live_server):
    import_predictions(live_server.app)
    ui.open(SEED)
    count = page.get_by_test_id("suggestion-count")
    page.locator('.suggestion-item[data-label="GPE"]').first.locator("[data-accept]").click()
    expect(count).to_have_text("6")
    # Select the LOC Venezuela from the list, then Enter: the entity layer refuses the overlap.
    page.locator('.suggestion-item[data-label="LOC"]').click()
    expect(ui.panel.locator('[data-field="label"]')).to_have_text("LOC")
    page.keyboard.press("Enter")
    expect(ui.flash).to_contain_text("overlaps GPE")
    expect(count).to_have_text("6")
    expect(ui.panel.locator('[data-field="label"]')).to_have_text("LOC")  # still selected
    assert [s["label"] for s in ui.stored_spans(SEED)] == ["GPE"]
