"""spaCy DocBin files (annotator.formats.spacy_docbin)."""

import json
import random
import sys
from pathlib import Path

import pytest

from annotator.formats import conll
from annotator.formats import spacy_docbin
from annotator.formats import spacy_words
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
    return list(spacy_docbin.read(spacy_docbin.write(documents, tmp_path / "out.spacy")[0]))


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
    words, spaces = spacy_words.words_and_spaces("  Hi there\r\n  you ", [])
    assert words == ["  ", "Hi", "there", "\r\n  ", "you"]
    assert spaces == [False, True, False, False, True]


def test_missing_spacy_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy.tokens", None)
    with pytest.raises(RuntimeError, match=r"spaCy is not installed: pip install -e '\.\[spacy\]'"):
        list(spacy_docbin.read(SPACY / "demo.spacy"))
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
        list(spacy_docbin.read(path))
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


def _one_by_one(text: str, spans: list[Annotation]) -> tuple[list[str], list[bool]]:
    """words_and_spaces the obvious way, token by token: the tokens with every span offset as
    a boundary; between them, the first space of a gap is the previous word's trailing space
    unless a span starts on it or ends right after it, the rest whitespace words cut at span
    offsets."""
    from annotator.text.tokens import tokenize

    cuts = sorted({offset for span in spans for offset in (span.start, span.end)})
    starts = {span.start for span in spans}
    ends = {span.end for span in spans}
    words: list[str] = []
    spaces: list[bool] = []

    def gap(start: int, end: int) -> None:
        if start < end and words and text[start] == " " and start not in starts:
            if start + 1 not in ends:
                spaces[-1] = True
                start += 1
        edges = [start, *(cut for cut in cuts if start < cut < end), end]
        for a, b in zip(edges, edges[1:], strict=False):
            if a < b:
                words.append(text[a:b])
                spaces.append(False)

    position = 0
    for token in tokenize(text, cuts):
        gap(position, token.start)
        words.append(text[token.start : token.end])
        spaces.append(False)
        position = token.end
    gap(position, len(text))
    return words, spaces


def test_words_and_spaces_equal_the_token_by_token_construction():
    rng = random.Random(3)
    pieces = ["a", "bc", " ", "  ", "\n", "\r\n", ".", "🙂", "e\u0301", "\u00a0", "🇫🇷"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        spans = []
        for _ in range(rng.randint(0, 3) if text else 0):
            start = rng.randrange(len(text))
            spans.append(Annotation(start, rng.randint(start + 1, len(text)), "X"))
        assert spacy_words.words_and_spaces(text, spans) == _one_by_one(text, spans), text


def test_many_documents_become_a_folder_of_files_that_read_back(tmp_path):
    documents = [make(f"d{i}", f"Doc {i} by Acme.", ("Acme", "ORG")) for i in range(7)]
    out = tmp_path / "all.spacy"
    assert spacy_docbin.write(iter(documents), out, docs_per_file=3) == [out]
    assert sorted(p.name for p in out.iterdir()) == [
        "all-00001.spacy", "all-00002.spacy", "all-00003.spacy"
    ]  # fmt: skip
    back = [d for path in sorted(out.iterdir()) for d in spacy_docbin.read(path)]
    assert [(d.id, d.text, layered(d)) for d in back] == [
        (d.id, d.text, layered(d)) for d in documents
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export-")]


def test_few_documents_stay_one_file_and_replace_an_old_folder(tmp_path):
    out = tmp_path / "all.spacy"
    out.mkdir()
    (out / "stale-00009.spacy").write_bytes(b"old")
    spacy_docbin.write([make("d", "Acme", ("Acme", "ORG"))], out, docs_per_file=3)
    assert out.is_file()
    assert [d.id for d in spacy_docbin.read(out)] == ["d"]


def test_a_failing_stream_leaves_the_old_output(tmp_path):
    out = tmp_path / "all.spacy"
    spacy_docbin.write([make("old", "Acme", ("Acme", "ORG"))], out)
    before = out.read_bytes()

    def documents():
        for i in range(5):
            yield make(f"d{i}", "Acme", ("Acme", "ORG"))
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        spacy_docbin.write(documents(), out, docs_per_file=2)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["all.spacy"]


def test_add_doc_saves_the_bytes_docbin_add_saves(tmp_path):
    from spacy.tokens import Doc
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    ours = DocBin(attrs=spacy_docbin.ATTRS, store_user_data=True)
    theirs = DocBin(attrs=spacy_docbin.ATTRS, store_user_data=True)
    vocab = Vocab()
    for index, document in enumerate(_with_layers()):
        doc, words = spacy_docbin._doc(Doc, vocab, tmp_path, str(index), document)
        spacy_docbin.add_doc(ours, doc, words)
        theirs.add(doc)
    assert ours.to_bytes() == theirs.to_bytes()


@pytest.mark.parametrize("bad", [0, -1, False, "2"])
def test_docs_per_file_must_be_a_positive_integer(tmp_path, bad):
    with pytest.raises(ValueError, match="docs_per_file must be a positive integer"):
        spacy_docbin.write([], tmp_path / "out.spacy", docs_per_file=bad)
