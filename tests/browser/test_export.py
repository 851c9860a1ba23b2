"""The list page's export download holds exactly the spans made in the browser."""

import json

from playwright.sync_api import expect

from tests.conftest import add_document

EMOJI_TEXT = "Hi 👋🏽 from 🇻🇪: Nicolás Maduro and Rene\u0301e met in Caracas."
CRLF_TEXT = "First line\r\nSecond line names Guaidó\r\nLast line"


def test_the_export_download_has_the_spans_made_on_the_page(ui, page):
    add_document(ui.server.app, EMOJI_TEXT, "emoji")
    add_document(ui.server.app, CRLF_TEXT, "crlf")
    ui.open("emoji")
    ui.create("PERSON", "Nicolás Maduro")
    ui.create("PERSON", "Rene\u0301e")
    ui.create("GPE", "Caracas")
    ui.create("CLAIM", "from", "Caracas", alt=True)
    ui.open("crlf")
    ui.create("PERSON", "Guaidó")
    ui.create("NEUTRAL", "line names", "Last")

    page.goto("/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Export JSONL").click()
    download = info.value
    assert download.suggested_filename.endswith(".jsonl")
    records = [json.loads(line) for line in download.path().read_text("utf-8").splitlines()]

    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"], (record["id"], span)
    exported = {
        record["id"]: [(s["label"], s["text"]) for s in record["spans"]]
        for record in records
        if record["annotator"] == "alice"
    }
    assert exported == {
        "emoji": [
            ("CLAIM", "from 🇻🇪: Nicolás Maduro and Rene\u0301e met in Caracas"),
            ("PERSON", "Nicolás Maduro"),
            ("PERSON", "Rene\u0301e"),
            ("GPE", "Caracas"),
        ],
        "crlf": [
            ("NEUTRAL", "line names Guaidó\r\nLast"),
            ("PERSON", "Guaidó"),
        ],
    }
    by_id = {record["id"]: record for record in records if record["annotator"] == "alice"}
    caracas = next(s for s in by_id["emoji"]["spans"] if s["label"] == "GPE")
    assert caracas["start"] == EMOJI_TEXT.index("Caracas")
    guaido = next(s for s in by_id["crlf"]["spans"] if s["label"] == "PERSON")
    assert guaido["start"] == CRLF_TEXT.index("Guaidó")
    # Documents nobody touched are there once, without an annotator.
    assert sorted(record["id"] for record in records if record["annotator"] is None) == [
        "000_51c87e8e1bb75467",
        "001_c9f05260d45702f5",
        "002_a771f6f8b81a25a7",
    ]
    expect(page.locator("tbody tr[data-document-id]")).to_have_count(5)
