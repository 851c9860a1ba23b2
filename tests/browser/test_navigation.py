"""Keys on the annotation page, and the document list's search and status filter."""

from playwright.sync_api import expect

FIRST = "000_51c87e8e1bb75467"
SECOND = "001_c9f05260d45702f5"
THIRD = "002_a771f6f8b81a25a7"


def test_keys_mark_done_skip_and_move_between_articles(ui, page):
    ui.open(FIRST)
    status = page.locator("#doc-status")
    expect(status).to_have_attribute("data-status", "new")
    page.keyboard.press("d")
    expect(status).to_have_attribute("data-status", "done")
    expect(status.locator(".status")).to_have_text("done")
    assert ui.stored(FIRST)["status"] == "done"
    assert ui.not_reloaded()

    page.keyboard.press("p")  # the first article has no previous one: nothing happens
    page.keyboard.press("n")
    page.wait_for_url(f"**/documents/{SECOND}")
    expect(page.locator("[data-annotate][data-interactive]")).to_have_count(1)
    expect(page.locator("#doc-status")).to_have_attribute("data-status", "new")
    page.keyboard.press("s")
    expect(page.locator("#doc-status .status")).to_have_text("skipped")
    assert ui.stored(SECOND)["status"] == "skipped"

    page.keyboard.press("p")
    page.wait_for_url(f"**/documents/{FIRST}")
    expect(page.locator("#doc-status .status")).to_have_text("done")
    # Reopen with the button.
    page.locator('[data-status-action="in_progress"]').click()
    expect(page.locator("#doc-status .status")).to_have_text("in progress")
    assert ui.stored(FIRST)["status"] == "in_progress"


def test_the_list_filters_by_search_and_status_without_reloading(page):
    response = page.request.post(f"/api/documents/{THIRD}/status", data={"status": "done"})
    assert response.ok, response.text()
    page.goto("/")
    page.evaluate("window.__notReloaded = true")
    rows = page.locator("tbody tr[data-document-id]")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("progress")).to_have_text("1 / 3 finished")

    search = page.get_by_label("Search")
    search.fill("Lavrov")
    expect(rows).to_have_count(1)
    expect(rows).to_have_attribute("data-document-id", SECOND)
    expect(page).to_have_url("/?q=Lavrov&status=")  # the filter is in the address bar

    search.fill("no such words anywhere")
    expect(rows).to_have_count(0)
    expect(page.locator("td.empty")).to_have_text("No documents match.")

    search.fill("")
    expect(rows).to_have_count(3)
    status = page.get_by_label("Status")
    status.select_option("done")
    expect(rows).to_have_count(1)
    expect(rows).to_have_attribute("data-document-id", THIRD)
    status.select_option("new")
    expect(rows).to_have_count(2)
    expect(rows.locator(".status")).to_have_text(["new", "new"])

    # Both filters at once.
    search.fill("Lavrov")
    expect(rows).to_have_count(1)
    status.select_option("done")
    expect(rows).to_have_count(0)
    assert page.evaluate("window.__notReloaded") is True

    # A row's link opens the article.
    status.select_option("")
    search.fill("")
    expect(rows).to_have_count(3)
    rows.first.get_by_role("link").click()
    page.wait_for_url(f"**/documents/{FIRST}")
