"""Suggestions on the annotation page: shown apart, accepted, rejected, never annotations
until accepted; and `annotator suggest` making them from pattern files."""

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from annotator import create_app
from annotator.cli.main import main
from annotator.db.session import engine_of
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.models.project import Label
from annotator.models.suggestions import Suggestion
from annotator.transfer.importing import ImportOptions
from annotator.transfer.importing import import_documents

HX = {"HX-Request": "true"}
TEXT = (
    "Nicolás Maduro met 👩\u200d👩\u200d👧 in Caracas.\r\nThe European Union said Caracas was calm."
)
SEED = "000_51c87e8e1bb75467"
# An item of the suggestion list: its label and text.
ITEM = re.compile(
    r'<li class="suggestion-item[^>]*>\s*<div class="suggestion-head">'
    r"<b>(\w+)</b> <q>([^<]*)</q>"
)


def at(word: str, nth: int = 0) -> tuple[int, int]:
    """Code points [start, end) of the nth occurrence of word in TEXT."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def prediction(word: str, label: str, score: float | None = None, nth: int = 0) -> Annotation:
    return Annotation(*at(word, nth), label, score=score)


@pytest.fixture
def suggested(app):
    """A document whose spans were imported as suggestions of source 'model-x'."""
    document = DocumentRecord(
        text=TEXT,
        id="news",
        spans=[
            prediction("Nicolás Maduro", "PERSON", 0.91),
            prediction("Caracas", "GPE", 0.6),
            prediction("Caracas", "LOC", 0.4),  # same text: the entity layer forbids both
            prediction("European Union", "ORG"),
            prediction("Caracas", "GPE", 0.75, nth=1),
        ],
    )
    options = ImportOptions(annotator_name="alice", as_suggestions=True, source="model-x")
    report = import_documents(engine_of(app), [document], options, name="predictions.jsonl")
    assert report.suggestions_added == 5 and report.spans_added == 0
    return TEXT


def suggestion_ids(app, status: str = "pending") -> set[int]:
    """The ids of the suggestions with status."""
    with Session(engine_of(app)) as session:
        return set(
            session.execute(select(Suggestion.id).where(Suggestion.status == status)).scalars()
        )


def suggestion_id(app, word: str, label: str, nth: int = 0) -> int:
    """The id of the suggestion of label on the nth occurrence of word."""
    start, end = at(word, nth)
    with Session(engine_of(app)) as session:
        return session.execute(
            select(Suggestion.id)
            .join(Label, Label.id == Suggestion.label_id)
            .where(Suggestion.start == start, Suggestion.end == end, Label.name == label)
        ).scalar_one()


def status_of(app, suggestion: int) -> str:
    with Session(engine_of(app)) as session:
        return session.get(Suggestion, suggestion).status


def api_spans(client, document_id="news"):
    return [
        (s["label"], s["text"]) for s in client.get(f"/api/documents/{document_id}").json["spans"]
    ]


def pending_on_page(client, document_id="news") -> list[str]:
    """The suggestion list's items on the page, as 'LABEL text'."""
    page = client.get(f"/documents/{document_id}").text
    return [f"{label} {text}" for label, text in ITEM.findall(page)]


def accept(client, suggestion: int):
    return client.post(f"/suggestions/{suggestion}/accept", headers=HX)


