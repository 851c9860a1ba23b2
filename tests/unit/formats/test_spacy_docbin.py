"""spaCy DocBin files (annotator.formats.spacy_docbin)."""

import json
import random
import sys
from pathlib import Path

import pytest

from annotator.formats import conll
from annotator.formats import spacy_docbin
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from tests.unit.formats.test_conll import CONLL
from tests.unit.formats.test_conll import SAMPLES
from tests.unit.formats.test_conll import SNIFF_KINDS
from tests.unit.formats.test_conll import SPACY
from tests.unit.formats.test_conll import generated
from tests.unit.formats.test_conll import make
from tests.unit.formats.test_conll import sniff_files


def layered(document: DocumentRecord) -> list[tuple[int, int, str, str]]:
    """The document's spans as sorted (start, end, label, layer), no layer being "entity"."""
    return sorted((s.start, s.end, s.label, s.layer or "entity") for s in document.spans)


def round_trip(tmp_path: Path, documents: list[DocumentRecord]) -> list[DocumentRecord]:
    """documents written to a DocBin and read back."""
    return spacy_docbin.read(spacy_docbin.write(documents, tmp_path / "out.spacy")[0])


def test_demo_reads_the_same_spans_as_its_prodigy_jsonl():
    (document,) = spacy_docbin.read(SPACY / "demo.spacy")
    task = json.loads((SPACY / "demo.jsonl").read_text(encoding="utf-8"))
    assert document.text == task["text"]
    assert document.id == "demo"
    expected = sorted((s["start"], s["end"], s["label"]) for s in task["spans"])
    assert sorted((s.start, s.end, s.label) for s in document.spans) == expected
    assert [document.text[s.start : s.end] for s in document.spans] == ["Ed Sheeran"]
    assert document.spans[0].layer == "entity"


def _with_layers() -> list[DocumentRecord]:
    """Generated documents plus spans in other layers, nested, overlapping, across lines and
    on whitespace."""
    text = "First line by Acme Corp.\r\n\r\nSecond  line in  New York.\r\n"
    extra = [
        make("layers", text, ("Acme Corp", "ORG"), ("Corp.\r\n\r\nSecond", "CLAIM", "claim"),
             ("line in  New York", "CLAIM", "claim"), ("New York", "GPE"), ("New", "GPE"),
             ("  line", "STANCE", "stance"), ("Acme Corp.\r\n", "X", "stance")),
        make("edges", "Ed Sheeran  sings\n", ("Ed ", "PER"), (" Sheeran", "PER", "x"),
             ("  ", "WS", "y"), ("sings\n", "V", "y")),
        DocumentRecord(text="", id="empty"),
        DocumentRecord(text=" \r\n ", id="blank", spans=[Annotation(1, 3, "NL")]),
    ]  # fmt: skip
    return generated() + extra


@pytest.mark.parametrize("source", ["conll-samples", "generated"], ids=["samples", "generated"])
def test_round_trip_is_byte_exact(tmp_path, source):
    if source == "conll-samples":
        documents = [d for name in SAMPLES for d in conll.read(CONLL / name)]
        documents += spacy_docbin.read(SPACY / "demo.spacy")
    else:
        documents = _with_layers()
    back = round_trip(tmp_path, documents)
    assert [(d.id, d.title) for d in back] == [(d.id, d.title) for d in documents]
    for original, read in zip(documents, back, strict=True):
        assert read.text.encode("utf-8") == original.text.encode("utf-8")
        assert layered(read) == layered(original)


def test_docs_hold_spans_groups_and_non_overlapping_ents(tmp_path):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    out = spacy_docbin.write(_with_layers(), tmp_path / "out.spacy")[0]
    docs = {d.user_data["annotator.id"]: d for d in DocBin().from_disk(out).get_docs(Vocab())}
    doc = docs["layers"]
    assert sorted(doc.spans) == ["claim", "entity", "stance"]
    assert [(e.text, e.label_) for e in doc.ents] == [("Acme Corp", "ORG"), ("New York", "GPE")]
    assert len(doc.spans["entity"]) == 3
    assert [t.text for t in docs["edges"]] == ["Ed", " ", "Sheeran", "  ", "sings", "\n"]
    assert docs["crlf"].text == "First line by Acme Corp.\r\n\r\nSecond  line in  New York.\r\n"


@pytest.mark.parametrize("seed", range(5), ids=[f"seed{n}" for n in range(5)])
def test_random_texts_and_spans_align_exactly(tmp_path, seed):
    pieces = ["a", "bc", " ", "  ", "\n", "\r\n", "\t", "😀", "👩‍👩‍👧", "🇻🇪", "e\u0301", ".", "-"]
    generator = random.Random(seed)
    documents = []
    for number in range(40):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(1, 25)))
        spans = []
        for _ in range(generator.randint(0, 6)):
            start = generator.randrange(len(text))
            end = generator.randint(start + 1, len(text))
            layer = generator.choice([None, "entity", "claim"])
            spans.append(Annotation(start, end, generator.choice("AB"), layer=layer))
        documents.append(DocumentRecord(text=text, id=f"r{number}", spans=spans))
    back = round_trip(tmp_path, documents)
    for original, read in zip(documents, back, strict=True):
        assert read.text == original.text
        assert layered(read) == sorted(set(layered(original)))


def test_words_and_spaces_follow_spacy_whitespace():
    words, spaces = spacy_docbin.words_and_spaces("  Hi there\r\n  you ", [])
    assert words == ["  ", "Hi", "there", "\r\n  ", "you"]
    assert spaces == [False, True, False, False, True]


def test_missing_spacy_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy.tokens", None)
    with pytest.raises(
        RuntimeError, match=r"spaCy is not installed: pip install annotator\[spacy\]"
    ):
        spacy_docbin.read(SPACY / "demo.spacy")
    with pytest.raises(RuntimeError, match="spaCy is not installed"):
        spacy_docbin.write(generated(), tmp_path / "out.spacy")
    assert spacy_docbin.sniff(SPACY / "demo.spacy")  # sniffing needs no spaCy


@pytest.mark.parametrize(
    "content",
    [b"not a docbin", b"x\x9c\x00garbage", (CONLL / SAMPLES[0]).read_bytes()],
    ids=["text", "bad-zlib", "conll"],
)
def test_not_a_docbin_is_refused_naming_the_file(tmp_path, content):
    path = tmp_path / "bad.spacy"
    path.write_bytes(content)
    with pytest.raises(FormatError, match="not a spaCy DocBin") as caught:
        spacy_docbin.read(path)
    assert caught.value.path == str(path)


def test_span_out_of_range_is_refused(tmp_path):
    document = DocumentRecord(text="abc", id="d", spans=[Annotation(1, 9, "X")])
    with pytest.raises(FormatError, match=r"d: span X \[1, 9\) is out of range"):
        spacy_docbin.write([document], tmp_path / "out.spacy")


@pytest.fixture(scope="module")
def sniffed(tmp_path_factory) -> dict[str, Path]:
    """The SNIFF_KINDS files, made once per test module."""
    return sniff_files(tmp_path_factory.mktemp("sniff"))


@pytest.mark.parametrize("case", list(SNIFF_KINDS), ids=list(SNIFF_KINDS))
def test_sniff(sniffed, case):
    assert spacy_docbin.sniff(sniffed[case]) is (SNIFF_KINDS[case] == spacy_docbin.NAME)
