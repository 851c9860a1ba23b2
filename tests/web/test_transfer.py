"""The web import and export pages: the same choices as the CLI, errors shown beside the form."""

import io
import json
import zipfile

from tests.conftest import SEEDS

HX = {"HX-Request": "true"}
PAYWALLED = (
    "Maduro spoke in Caracas.\nREAD MORE: Another story\nGuaidó answered.\n"
    + "More text.\n" * 6
    + "You’ve reached your limit of {{free_limit}} free articles this month.\nSubscribe now\n"
)


def upload(client, files, **form):
    data = {key: value for key, value in form.items()}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/import", data=data, headers=HX, content_type="multipart/form-data")


def test_pages_render_and_link_from_the_list(client):
    listing = client.get("/").text
    assert 'href="/import"' in listing and 'href="/export"' in listing
    assert 'name="files"' in client.get("/import").text
    assert '<option value="brat"' in client.get("/export").text


def test_raw_text_loses_boilerplate_and_the_page_says_which(client):
    response = upload(client, [("paywalled.txt", PAYWALLED.encode())])
    assert response.status_code == 200
    assert "READ MORE: Another story" in response.text  # listed as dropped
    assert "kept out of the text as boilerplate (3 lines)" in response.text
    document = client.get("/api/documents/paywalled").json
    assert "READ MORE" not in document["text"] and "free_limit" not in document["text"]
    assert document["meta"]["boilerplate"]["original_text"] == PAYWALLED
    page = client.get("/documents/paywalled").text
    assert "{{free_limit}}" in page  # shown, escaped, in the removed passages


def test_keep_boilerplate(client):
    upload(client, [("paywalled.txt", PAYWALLED.encode())], keep_boilerplate="1")
    assert client.get("/api/documents/paywalled").json["text"] == PAYWALLED


def test_unknown_labels_are_named_then_added_on_request(client):
    line = {"text": "Acme hired Zed.", "spans": [{"start": 0, "end": 4, "label": "COMPANY"}]}
    content = (json.dumps(line) + "\n").encode()
    refused = upload(client, [("labels.jsonl", content)])
    assert refused.status_code == 422
    assert "labels the schema lacks: COMPANY (1); add them with --add-labels" in refused.text
    assert client.get("/api/documents").json["total"] == 3
    added = upload(client, [("labels.jsonl", content)], add_labels="1")
    assert "labels added to the schema: COMPANY" in added.text
    assert 'data-label="COMPANY"' in client.get("/documents/doc-" + _id_of(client)).text


def _id_of(client):
    rows = client.get("/api/documents?q=Acme").json["documents"]
    return rows[0]["id"].removeprefix("doc-")


def test_brat_events_are_refused_by_line_unless_skipped(client):
    folder = SEEDS.parent / "tests" / "fixtures" / "brat" / "brat_tutorial_news"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    refused = upload(client, [("news.zip", buffer.getvalue())], add_labels="1")
    assert refused.status_code == 422
    assert "cannot be represented" in refused.text and "news.zip" in refused.text
    assert "Tick “keep what cannot be represented”" in refused.text
    kept = upload(client, [("news.zip", buffer.getvalue())], add_labels="1", skip_unsupported="1")
    assert kept.status_code == 200
    assert "kept in metadata, not as annotations:" in kept.text


def test_a_refused_upload_does_not_hide_what_the_others_added(client):
    bad = b'{"text": "x", "spans": [{"start": 0, "end": 9, "label": "ORG"}]}\n'
    files = [
        ("lisbon.txt", b"A first article about Lisbon."),
        ("b.jsonl", bad),
        ("porto.txt", b"A third article about Porto."),
    ]
    response = upload(client, files)
    assert response.status_code == 422
    assert "Refused (nothing of these files was imported)" in response.text
    assert "b.jsonl" in response.text and "past the end of the text" in response.text
    assert "lisbon.txt" in response.text and "porto.txt" in response.text
    titles = [row["title"] for row in client.get("/api/documents").json["documents"]]
    assert "A first article about Lisbon." in titles and "A third article about Porto." in titles


def test_export_zip_with_split_and_manifest(client):
    client.post(
        "/api/documents/000_51c87e8e1bb75467/spans", json={"start": 46, "end": 55, "label": "GPE"}
    )
    form = {"format": "conll", "split": "train=0.67,test=0.33", "seed": "4", "overlap": "fail"}
    with client.post("/export", data=form) as response:
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert any(name.endswith(".train.conll") for name in names)
    assert any(name.endswith(".test.conll") for name in names)
    manifest = json.loads(next(archive.read(n) for n in names if n.endswith("manifest.json")))
    assert manifest["format"] == "conll" and manifest["seed"] == 4
    assert sum(c["documents"] for c in manifest["counts"].values()) == 3
    assert "Venezuela" in "".join(archive.read(n).decode() for n in names if n.endswith(".conll"))


def test_the_manifest_records_the_choices_not_the_csrf_token(client):
    form = {"format": "jsonl", "seed": "2", "csrf_token": "secret-token-value"}
    with client.post("/export", data=form) as response:
        archive = zipfile.ZipFile(io.BytesIO(response.data))
    name = next(n for n in archive.namelist() if n.endswith("manifest.json"))
    command = json.loads(archive.read(name))["command"]
    assert command == "web export: format=jsonl, seed=2"


def test_export_refuses_a_bad_choice(client):
    response = client.post("/export", data={"format": "pdf"}, headers=HX)
    assert response.status_code == 422 and "unknown export format" in response.text
    response = client.post("/export", data={"format": "jsonl", "split": "train=2"}, headers=HX)
    assert response.status_code == 422 and "add up to 2, not 1" in response.text