def exported_spans(runner, tmp_path: Path, document_id="news") -> list[tuple]:
    """(annotator, label, text) of every exported span of the document (`annotator export`)."""
    out = tmp_path / "export.jsonl"
    result = runner.invoke(main, ["export", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [
        (record["annotator"], span["label"], span["text"])
        for record in records
        if record["id"] == document_id
        for span in record["spans"]
    ]


def test_pending_suggestions_are_drawn_apart_from_spans(client, app, suggested):
    page = client.get("/documents/news").text
    assert "has-suggestion" in page and "has-span" not in page
    maduro = suggestion_id(app, "Nicolás Maduro", "PERSON")
    assert re.search(
        rf'class="seg has-suggestion s-1 sg-start sg-end" data-suggestions="{maduro}" '
        r'data-o="0">Nicolás Maduro<',
        page,
    )
    # the label's colour, drawn as a dashed frame; classes are keyed by label id (PERSON is 1)
    assert ".s-1{--s:#" in client.get("/labels.css").text
    # The two same-text Caracas suggestions both cover it (the browser offset counts UTF-16).
    caracas_o = len(TEXT[: at("Caracas")[0]].encode("utf-16-le")) // 2
    assert re.search(rf'data-suggestions="\d+ \d+" data-o="{caracas_o}">Caracas<', page)
    assert 'data-testid="suggestion-count">5<' in page
    assert 'data-testid="score">0.91<' in page and "model-x" in page
    data = re.search(r'<script type="application/json" id="suggestion-data">(.*?)</script>', page)
    assert json.loads(data.group(1))[str(maduro)] == [
        0,
        14,
        "PERSON",
        "Nicolás Maduro",
        "model-x",
        0.91,
    ]


def test_suggestions_are_not_annotations_until_accepted(client, app, runner, suggested, tmp_path):
    assert api_spans(client) == []
    assert exported_spans(runner, tmp_path) == []
    listed = {row["id"]: row for row in client.get("/api/documents").json["documents"]}
    assert listed["news"]["span_count"] == 0 and listed["news"]["status"] == "new"

    response = accept(client, suggestion_id(app, "Nicolás Maduro", "PERSON"))
    assert response.status_code == 200
    assert api_spans(client) == [("PERSON", "Nicolás Maduro")]
    assert exported_spans(runner, tmp_path) == [("alice", "PERSON", "Nicolás Maduro")]
    listed = {row["id"]: row for row in client.get("/api/documents").json["documents"]}
    assert listed["news"]["span_count"] == 1 and listed["news"]["status"] == "in_progress"


def test_accept_swaps_paragraphs_lists_and_names_the_next_suggestion(client, app, suggested):
    maduro = suggestion_id(app, "Nicolás Maduro", "PERSON")
    gpe = suggestion_id(app, "Caracas", "GPE")
    response = accept(client, maduro)
    assert 'id="para-0" class="para" hx-swap-oob="true"' in response.text
    assert 'id="para-1"' not in response.text
    assert 'id="span-list" class="span-list" hx-swap-oob="true"' in response.text
    assert 'id="suggestion-list" class="suggestion-list" hx-swap-oob="true"' in response.text
    assert 'id="suggestion-data" hx-swap-oob="true"' in response.text
    assert 'data-testid="suggestion-count">4<' in response.text
    assert re.search(r'class="seg has-span l-1" data-o="0" data-spans="\d+">Nicolás', response.text)
    trigger = json.loads(response.headers["HX-Trigger-After-Settle"])
    assert trigger["suggestion-changed"] == {"decided": [maduro], "next": gpe}
    assert status_of(app, maduro) == "accepted"


def test_reject_removes_it_for_good(client, app, suggested):
    union = suggestion_id(app, "European Union", "ORG")
    response = client.post(f"/suggestions/{union}/reject", headers=HX)
    assert response.status_code == 200
    assert status_of(app, union) == "rejected"
    assert "ORG European Union" not in pending_on_page(client)
    assert api_spans(client) == []
    again = client.post(f"/suggestions/{union}/reject", headers=HX)
    assert again.status_code == 404
    assert f"suggestion {union} was already rejected" in again.text
    assert again.headers["HX-Retarget"] == "#flash"


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_a_stale_suggestion_is_a_clear_404(client, app, suggested, action):
    missing = client.post(f"/suggestions/9999/{action}", headers=HX)
    assert missing.status_code == 404
    assert "suggestion 9999 no longer exists; reload" in missing.text
    assert missing.headers["HX-Retarget"] == "#flash"
    maduro = suggestion_id(app, "Nicolás Maduro", "PERSON")
    assert accept(client, maduro).status_code == 200
    decided = client.post(f"/suggestions/{maduro}/{action}", headers=HX)
    assert decided.status_code == 404 and "was already accepted" in decided.text
    assert api_spans(client) == [("PERSON", "Nicolás Maduro")]


def test_accepting_into_a_forbidden_overlap_is_refused_and_stays_pending(client, app, suggested):
    assert accept(client, suggestion_id(app, "Caracas", "GPE")).status_code == 200
    loc = suggestion_id(app, "Caracas", "LOC")
    refused = accept(client, loc)
    assert refused.status_code == 422
    assert "overlaps GPE" in refused.text and "does not allow overlapping" in refused.text
    assert refused.headers["HX-Retarget"] == "#flash"
    assert status_of(app, loc) == "pending"
    assert "LOC Caracas" in pending_on_page(client)
    assert api_spans(client) == [("GPE", "Caracas")]


def test_accepting_a_span_you_already_have_just_records_the_decision(client, app, suggested):
    start, end = at("European Union")
    made = client.post(
        "/api/documents/news/spans", json={"start": start, "end": end, "label": "ORG"}
    )
    assert made.status_code == 201
    union = suggestion_id(app, "European Union", "ORG")
    assert accept(client, union).status_code == 200
    assert status_of(app, union) == "accepted"
    assert api_spans(client) == [("ORG", "European Union")]


def test_accept_all_goes_in_text_order_and_reports_what_it_skipped(
    client, app, runner, suggested, tmp_path
):
    loc = suggestion_id(app, "Caracas", "LOC")
    response = client.post("/documents/news/suggestions/accept-all", headers=HX)
    assert response.status_code == 200
    # GPE and LOC mark the same Caracas: GPE sorts first and is accepted, LOC conflicts.
    assert "Accepted 4 suggestions; skipped 1 that conflict: LOC [" in response.text
    assert "overlaps GPE" in response.text
    assert 'id="para-0"' in response.text and 'id="para-1"' in response.text
    trigger = json.loads(response.headers["HX-Trigger-After-Settle"])
    assert set(trigger["suggestion-changed"]["decided"]) == suggestion_ids(app, "accepted")
    assert pending_on_page(client) == ["LOC Caracas"]
    assert status_of(app, loc) == "pending"
    expected = [
        ("PERSON", "Nicolás Maduro"),
        ("GPE", "Caracas"),
        ("ORG", "European Union"),
        ("GPE", "Caracas"),
    ]
    assert api_spans(client) == expected
    assert exported_spans(runner, tmp_path) == [("alice", *span) for span in expected]


def test_accept_all_with_nothing_pending_and_on_a_missing_document(client, app, suggested):
    client.post("/documents/news/suggestions/accept-all", headers=HX)
    client.post(f"/suggestions/{suggestion_id(app, 'Caracas', 'LOC')}/reject", headers=HX)
    again = client.post("/documents/news/suggestions/accept-all", headers=HX)
    assert again.status_code == 200 and "No pending suggestions to accept." in again.text
    assert 'id="suggestion-list" class="suggestion-list" hx-swap-oob="true" hidden' in again.text
    missing = client.post("/documents/nope/suggestions/accept-all", headers=HX)
    assert missing.status_code == 404 and "document &#39;nope&#39; does not exist" in missing.text


def test_suggestions_are_shared_and_the_accepting_annotator_owns_the_span(
    client, app, app_config, suggested
):
    bob = create_app(app_config | {"ANNOTATOR_USER": "bob"}).test_client()
    assert len(pending_on_page(bob)) == 5
    accept(client, suggestion_id(app, "Nicolás Maduro", "PERSON"))
    assert "PERSON Nicolás Maduro" not in pending_on_page(bob)
    assert api_spans(bob) == []
    assert api_spans(client) == [("PERSON", "Nicolás Maduro")]


def test_a_discontinuous_suggestion_is_drawn_in_pieces_but_not_accepted(client, app):
    first, second = at("Nicolás"), at("Caracas")
    document = DocumentRecord(
        text=TEXT,
        id="news",
        suggestions=[Annotation(first[0], second[1], "PERSON", fragments=(first, second))],
    )
    options = ImportOptions(annotator_name="alice", source="model-y")
    import_documents(engine_of(app), [document], options, name="brat")
    page = client.get("/documents/news").text
    assert page.count("has-suggestion s-1 sg-start sg-end") == 2  # two pieces, one gap
    [suggestion] = suggestion_ids(app)
    refused = accept(client, suggestion)
    assert refused.status_code == 422 and "is discontinuous (2 pieces)" in refused.text
    assert status_of(app, suggestion) == "pending"


def test_without_htmx_a_decision_redirects_to_the_page(client, app, suggested):
    response = client.post(f"/suggestions/{suggestion_id(app, 'Caracas', 'GPE')}/reject")
    assert response.status_code == 302 and response.location.endswith("/documents/news")


def test_a_span_change_keeps_suggestions_drawn_in_its_paragraphs(client, app, suggested):
    assert at("Nicolás Maduro") == (0, 14)  # the same in browser units: nothing before it
    response = client.post(
        "/documents/news/spans", data={"start": 0, "end": 14, "label": "CLAIM"}, headers=HX
    )
    assert response.status_code == 200
    assert "has-span l-11 has-suggestion s-1" in response.text
    assert "suggestion-list" not in response.text  # the list did not change


def test_a_long_list_shows_its_first_suggestions_and_fetches_the_rest(app_config, suggested, app):
    short = create_app(app_config | {"SPAN_LIST_LIMIT": 2}).test_client()
    page = short.get("/documents/news").text
    assert page.count('<li class="suggestion-item') == 2 and "Showing the first 2 of 5" in page
    full = short.get("/documents/news/suggestions", headers=HX).text
    assert full.count('<li class="suggestion-item') == 5


# --- annotator suggest ---------------------------------------------------------------------


def suggest(runner, *args):
    return runner.invoke(main, ["suggest", *args], catch_exceptions=False)


def write_patterns(path: Path, *records) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    return path


def test_suggest_from_spacy_patterns_over_every_document(app, client, runner, tmp_path):
    patterns = write_patterns(
        tmp_path / "ruler.jsonl",
        {"label": "GPE", "pattern": "Venezuela"},
        {"label": "PERSON", "pattern": [{"LOWER": "nicolas"}, {"LOWER": "maduro"}]},
        {"label": "PERSON", "pattern": [{"LOWER": "nicolás"}, {"LOWER": "maduro"}]},
    )
    result = suggest(runner, "--patterns", str(patterns))
    assert result.exit_code == 0, result.output
    counts = re.search(
        r"3 patterns, 3 documents: (\d+) suggestions added, 0 already there", result.output
    )
    assert counts and "(source 'patterns:ruler.jsonl')" in result.output
    added = int(counts.group(1))
    assert "GPE " in result.output and "PERSON " in result.output
    again = suggest(runner, "--patterns", str(patterns))
    assert f"0 suggestions added, {added} already there" in again.output

    page = client.get(f"/documents/{SEED}").text
    texts = ITEM.findall(page)
    assert ("PERSON", "Nicolás Maduro") in texts and ("GPE", "Venezuela") in texts
    assert all(text != "Venezuelans" for _, text in texts)  # whole words only
    assert client.get(f"/api/documents/{SEED}").json["spans"] == []


def test_suggest_from_a_dictionary_for_some_documents_with_a_source(app, client, runner, tmp_path):
    words = tmp_path / "places.tsv"
    words.write_text("GPE\tvenezuela\nORG\tOPEC\n")
    result = suggest(
        runner,
        "--patterns", str(words),
        "--source", "gazetteer",
        "--document", SEED,
        "--document", SEED,  # named twice: searched once
        "--phrase-matcher-attr", "lower",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 patterns, 1 documents:" in result.output and "(source 'gazetteer')" in result.output
    with Session(engine_of(app)) as session:
        rows = session.execute(
            select(Suggestion.document_id, Suggestion.source, Suggestion.text)
        ).all()
    assert {row.document_id for row in rows} == {SEED}
    assert {row.source for row in rows} == {"gazetteer"}
    assert {row.text for row in rows} == {"Venezuela", "OPEC"}


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (
            '{"label": "SPORT", "pattern": "football"}\n{"label": "GPE", "pattern": "Venezuela"}\n'
            '{"label": "SPORT", "pattern": "tennis"}\n{"label": "AWARD", "pattern": "Nobel"}\n',
            [],
            "ruler.jsonl: labels the schema lacks: AWARD (line 4), SPORT (lines 1, 3)",
        ),
        (
            '{"label": "GPE", "pattern": "Venezuela"}\n{"label": "GPE"\n',
            [],
            "ruler.jsonl:2: not JSON",
        ),
        (
            '{"label": "GPE", "pattern": [{"POS": "PROPN"}]}\n',
            [],
            "ruler.jsonl:1: token 1: unknown attribute 'POS'",
        ),
        (
            '{"label": "GPE", "pattern": "Venezuela"}\n',
            ["--document", "nope"],
            "no such document: nope",
        ),
    ],
    ids=["unknown-labels", "bad-json", "bad-token", "unknown-document"],
)
def test_suggest_refuses_and_adds_nothing(app, runner, tmp_path, content, args, message):
    path = tmp_path / "ruler.jsonl"
    path.write_text(content)
    result = suggest(runner, "--patterns", str(path), *args)
    assert result.exit_code == 1
    assert message in result.output
    with Session(engine_of(app)) as session:
        assert session.execute(select(Suggestion)).first() is None
