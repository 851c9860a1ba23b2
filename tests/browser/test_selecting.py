"""Selecting spans: the side panel, deleting, relabelling, and spans on several layers."""

import re

from playwright.sync_api import expect

SEED = "000_51c87e8e1bb75467"


def test_click_selects_a_span_and_delete_removes_it(ui, page):
    ui.open(SEED)
    ui.create("PERSON", "Nicolás Maduro")
    ui.create("GPE", "Venezuela")
    expect(ui.panel).to_be_hidden()  # a new span is not selected

    ui.click_text("Nicolás Maduro")
    expect(ui.panel).to_be_visible()
    expect(ui.panel.locator('[data-field="label"]')).to_have_text("PERSON")
    expect(ui.panel.locator('[data-field="layer"]')).to_have_text("Entity")
    expect(ui.panel.locator('[data-field="text"]')).to_have_text("Nicolás Maduro")
    expect(page.locator(".seg.selected")).to_have_text("Nicolás Maduro")
    expect(page.locator(".span-item.selected")).to_have_attribute("data-label", "PERSON")

    page.keyboard.press("Delete")
    expect(ui.span_count).to_have_text("1")
    expect(ui.panel).to_be_hidden()
    expect(page.locator("article[data-text] .seg.has-span")).to_have_text(["Venezuela"])
    assert [span["text"] for span in ui.stored_spans(SEED)] == ["Venezuela"]

    # Backspace works too, and Escape deselects without deleting.
    ui.click_text("Venezuela")
    expect(ui.panel).to_be_visible()
    page.keyboard.press("Escape")
    expect(ui.panel).to_be_hidden()
    page.keyboard.press("Backspace")  # nothing selected: nothing happens
    ui.click_text("Venezuela")
    page.keyboard.press("Backspace")
    expect(ui.span_count).to_have_text("0")
    expect(page.locator("article[data-text] .seg.has-span")).to_have_count(0)
    assert ui.stored_spans(SEED) == []
    assert ui.not_reloaded()


def test_picking_another_label_relabels_the_selected_span(ui, page):
    ui.open(SEED)
    ui.create("PERSON", "Nicolás Maduro")
    [created] = ui.stored_spans(SEED)

    ui.click_text("Nicolás Maduro")
    expect(ui.panel.locator('[data-field="label"]')).to_have_text("PERSON")
    ui.pick("ORG")
    expect(ui.panel.locator('[data-field="label"]')).to_have_text("ORG")
    expect(page.locator(".span-item")).to_have_text(["ORG Nicolás Maduro"])
    highlight = page.locator(f'.seg[data-spans="{created["id"]}"]')
    expect(highlight).to_have_css("background-color", "rgb(142, 202, 230)")  # ORG #8ecae6
    expect(highlight).to_have_class(re.compile(r"\bselected\b"))  # still selected
    [relabelled] = ui.stored_spans(SEED)
    assert relabelled == {**created, "label": "ORG"}

    # Selecting from the span list works the same way.
    page.keyboard.press("Escape")
    page.locator(".span-item").click()
    expect(ui.panel.locator('[data-field="label"]')).to_have_text("ORG")
    page.locator('.label-button[data-label="EVENT"]').click()
    expect(page.locator(".span-item")).to_have_text(["EVENT Nicolás Maduro"])
    assert [span["label"] for span in ui.stored_spans(SEED)] == ["EVENT"]


def test_spans_on_three_layers_nest_and_each_can_be_selected(ui, page):
    ui.open(SEED)
    ui.create("FAVOR", "President Trump said", "option")
    ui.create("CLAIM", "military intervention in Venezuela")
    ui.create("GPE", "Venezuela")
    spans = {span["label"]: span for span in ui.stored_spans(SEED)}
    assert {label: span["text"] for label, span in spans.items()} == {
        "FAVOR": "President Trump said military intervention in Venezuela was “an option",
        "CLAIM": "military intervention in Venezuela",
        "GPE": "Venezuela",
    }
    expect(page.locator(".span-item")).to_have_count(3)

    # The innermost segment carries all three, shortest first, and shows all three layers:
    # the entity as background, stance and claim as two bands.
    ids = [str(spans[label]["id"]) for label in ("GPE", "CLAIM", "FAVOR")]
    inner = page.locator(f'.seg[data-spans="{" ".join(ids)}"]')
    expect(inner).to_have_text("Venezuela")
    expect(inner).to_have_css("background-color", "rgb(149, 213, 178)")  # GPE #95d5b2
    shadow = inner.evaluate("element => getComputedStyle(element).boxShadow")
    assert "rgb(42, 157, 143)" in shadow and "rgb(123, 44, 191)" in shadow, shadow

    # Clicking the same place cycles through the spans covering it.
    label = ui.panel.locator('[data-field="label"]')
    for expected in ("GPE", "CLAIM", "FAVOR", "GPE"):
        inner.click()
        expect(label).to_have_text(expected)
    # Each is reachable from the list too.
    for expected in ("FAVOR", "CLAIM", "GPE"):
        page.locator(f'.span-item[data-label="{expected}"]').click()
        expect(label).to_have_text(expected)
        expect(page.locator(".seg.selected").first).to_be_visible()
    assert len(ui.stored_spans(SEED)) == 3


def test_a_span_across_paragraphs_is_one_span_shown_in_each(ui, page):
    ui.open(SEED)
    ui.create("AGAINST", "rightful leader", "In an interview")  # three paragraphs
    [span] = ui.stored_spans(SEED)
    assert span["label"] == "AGAINST"
    assert span["text"].startswith("rightful leader.\n\nMaduro, who has")
    assert span["text"].endswith("military.\n\nIn an interview")
    touched = page.locator(f'p.para:has(.seg[data-spans~="{span["id"]}"])')
    expect(touched).to_have_count(3)
    expect(touched.nth(0)).to_contain_text("rightful leader.")
    expect(touched.nth(1).locator(".seg")).to_have_count(1)  # covered from end to end
    expect(touched.nth(2)).to_contain_text("In an interview")
    assert ui.not_reloaded()

    page.reload()
    expect(touched).to_have_count(3)
    touched.nth(2).locator(".seg.has-span").click()
    expect(ui.panel.locator('[data-field="text"]')).to_have_text(span["text"])
    expect(page.locator(".seg.selected")).to_have_count(3)


def test_picking_the_next_label_after_a_new_span_does_not_relabel_it(ui, page):
    ui.open(SEED)
    ui.create("PERSON", "Nicolás Maduro")
    expect(ui.panel).to_be_hidden()
    ui.create("GPE", "Venezuela")
    expect(page.locator(".span-item")).to_have_text(["GPE Venezuela", "PERSON Nicolás Maduro"])
    labels = {span["text"]: span["label"] for span in ui.stored_spans(SEED)}
    assert labels == {"Nicolás Maduro": "PERSON", "Venezuela": "GPE"}
