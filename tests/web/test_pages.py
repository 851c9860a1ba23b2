"""The document list and the annotation page: full pages, htmx fragments, escaping, errors."""

import json

import pytest

from tests.conftest import add_document

SEED_001 = "001_c9f05260d45702f5"


def test_list_shows_every_seed_with_title_source_length_and_status(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "<html" in page.text
    for document_id in ("000_51c87e8e1bb75467", SEED_001, "002_a771f6f8b81a25a7"):
        assert f'data-document-id="{document_id}"' in page.text
    assert "Russian Foreign Minister Sergei Lavrov" in page.text  # title = first line
    assert f"{SEED_001}.txt" in page.text
    assert "0 / 3 finished" in page.text
    assert "HX-Request" in page.headers["Vary"]


def test_list_fragment_for_htmx_is_only_the_table(client):
    fragment = client.get("/?q=Lavrov", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<div id="document-table">')
    assert fragment.text.count("data-document-id=") == 1


def test_history_restore_gets_the_full_page(client):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get("/", headers=headers).text


def test_search_and_status_filter(client):
    client.post(f"/documents/{SEED_001}/status", data={"status": "done"})
    done = client.get("/?status=done")
    assert done.text.count("data-document-id=") == 1 and SEED_001 in done.text
    assert client.get("/?status=new").text.count("data-document-id=") == 2
    assert "No documents match" in client.get("/?q=no-such-words-anywhere").text
    assert "1 / 3 finished" in client.get("/").text


def test_search_treats_percent_literally(client, app):
    add_document(app, "A 100% sure thing.", "percent")
    page = client.get("/?q=100%25")
    assert page.text.count("data-document-id=") == 1


def test_pagination(app_config):
    from annotator import create_app

    client = create_app(app_config | {"DOCUMENTS_PER_PAGE": 2}).test_client()
    first = client.get("/")
    assert first.text.count("data-document-id=") == 2
    second = client.get("/?page=2")
    assert second.text.count("data-document-id=") == 1
    assert client.get("/?page=abc").status_code == 400
    assert 'aria-current="page">2</span>' in second.text
    assert 'href="/?page=1"' in second.text and "page 2 of 2" in second.text


def test_unknown_status_filter_is_an_error(client):
    page = client.get("/?status=finished")
    assert page.status_code == 400
    assert "unknown status filter &#39;finished&#39;" in page.text


def test_article_text_is_data_not_template_or_markup(client, app):
    page = client.get(f"/documents/{SEED_001}")
    assert "{{free_limit}}" in page.text
    add_document(app, "Bold <b>claim</b> & {% raw %} here", "markup")
    page = client.get("/documents/markup")
    assert "&lt;b&gt;claim&lt;/b&gt; &amp; {% raw %} here" in page.text
    assert "<b>claim</b>" not in page.text


def test_paragraphs_and_browser_offsets_on_segments(client, app):
    add_document(app, "Hi 😀 there\r\n\r\nSecond para", "emoji-crlf")
    page = client.get("/documents/emoji-crlf")
    # "Hi 😀 there" is 11 UTF-16 units; the CRLF CRLF becomes two LFs in the browser.
    assert (
        '<p id="para-0" class="para"><span class="seg" data-o="0">Hi 😀 there</span></p>'
        in page.text
    )
    assert (
        '<p id="para-1" class="para"><span class="seg" data-o="13">Second para</span></p>'
        in page.text
    )
    assert 'data-length="24"' in page.text


def test_label_bar_shows_layers_labels_and_hotkeys(client):
    page = client.get(f"/documents/{SEED_001}")
    assert page.text.index('data-layer="entity"') < page.text.index('data-layer="stance"')
    assert 'data-label="PERSON" data-hotkey="1"' in page.text
    assert 'data-label="CLAIM" data-hotkey="b"' in page.text


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_unknown_document(client, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    page = client.get("/documents/nope", headers=headers)
    assert page.status_code == 404
    assert "document &#39;nope&#39; does not exist" in page.text
    assert ("HX-Retarget" in page.headers) is htmx


def test_status_buttons_change_status(client):
    fragment = client.post(
        f"/documents/{SEED_001}/status", data={"status": "skipped"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert 'data-status="skipped"' in fragment.text
    assert "<html" not in fragment.text
    bad = client.post(
        f"/documents/{SEED_001}/status", data={"status": "finished"}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 422
    assert "unknown status &#39;finished&#39;" in bad.text
    assert client.get(f"/api/documents/{SEED_001}").json["status"] == "skipped"


def test_neighbour_links(client):
    page = client.get(f"/documents/{SEED_001}")
    assert 'data-previous-url="/documents/000_51c87e8e1bb75467"' in page.text
    assert 'data-next-url="/documents/002_a771f6f8b81a25a7"' in page.text


def test_export_download_matches_offsets(client):
    client.post(f"/api/documents/{SEED_001}/spans", json={"start": 0, "end": 7, "label": "NORP"})
    with client.get("/export.jsonl") as download:
        assert download.status_code == 200
        assert "attachment" in download.headers["Content-Disposition"]
        lines = [json.loads(line) for line in download.text.splitlines()]
    assert [line["id"] for line in lines][:1] == ["000_51c87e8e1bb75467"]
    record = next(line for line in lines if line["id"] == SEED_001)
    assert record["annotator"] == "alice"
    assert record["spans"] == [
        {"start": 0, "end": 7, "label": "NORP", "layer": "entity", "text": "Russian"}
    ]
