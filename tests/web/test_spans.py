"""Creating, relabelling and deleting spans from the page (htmx) and the JSON API."""

import pytest

from tests.conftest import add_document

HX = {"HX-Request": "true"}
TRICKY = "Hi 👩‍👩‍👧 and 🇻🇪: “Nicolás” met Zoe\u0301 in Caracas.\r\nMaduro spoke."


@pytest.fixture
def tricky(app):
    """A document with a ZWJ family, a flag, curly quotes, a decomposed accent and CRLF."""
    add_document(app, TRICKY, "tricky")
    return TRICKY


def browser_offset(text: str, code_point: int) -> int:
    """What the browser counts: UTF-16 units over the text with CRLF as LF (independent of
    annotator.offsets, so the test checks it)."""
    prefix = text[:code_point].replace("\r\n", "\n")
    return len(prefix.encode("utf-16-le")) // 2


def stored_spans(client, document_id="tricky"):
    return client.get(f"/api/documents/{document_id}").json["spans"]


def create_from_page(client, text, word, label, *, exact=False, document_id="tricky"):
    start = text.index(word)
    end = start + len(word)
    return client.post(
        f"/documents/{document_id}/spans",
        data={
            "start": browser_offset(text, start),
            "end": browser_offset(text, end),
            "label": label,
            "exact": "1" if exact else "0",
        },
        headers=HX,
    )


@pytest.mark.parametrize(
    ("word", "label"),
    [
        ("Nicolás", "PERSON"),
        ("Zoe\u0301", "PERSON"),
        ("Caracas", "GPE"),
        ("Maduro", "PERSON"),
        ("👩‍👩‍👧", "NORP"),
        ("🇻🇪", "GPE"),
    ],
    ids=["accent", "combining", "after-emoji", "after-crlf", "zwj", "flag"],
)
def test_browser_offsets_are_stored_as_code_points(client, tricky, word, label):
    response = create_from_page(client, tricky, word, label)
    assert response.status_code == 200
    [span] = stored_spans(client)
    assert tricky[span["start"] : span["end"]] == word == span["text"]
    assert span["start"] == tricky.index(word)


def test_selection_snaps_to_words_unless_exact(client, tricky):
    start = tricky.index("icol")  # inside “Nicolás”, quotes around it
    end = start + 3
    data = {"start": browser_offset(tricky, start), "end": browser_offset(tricky, end)}
    client.post("/documents/tricky/spans", data=data | {"label": "PERSON"}, headers=HX)
    client.post("/documents/tricky/spans", data=data | {"label": "CLAIM", "exact": "1"}, headers=HX)
    texts = {span["label"]: span["text"] for span in stored_spans(client)}
    assert texts == {"PERSON": "Nicolás", "CLAIM": "ico"}


def test_answer_swaps_touched_paragraphs_and_span_list(client, tricky):
    response = create_from_page(client, tricky, "Maduro", "PERSON")
    assert 'id="para-1" class="para" hx-swap-oob="true"' in response.text
    assert 'id="para-0"' not in response.text
    assert 'id="span-list" class="span-list" hx-swap-oob="true"' in response.text
    assert '"span-changed"' in response.headers["HX-Trigger-After-Settle"]


def test_span_across_a_paragraph_break_renders_in_each_paragraph(client, tricky):
    create_from_page(client, tricky, "in Caracas.\r\nMaduro spoke", "NEUTRAL")
    [span] = stored_spans(client)
    assert span["text"] == "in Caracas.\r\nMaduro spoke"
    page = client.get("/documents/tricky").text
    assert page.count(f'data-spans="{span["id"]}"') == 2


def test_nested_spans_on_three_layers_all_render(client, tricky):
    create_from_page(client, tricky, "“Nicolás” met Zoe\u0301 in Caracas", "FAVOR", exact=True)
    create_from_page(client, tricky, "Nicolás” met Zoe\u0301", "CLAIM", exact=True)
    create_from_page(client, tricky, "Nicolás", "PERSON")
    id_of = {span["label"]: span["id"] for span in stored_spans(client)}
    page = client.get("/documents/tricky").text
    # The innermost segment ("Nicolás") is covered by all three, shortest first.
    assert f'data-spans="{id_of["PERSON"]} {id_of["CLAIM"]} {id_of["FAVOR"]}"' in page
    # Label classes are keyed by id (seeds/schema.toml order: PERSON 1, FAVOR 8, CLAIM 11).
    assert "seg has-span l-1 l-11 l-8" in page  # background + two bands (CSS)
    assert ".l-1{--c0:#" in client.get("/labels.css").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "0", "end": "0", "label": "PERSON"}, "empty span"),
        ({"start": "5", "end": "999", "label": "PERSON"}, "past the end"),
        ({"start": "-1", "end": "2", "label": "PERSON"}, "negative"),
        ({"start": "x", "end": "2", "label": "PERSON"}, "start must be a whole number"),
        ({"start": "0", "end": "2", "label": "SPORT"}, "unknown label &#39;SPORT&#39;"),
        ({"start": "3", "end": "4", "label": "PERSON"}, "splits a character"),
    ],
    ids=["empty", "past-end", "negative", "not-a-number", "unknown-label", "surrogate"],
)
def test_bad_requests_explain_and_change_nothing(client, tricky, data, message):
    response = client.post("/documents/tricky/spans", data=data, headers=HX)
    assert response.status_code == 422
    assert message in response.text
    assert response.headers["HX-Retarget"] == "#flash"
    assert stored_spans(client) == []


