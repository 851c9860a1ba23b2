"""Creating spans with the real mouse: drag, double-click, snapping and exact selections."""

from playwright.sync_api import expect

from tests.conftest import add_document

SEED = "000_51c87e8e1bb75467"
EMOJI_TEXT = (
    "Hello 👩\u200d👩\u200d👧 family 🇻🇪 of Nicolás and Zoë ✨ met Maduro. Rene\u0301e said so."
)
CRLF_TEXT = "Line one\r\nMaduro spoke\r\nThird line"


def is_span_post(response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/spans")


def test_drag_select_saves_a_span_without_reload_and_it_survives_one(ui, page):
    ui.open(SEED)
    ui.pick("PERSON")
    with page.expect_response(is_span_post) as answer:
        ui.drag("Nicolás Maduro")
    assert answer.value.status == 200

    highlight = page.locator("article[data-text] .seg.has-span")
    expect(highlight).to_have_text("Nicolás Maduro")
    expect(highlight).to_have_css("background-color", "rgb(244, 162, 97)")  # PERSON #f4a261
    expect(ui.span_count).to_have_text("1")
    expect(page.locator(".span-item")).to_have_text("PERSON Nicolás Maduro")
    assert ui.not_reloaded(), "the page reloaded"

    stored = ui.stored(SEED)
    [span] = ui.stored_spans(SEED)
    start = stored["text"].index("Nicolás Maduro")
    assert (span["start"], span["end"], span["label"], span["text"]) == (
        start,
        start + len("Nicolás Maduro"),
        "PERSON",
        "Nicolás Maduro",
    )

    page.reload()
    highlight = page.locator(f'article[data-text] .seg[data-spans="{span["id"]}"]')
    expect(highlight).to_have_text("Nicolás Maduro")
    expect(highlight).to_have_css("background-color", "rgb(244, 162, 97)")
    expect(ui.span_count).to_have_text("1")
    assert not ui.not_reloaded()


def test_a_drag_inside_words_snaps_to_them_and_alt_keeps_exact_characters(ui, page):
    ui.open(SEED)
    ui.create("PERSON", "icolás Madu")
    ui.create("GPE", "enezuel", alt=True)
    spans = {span["label"]: span["text"] for span in ui.stored_spans(SEED)}
    assert spans == {"PERSON": "Nicolás Maduro", "GPE": "enezuel"}
    expect(page.locator(".span-item")).to_have_text(["GPE enezuel", "PERSON Nicolás Maduro"])


def test_offsets_stay_exact_after_emoji_combining_accents_and_crlf(ui, page):
    add_document(ui.server.app, EMOJI_TEXT, "emoji")
    add_document(ui.server.app, CRLF_TEXT, "crlf")

    ui.open("emoji")
    ui.create("PERSON", "Maduro")
    ui.create("PERSON", "Rene\u0301e")
    ui.create("CLAIM", "met Madu", alt=True)
    spans = sorted((s["start"], s["end"], s["text"]) for s in ui.stored_spans("emoji"))
    expected = [
        (EMOJI_TEXT.index(word), EMOJI_TEXT.index(word) + len(word), word)
        for word in ("met Madu", "Maduro", "Rene\u0301e")
    ]
    assert sorted(spans) == sorted(expected)
    # The side panel shows the same code points.
    ui.click_text("Rene\u0301e")
    start = EMOJI_TEXT.index("Rene\u0301e")
    expect(ui.panel.locator('[data-field="offsets"]')).to_have_text(f"[{start}, {start + 6})")
    expect(ui.panel.locator('[data-field="text"]')).to_have_text("Rene\u0301e")

    ui.open("crlf")
    ui.create("PERSON", "Maduro")
    ui.create("CLAIM", "spoke", "Third", alt=True)  # across the CRLF line break
    spans = {s["label"]: (s["start"], s["end"], s["text"]) for s in ui.stored_spans("crlf")}
    # "Line one\r\n" is 10 code points (9 UTF-16 units in the browser, which sees LF only).
    assert spans == {
        "PERSON": (10, 16, "Maduro"),
        "CLAIM": (17, 29, "spoke\r\nThird"),
    }
    expect(page.locator("p.para")).to_have_text(["Line one", "Maduro spoke", "Third line"])
    expect(page.locator("p.para:has(.seg.has-span)")).to_have_count(2)


def test_double_click_snaps_to_the_word_without_punctuation_or_quotes(ui, page):
    ui.open(SEED)
    ui.pick("PERSON")
    ui.double_click("Certainly")  # in “Certainly, it’s something...”
    expect(ui.span_count).to_have_text("1")
    ui.pick("ORG")
    ui.double_click("meddling")  # in “destructive meddling.”
    expect(ui.span_count).to_have_text("2")
    ui.pick("GPE")
    ui.double_click("option", nth=0)  # in “an option”
    expect(ui.span_count).to_have_text("3")

    spans = {span["label"]: span["text"] for span in ui.stored_spans(SEED)}
    assert spans == {"PERSON": "Certainly", "ORG": "meddling", "GPE": "option"}
    expect(page.locator("article[data-text] .seg.has-span")).to_have_text(
        ["option", "meddling", "Certainly"]
    )


def test_a_drag_released_beside_the_text_is_saved(ui, page):
    ui.open(SEED)
    ui.pick("AGAINST")
    boxes = ui.boxes("The police have also")
    article = page.locator("article[data-text]").bounding_box()
    page.mouse.move(boxes["last"]["right"] - 1, boxes["last"]["y"])
    page.mouse.down()
    page.mouse.move(article["x"] - 8, boxes["first"]["y"], steps=4)  # the margin left of it
    page.mouse.up()
    expect(ui.span_count).to_have_text("1")
    assert [span["text"] for span in ui.stored_spans(SEED)] == ["The police have also"]


def test_a_drag_out_of_the_text_says_why_nothing_was_saved(ui, page):
    ui.open(SEED)
    ui.pick("AGAINST")
    first = ui.boxes("Nicolás Maduro")["first"]
    page.mouse.move(first["left"] + 1, first["y"])
    page.mouse.down()
    target = page.locator(".help p").bounding_box()  # into the sidebar's help text
    page.mouse.move(target["x"] + 20, target["y"] + 5, steps=4)
    page.mouse.up()
    expect(ui.flash.get_by_role("alert")).to_contain_text("The selection went past the text")
    assert page.evaluate("String(window.getSelection())") == ""
    expect(ui.span_count).to_have_text("0")
    assert ui.stored_spans(SEED) == []


def test_selections_made_while_one_is_saving_are_all_saved(ui, page):
    ui.open(SEED)
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)  # answered below, after two more selections

    page.route("**/documents/*/spans", hold_the_first)
    ui.pick("PERSON")
    ui.double_click("Trump")
    ui.pick("GPE")
    ui.double_click("Venezuela")
    ui.pick("ORG")
    ui.double_click("OPEC")
    expect(ui.span_count).to_have_text("0")
    for _ in range(500):  # until Playwright has handed the first request to hold_the_first
        if held:
            break
        page.wait_for_timeout(10)
    assert len(held) == 1
    held[0].continue_()
    expect(ui.span_count).to_have_text("3")
    spans = {span["label"]: span["text"] for span in ui.stored_spans(SEED)}
    assert spans == {"PERSON": "Trump", "GPE": "Venezuela", "ORG": "OPEC"}
    expect(ui.flash).to_be_empty()
