"""What the user is told when a span is refused, and text that looks like markup."""

from playwright.sync_api import expect

from tests.conftest import add_document

SEED = "000_51c87e8e1bb75467"
SEED_WITH_BRACES = "001_c9f05260d45702f5"
MARKUP_TEXT = (
    "Tags stay text: <b>bold claim</b> & <i>italic</i> "
    "<script>window.injected = true</script> {{ 7 * 7 }} end."
)


def test_an_overlap_the_schema_forbids_is_explained_and_nothing_changes(ui, page):
    ui.open(SEED)
    ui.create("PERSON", "Nicolás Maduro")
    before = ui.stored_spans(SEED)

    ui.pick("ORG")
    with page.expect_response(lambda r: r.url.endswith("/spans")) as answer:
        ui.drag("President Nicolás")
    assert answer.value.status == 422
    message = ui.flash.get_by_role("alert")
    expect(message).to_contain_text("overlap")
    expect(message).to_contain_text("Nicolás Maduro")
    expect(ui.span_count).to_have_text("1")
    expect(page.locator("article[data-text] .seg.has-span")).to_have_text(["Nicolás Maduro"])
    assert ui.stored_spans(SEED) == before
    assert ui.not_reloaded()

    # The same text again with the same label is a duplicate, also refused.
    ui.pick("PERSON")
    with page.expect_response(lambda r: r.url.endswith("/spans")) as answer:
        ui.drag("Nicolás Maduro")
    assert answer.value.status == 422
    expect(message).to_contain_text("already annotated")
    assert ui.stored_spans(SEED) == before

    # The next span that is saved clears the message.
    ui.create("GPE", "Venezuela")
    expect(ui.flash).to_be_empty()
    assert len(ui.stored_spans(SEED)) == 2


def test_selecting_before_picking_a_label_asks_for_one(ui, page):
    ui.open(SEED)
    requests = []
    page.on(
        "request", lambda request: requests.append(request) if request.method != "GET" else None
    )
    ui.drag("Nicolás Maduro")
    expect(ui.flash.get_by_role("alert")).to_contain_text("Pick a label first")
    expect(ui.span_count).to_have_text("0")
    assert requests == []
    assert ui.stored_spans(SEED) == []


def test_template_syntax_in_a_text_is_shown_as_it_is(ui, page):
    # Seed 001's paywall tail is kept out of the annotated text on import, and shown as it was.
    ui.open(SEED_WITH_BRACES)
    removed = page.locator("details.boilerplate")
    removed.locator("summary").click()
    expect(removed).to_contain_text("You’ve reached your limit of {{free_limit}} free articles")
    expect(page.locator("article[data-text]")).not_to_contain_text("free_limit")

    add_document(ui.server.app, "Readers hit a limit of {{free_limit}} free articles.", "braces")
    ui.open("braces")
    text = page.locator("article[data-text]")
    expect(text).to_contain_text("a limit of {{free_limit}} free articles")
    ui.create("CLAIM", "{{free_limit}} free articles", alt=True)
    [span] = ui.stored_spans("braces")
    assert span["text"] == "{{free_limit}} free articles"
    expect(page.locator(".span-item q")).to_have_text("{{free_limit}} free articles")


def test_markup_in_a_text_is_shown_as_literal_characters(ui, page):
    add_document(ui.server.app, MARKUP_TEXT, "markup")
    ui.open("markup")
    text = page.locator("article[data-text]")
    expect(text).to_have_text(MARKUP_TEXT)
    expect(text.locator("b, i, script")).to_have_count(0)
    expect(page.locator("h1.doc-title")).to_have_text(MARKUP_TEXT)
    assert page.evaluate("window.injected") is None

    ui.create("CLAIM", "<b>bold claim</b>", alt=True)
    ui.pick("PERSON")
    ui.double_click("Tags")
    expect(ui.span_count).to_have_text("2")
    expect(text.locator("b, i, script")).to_have_count(0)
    expect(page.locator(".span-item q")).to_have_text(["Tags", "<b>bold claim</b>"])
    spans = {span["label"]: span["text"] for span in ui.stored_spans("markup")}
    assert spans == {"CLAIM": "<b>bold claim</b>", "PERSON": "Tags"}
    ui.click_text("<b>bold")
    expect(ui.panel.locator('[data-field="text"]')).to_have_text("<b>bold claim</b>")


def test_a_nul_character_in_the_text_does_not_shift_offsets(ui, page):
    # HTML parsers drop U+0000; the page shows U+FFFD in its place so the offsets still count it.
    add_document(ui.server.app, "NUL \x00 in a text about Paris and Rome.", "nul")
    ui.open("nul")
    ui.create("GPE", "Paris", alt=True)
    ui.create("CLAIM", "text about", alt=True)
    spans = {span["label"]: span["text"] for span in ui.stored_spans("nul")}
    assert spans == {"GPE": "Paris", "CLAIM": "text about"}
