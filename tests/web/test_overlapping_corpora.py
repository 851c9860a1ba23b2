"""Real brat corpora nest entities (a protein inside an organism name) and repeat a span under
two ids. The refusal says how to bring such a corpus in, and a repeated span is kept once and
said, never lost without a word."""

from annotator.cli.main import main
from tests.web.test_cli import run

TEXT = "Human insulin receptor binds insulin.\n"
ANN = (
    "T1\tOrganism 0 22\tHuman insulin receptor\n"
    "T2\tProtein 6 13\tinsulin\n"
    "T3\tProtein 29 36\tinsulin\n"
    "T4\tProtein 29 36\tinsulin\n"
)


def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "doc.txt").write_text(TEXT)
    (folder / "doc.ann").write_text(ANN)
    return folder


def test_nested_entities_are_refused_with_the_way_out(runner, app, client, tmp_path):
    result = runner.invoke(main, ["import", "--add-labels", str(corpus(tmp_path))])
    assert result.exit_code == 1
    assert "Protein [6, 13) overlaps Organism [0, 22)" in result.output
    assert "set allow_overlap = true under the entity layer" in result.output
    assert "annotator schema load schema.toml" in result.output
    assert client.get("/api/documents").json["total"] == 3  # the seeds only


def test_after_allowing_overlap_the_corpus_comes_in_and_repeats_are_said(
    runner, app, client, tmp_path
):
    schema = run(runner, "schema", "show").output
    entity, rest = schema.split("allow_overlap = false", 1)
    loosened = tmp_path / "schema.toml"
    loosened.write_text(entity + "allow_overlap = true" + rest)
    assert (
        "entity layer: overlapping spans now allowed"
        in run(runner, "schema", "load", str(loosened)).output
    )
    result = runner.invoke(main, ["import", "--add-labels", str(corpus(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "1 span(s) with the same label and offsets as another kept once (T4 = T3)" in (
        result.output
    )
    spans = client.get("/api/documents/doc").json["spans"]
    assert [(s["start"], s["end"], s["label"]) for s in spans] == [
        (0, 22, "Organism"),
        (6, 13, "Protein"),
        (29, 36, "Protein"),
    ]
