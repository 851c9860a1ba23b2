"""Label names are data: one rule on every path that makes a label, and no name is ever written
raw into the page's CSS or an attribute."""

import io
import json

import pytest
from sqlalchemy import insert
from sqlalchemy import select
from sqlmodel import Session

from annotator.cli.main import main
from annotator.db.session import engine_of
from annotator.models.annotations import Span
from annotator.models.base import utc_now
from annotator.models.people import Annotator
from annotator.models.project import Label
from annotator.models.project import Layer
from tests.conftest import add_document

HOSTILE = [
    "X{}</style><script>alert(1)</script><style>",
    'Y" onmouseover="alert(1)',
    "a b",
    "Ü" * 3,
    "L" * 65,
]


def _labels(app) -> list[str]:
    with Session(engine_of(app)) as session:
        return list(session.execute(select(Label.name)).scalars())


def _jsonl(label: str) -> bytes:
    record = {"text": "Acme hired Zed.", "spans": [{"start": 0, "end": 4, "label": label}]}
    return (json.dumps(record) + "\n").encode()


@pytest.mark.parametrize("name", HOSTILE)
def test_the_cli_import_refuses_a_label_name_outside_the_rule(app, runner, tmp_path, name):
    before = _labels(app)
    path = tmp_path / "labels.jsonl"
    path.write_bytes(_jsonl(name))
    result = runner.invoke(main, ["import", "--add-labels", str(path)])
    assert result.exit_code != 0
    assert "is not allowed: use a letter, then up to 63 letters" in result.output
    assert _labels(app) == before
    assert "<script>" not in result.output or name.startswith("X")  # only the name, quoted


@pytest.mark.parametrize("name", HOSTILE[:2])
def test_the_web_import_refuses_it_too(app, client, name):
    before = _labels(app)
    data = {"add_labels": "1", "files": [(io.BytesIO(_jsonl(name)), "labels.jsonl")]}
    answer = client.post(
        "/import", data=data, headers={"HX-Request": "true"}, content_type="multipart/form-data"
    )
    assert answer.status_code == 422
    assert "is not allowed" in answer.text
    assert "<script>alert(1)" not in answer.text and 'onmouseover="' not in answer.text
    assert _labels(app) == before


def test_a_label_with_a_mixed_case_name_can_be_added(app, runner, tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_bytes(_jsonl("Gene_or_gene-product"))
    result = runner.invoke(main, ["import", "--add-labels", str(path)])
    assert result.exit_code == 0, result.output
    assert "Gene_or_gene-product" in _labels(app)


def test_a_hostile_name_already_stored_never_reaches_markup_or_css(app, client):
    """A database written before the rule (or by hand) may hold any name: pages escape it and
    key label CSS by id."""
    add_document(app, "Acme hired Zed.", "acme")
    name = 'X</style><script>alert(1)</script>" onmouseover="alert(2)'  # 53 < 64
    client.get("/")  # alice, the app's annotator, exists
    with Session(engine_of(app)) as session:
        alice = session.execute(select(Annotator.id).where(Annotator.name == "alice")).scalar()
        layer_id = session.execute(select(Layer.id).where(Layer.name == "entity")).scalar()
        label_id = session.execute(
            insert(Label).values(
                name=name, layer_id=layer_id, color="red;}</style>", hotkey="z", position=99
            )
        ).inserted_primary_key[0]
        session.execute(
            insert(Span).values(
                document_id="acme",
                annotator_id=alice,
                label_id=label_id,
                start=0,
                end=4,
                text="Acme",
                created_at=utc_now(),
                updated_at=utc_now(),
            )
        )
        session.commit()
    page = client.get("/documents/acme").text
    css = client.get("/labels.css").text
    for markup in (page, css):
        assert "<script>alert(1)" not in markup
        assert 'onmouseover="alert(2)' not in markup
    assert "</style>" not in css and "X<" not in css
    assert f".l-{label_id}{{--c0:#cccccc}}" in css  # a colour outside #rrggbb is drawn grey