def test_selecting_only_punctuation_is_refused(client, tricky):
    response = create_from_page(client, tricky, ": “", "PERSON")
    assert response.status_code == 422
    assert "only whitespace and punctuation" in response.text
    assert stored_spans(client) == []


def test_overlap_within_entity_layer_refused_but_allowed_across_layers(client, tricky):
    assert create_from_page(client, tricky, "Caracas", "GPE").status_code == 200
    refused = create_from_page(client, tricky, "in Caracas", "LOC", exact=True)
    assert refused.status_code == 422
    assert "overlaps GPE" in refused.text and "does not allow overlapping" in refused.text
    assert create_from_page(client, tricky, "in Caracas", "CLAIM", exact=True).status_code == 200
    assert create_from_page(client, tricky, "Zoe\u0301 in", "CLAIM", exact=True).status_code == 200
    assert [span["label"] for span in stored_spans(client)] == ["CLAIM", "CLAIM", "GPE"]


def test_exact_duplicate_refused_even_where_overlap_is_allowed(client, tricky):
    assert create_from_page(client, tricky, "Caracas", "CLAIM").status_code == 200
    duplicate = create_from_page(client, tricky, "Caracas", "CLAIM")
    assert duplicate.status_code == 422
    assert "already annotated" in duplicate.text
    assert len(stored_spans(client)) == 1


def test_relabel_and_delete(client, tricky):
    create_from_page(client, tricky, "Caracas", "GPE")
    [span] = stored_spans(client)
    relabelled = client.post(f"/spans/{span['id']}/label", data={"label": "LOC"}, headers=HX)
    assert relabelled.status_code == 200
    assert [s["label"] for s in stored_spans(client)] == ["LOC"]
    deleted = client.delete(f"/spans/{span['id']}", headers=HX)
    assert deleted.status_code == 200
    assert stored_spans(client) == []


def test_relabel_into_an_overlap_is_refused(client, tricky):
    create_from_page(client, tricky, "in Caracas", "CLAIM", exact=True)
    create_from_page(client, tricky, "Caracas", "GPE")
    claim = next(s for s in stored_spans(client) if s["label"] == "CLAIM")
    response = client.post(f"/spans/{claim['id']}/label", data={"label": "LOC"}, headers=HX)
    assert response.status_code == 422
    assert sorted(s["label"] for s in stored_spans(client)) == ["CLAIM", "GPE"]


@pytest.mark.parametrize("method", ["relabel", "delete"])
def test_stale_edit_of_a_deleted_span(client, tricky, method):
    create_from_page(client, tricky, "Caracas", "GPE")
    [span] = stored_spans(client)
    client.delete(f"/spans/{span['id']}", headers=HX)
    if method == "relabel":
        response = client.post(f"/spans/{span['id']}/label", data={"label": "LOC"}, headers=HX)
    else:
        response = client.delete(f"/spans/{span['id']}", headers=HX)
    assert response.status_code == 404
    assert f"span {span['id']} no longer exists" in response.text
    assert response.headers["HX-Retarget"] == "#flash"


def test_another_annotators_span_is_not_editable(app_config, tricky, client):
    from annotator import create_app

    create_from_page(client, tricky, "Caracas", "GPE")
    [span] = stored_spans(client)
    bob = create_app(app_config | {"ANNOTATOR_USER": "bob"}).test_client()
    assert bob.get("/api/documents/tricky").json["spans"] == []
    assert bob.delete(f"/api/spans/{span['id']}").status_code == 404
    assert len(stored_spans(client)) == 1


def test_first_span_marks_document_in_progress(client, tricky):
    assert client.get("/api/documents/tricky").json["status"] == "new"
    create_from_page(client, tricky, "Caracas", "GPE")
    assert client.get("/api/documents/tricky").json["status"] == "in_progress"


def test_long_span_list_shows_the_first_spans_and_loads_the_rest(app_config, tricky):
    from annotator import create_app

    client = create_app(app_config | {"SPAN_LIST_LIMIT": 2}).test_client()
    for word in ("Nicolás", "Caracas", "Maduro"):
        create_from_page(client, tricky, word, "PERSON")
    page = client.get("/documents/tricky").text
    assert page.count('class="span-item') == 2
    assert "Showing the first 2 of 3." in page
    everything = client.get("/documents/tricky/spans", headers=HX).text
    assert everything.count('class="span-item') == 3 and "Show all" not in everything
