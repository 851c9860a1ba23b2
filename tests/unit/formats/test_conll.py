"""CoNLL-2003 / IOB reading and writing (annotator.formats.conll).

Also holds the generated documents and file helpers that the hf and spaCy tests share.
"""

from pathlib import Path

import pytest

from annotator.formats import conll
from annotator.formats import overlaps
from annotator.formats.conll_writing import DOCSTART
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CONLL = FIXTURES / "conll"
SPACY = FIXTURES / "spacy"
SAMPLES = [
    "ner-token-per-line.iob",
    "ner-token-per-line-with-pos.iob",
    "ner-token-per-line-conll2003.iob",
    "ner-sent-per-line.iob",
]
SAMPLE_SPANS = [
    ("Sebastian Thrun", "PERSON"),
    ("Google", "ORG"),
    ("2007", "DATE"),
    ("American", "NORP"),
    ("Thrun", "PERSON"),
    ("Recode", "ORG"),
    ("earlier this week", "DATE"),
]
NATIVE_LINE = (
    '{"id":"a","text":"x","spans":[{"start":0,"end":1,"label":"ORG","layer":"entity","text":"x"}]}'
)


def make(doc_id: str, text: str, *marks: tuple, title: str | None = None) -> DocumentRecord:
    """A document with spans on the first occurrence of each (substring, label[, layer])."""
    spans = []
    for mark in marks:
        start = text.index(mark[0])
        layer = mark[2] if len(mark) > 2 else None
        spans.append(Annotation(start, start + len(mark[0]), mark[1], layer=layer))
    return DocumentRecord(text=text, id=doc_id, title=title, spans=spans)


def generated() -> list[DocumentRecord]:
    """Documents with astral characters, ZWJ sequences, flags, combining marks and CRLF."""
    return [
        make("emoji", "Grinning 😀 at Caracas 🇻🇪 today.", ("😀", "EMO"), ("Caracas", "GPE"),
             ("🇻🇪", "FLAG")),
        make("zwj", "The family 👩‍👩‍👧 visited Ann Arbor.", ("👩‍👩‍👧", "FAM"),
             ("Ann Arbor", "GPE")),
        make("accent", "Le cafe\u0301 de Jose\u0301 Marti\u0301 ouvre.", ("cafe\u0301", "ORG"),
             ("Jose\u0301 Marti\u0301", "PER"), title="Café"),
        make("crlf", "First line by Acme Corp.\r\n\r\nSecond  line in  New York.\r\n",
             ("Acme Corp", "ORG"), ("New York", "GPE")),
        make("spaces", "\t  Indented text by Ann  Lee (U.S.-led)  \n", ("Ann  Lee", "PER"),
             ("U.S.", "GPE")),
    ]  # fmt: skip


def key(document: DocumentRecord) -> list[tuple[int, int, str]]:
    """The document's spans as sorted (start, end, label)."""
    return sorted((span.start, span.end, span.label) for span in document.spans)


def token_texts(document: DocumentRecord) -> list[tuple[str, str]]:
    """Span texts without whitespace, and labels, in order: what token formats keep."""
    spans = sorted(document.spans, key=lambda s: (s.start, s.end, s.label))
    return [("".join(document.text[s.start : s.end].split()), s.label) for s in spans]


def squeezed(text: str) -> str:
    """text without any whitespace."""
    return "".join(text.split())


SNIFF_KINDS = {
    **{name: "conll" for name in SAMPLES},
    "doccano-example": "conll",
    "doccano-trailing": "conll",
    "doccano-malformed-line": "conll",  # recognised, so reading it names the bad line
    "written-conll": "conll",
    "written-hf": "hf",
    "hf-labels-file": "other",
    "written-spacy": "spacy",
    "demo.spacy": "spacy",
    "prodigy-demo.jsonl": "other",
    "native-jsonl": "other",
    "plain-text": "other",
    "not-utf8": "other",
    "empty": "other",
}


def sniff_files(tmp_path: Path) -> dict[str, Path]:
    """A file for each case of SNIFF_KINDS."""
    from annotator.formats import hf
    from annotator.formats import spacy_docbin

    hf_out = hf.write(generated(), tmp_path / "rows.jsonl")[0]
    files = {name: CONLL / name for name in SAMPLES}
    files["doccano-example"] = CONLL / "doccano" / "example.conll"
    files["doccano-trailing"] = CONLL / "doccano" / "labeling.trailing.conll"
    files["doccano-malformed-line"] = CONLL / "doccano" / "labeling.invalid.conll"
    files["written-conll"] = conll.write(generated(), tmp_path / "out.conll")[0]
    files["written-hf"] = hf_out
    files["hf-labels-file"] = hf.labels_path(hf_out)
    files["written-spacy"] = spacy_docbin.write(generated(), tmp_path / "docs.spacy")[0]
    files["demo.spacy"] = SPACY / "demo.spacy"
    files["prodigy-demo.jsonl"] = SPACY / "demo.jsonl"
    files["native-jsonl"] = write_text(tmp_path, NATIVE_LINE + "\n", "native.jsonl")
    files["plain-text"] = write_text(tmp_path, "Sony bought a studio.\nBig news.\n", "plain.txt")
    files["not-utf8"] = tmp_path / "latin1.iob"
    files["not-utf8"].write_bytes("café\tO\n".encode("latin-1"))
    files["empty"] = write_text(tmp_path, "", "empty.conll")
    return files


@pytest.fixture(scope="module")
def sniffed(tmp_path_factory) -> dict[str, Path]:
    """The SNIFF_KINDS files, made once per test module."""
    return sniff_files(tmp_path_factory.mktemp("sniff"))


def write_text(tmp_path: Path, text: str, name: str = "in.conll") -> Path:
    """text written to tmp_path/name as UTF-8, newlines untouched."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


# --- reading the real samples ---------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES, ids=SAMPLES)
def test_sample_reads_with_spans_on_the_right_text(name):
    (document,) = conll.read(CONLL / name)
    assert document.id == Path(name).stem
    assert [(document.text[s.start : s.end], s.label) for s in document.spans] == SAMPLE_SPANS
    assert document.text.replace("\n", " ").startswith("When Sebastian Thrun started working")
    assert len(document.text.split()) == 66


@pytest.mark.parametrize(
    ("name", "sentences"),
    [("ner-token-per-line.iob", 1), ("ner-token-per-line-with-pos.iob", 1),
     ("ner-token-per-line-conll2003.iob", 2), ("ner-sent-per-line.iob", 2)],
    ids=["tab", "with-pos", "conll2003", "sent-per-line"],
)  # fmt: skip
def test_sample_sentences_become_lines(name, sentences):
    (document,) = conll.read(CONLL / name)
    assert document.text.count("\n") == sentences - 1


def test_sample_span_refs_name_lines():
    (document,) = conll.read(CONLL / "ner-token-per-line-conll2003.iob")
    assert document.spans[0].ref == "line 4"
    assert document.where.endswith("ner-token-per-line-conll2003.iob:3")


@pytest.mark.parametrize(
    ("name", "text", "spans"),
    [
        ("example.conll", "JAPAN GET\nNadim Ladki", [("JAPAN", "LOC"), ("Nadim Ladki", "PER")]),
        ("labeling.trailing.conll", "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .",
         [("JAPAN", "LOC"), ("CHINA", "PER")]),
    ],
    ids=["example", "trailing-blank-lines"],
)  # fmt: skip
def test_doccano_samples(name, text, spans):
    (document,) = conll.read(CONLL / "doccano" / name)
    assert document.text == text
    assert [(document.text[s.start : s.end], s.label) for s in document.spans] == spans


# --- reading: layouts and schemes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "text", "spans"),
    [
        ("A I-PER\nB I-PER\nC O\nD I-LOC\nE B-LOC\n", "A B C D E",
         [("A B", "PER"), ("D", "LOC"), ("E", "LOC")]),
        ("A\tB-PER\nB\tI-ORG\nC\tI-ORG\n", "A B C", [("A", "PER"), ("B C", "ORG")]),
        ("A\tU-PER\nB\tB-ORG\nC\tI-ORG\nD\tL-ORG\nE\tS-LOC\nF\tB-X\nG\tE-X\n", "A B C D E F G",
         [("A", "PER"), ("B C D", "ORG"), ("E", "LOC"), ("F G", "X")]),
        ("\ufeffA\tB-PER\r\nB\tI-PER\r\n\r\nC\tO\r\n", "A B\nC", [("A B", "PER")]),
        ("A NN B-WORK-OF-ART\nB NN I-WORK-OF-ART\n\n\n\n", "A B", [("A B", "WORK-OF-ART")]),
        ("😀\tB-EMO\n👩‍👩‍👧\tI-EMO\ncafe\u0301\tB-X\n", "😀 👩‍👩‍👧 cafe\u0301",
         [("😀 👩‍👩‍👧", "EMO"), ("cafe\u0301", "X")]),
        ("Hi|UH|O Ann|NNP|B-PER\nBye|O\n", "Hi Ann\nBye", [("Ann", "PER")]),
    ],
    ids=["iob1", "i-after-other-label", "bilou-and-iobes", "bom-crlf", "pos-column-trailing",
         "astral", "sent-per-line"],
)  # fmt: skip
def test_reads_schemes_and_layouts(tmp_path, content, text, spans):
    (document,) = conll.read(write_text(tmp_path, content))
    assert document.text == text
    assert [(document.text[s.start : s.end], s.label) for s in document.spans] == spans
    assert all(span.layer is None for span in document.spans)


def test_docstart_splits_documents(tmp_path):
    content = "-DOCSTART- -X- O O\n\nA\tB-PER\n\n-DOCSTART- -X- O O\n\n-DOCSTART- -X- O O\nB\tO\n"
    documents = conll.read(write_text(tmp_path, content, "news.conll"))
    assert [(d.id, d.text) for d in documents] == [("news-1", "A"), ("news-2", "B")]


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("Hello\tO\nWorld\n", 2, "expected a token and a tag"),
        ("A\tB-PER\nB\tX-PER\n", 2, "invalid tag 'X-PER'"),
        ("A\tB-PER\nB\tO\nC\tU-X\n", 2, "'O' inside an unfinished PER span"),
        ("A\tO\nB\tL-PER\n", 2, "'L-PER' does not continue a PER span"),
        ("A\tB-PER\nB\tI-PER\n\nC\tU-X\n", 2, "PER span not closed at sentence end"),
        ("A\tU-PER\nB\tI-PER\nC\tL-PER\n", 2, "'I-PER' does not continue a PER span"),
        ("A\tB-PER\nB\tE-ORG\n", 2, "'E-ORG' inside an unfinished PER span"),
        ("A|O B|B-PER\nC|O D|X\n", 2, "expected word|TAG or word|POS|TAG, got 'D|X'"),
        ("A B-PER\nB\tB-\n", 2, "invalid tag 'B-'"),
    ],
    ids=["one-column", "bad-prefix", "bilou-unfinished", "bilou-last-alone", "bilou-at-end",
         "bilou-inside-alone", "iobes-other-label", "sent-per-line", "empty-label"],
)  # fmt: skip
def test_invalid_lines_name_the_line(tmp_path, content, line, reason):
    path = write_text(tmp_path, content)
    with pytest.raises(FormatError) as caught:
        list(conll.read(path))
    assert caught.value.line == line
    assert caught.value.path == str(path)
    assert reason in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_doccano_malformed_line(tmp_path):
    path = CONLL / "doccano" / "labeling.invalid.conll"
    with pytest.raises(FormatError) as caught:
        list(conll.read(path))
    assert str(caught.value) == f"{path}:1: invalid tag 'SOCCERO' in 'SOCCERO SOCCERO SOCCERO'"


def test_not_utf8_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "latin1.conll"
    path.write_bytes("café\tO\n".encode("latin-1"))
    with pytest.raises(FormatError, match="not UTF-8") as caught:
        list(conll.read(path))
    assert caught.value.path == str(path)


# --- writing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "tags"),
    [
        ("iob2", ["B-PER", "I-PER", "O", "B-PER", "O", "O"]),
        ("bilou", ["B-PER", "L-PER", "O", "U-PER", "O", "O"]),
    ],
    ids=["iob2", "bilou"],
)
def test_written_layout(tmp_path, scheme, tags):
    document = make("d", "Ann Lee met Bo.\r\nBye", ("Ann Lee", "PER"), ("Bo", "PER"))
    out = conll.write([document], tmp_path / "out.conll", scheme=scheme)
    assert out == [tmp_path / "out.conll"]
    tokens = ["Ann", "Lee", "met", "Bo", ".", "Bye"]
    lines = [f"{token}\t{tag}" for token, tag in zip(tokens, tags, strict=True)]
    expected = [DOCSTART, "", *lines[:5], "", lines[5], "", ""]
    assert out[0].read_bytes().decode("utf-8") == "\n".join(expected)


def test_spans_break_tokens_and_keep_lines_together(tmp_path):
    text = "The U.S.-led talks\nin Geneva ended."
    document = make("d", text, ("U.S.", "GPE"), ("talks\nin Geneva", "EVENT"))
    (back,) = conll.read(conll.write([document], tmp_path / "out.conll")[0])
    assert back.text == "The U . S . - led talks in Geneva ended ."
    assert token_texts(back) == [("U.S.", "GPE"), ("talksinGeneva", "EVENT")]


def test_layer_option_selects_one_layer(tmp_path):
    document = make("d", "Acme says rates rise.", ("Acme", "ORG"), ("rates rise", "CLAIM", "claim"))
    (entity,) = conll.read(conll.write([document], tmp_path / "e.conll")[0])
    (claim,) = conll.read(conll.write([document], tmp_path / "c.conll", layer="claim")[0])
    assert token_texts(entity) == [("Acme", "ORG")]
    assert token_texts(claim) == [("ratesrise", "CLAIM")]


def test_unknown_option_and_bad_scheme(tmp_path):
    with pytest.raises(TypeError, match="colour"):
        conll.write([], tmp_path / "x.conll", colour="red")
    with pytest.raises(ValueError, match="scheme"):
        conll.write([], tmp_path / "x.conll", scheme="iob1")


@pytest.mark.parametrize(
    ("label", "reason"),
    [("BIG ORG", "d: label 'BIG ORG' contains whitespace"),
     ("ORG\n", "d: label 'ORG\\n' contains whitespace"),
     ("", "d: span  [0, 4) 'Acme' has no label")],
    ids=["space", "newline", "empty"],
)  # fmt: skip
def test_unwritable_labels_are_refused(tmp_path, label, reason):
    document = make("d", "Acme rose.", ("Acme", label))
    with pytest.raises(FormatError) as caught:
        conll.write([document], tmp_path / "x.conll")
    assert str(caught.value) == f"{tmp_path / 'x.conll'}: {reason}"
    assert not (tmp_path / "x.conll").exists()


# --- round trips ----------------------------------------------------------------------------


def _sample_documents() -> list[DocumentRecord]:
    """Every CoNLL sample's documents."""
    return [document for name in SAMPLES for document in conll.read(CONLL / name)]


@pytest.mark.parametrize("scheme", ["iob2", "bilou"], ids=["iob2", "bilou"])
@pytest.mark.parametrize("source", ["samples", "generated"], ids=["samples", "generated"])
def test_round_trip_keeps_tokens_and_spans(tmp_path, scheme, source):
    documents = _sample_documents() if source == "samples" else generated()
    out = conll.write(documents, tmp_path / "out.conll", scheme=scheme)[0]
    back = list(conll.read(out))
    assert len(back) == len(documents)
    for original, read in zip(documents, back, strict=True):
        assert squeezed(read.text) == squeezed(original.text)
        assert token_texts(read) == token_texts(original)
        assert all(read.text[s.start : s.end].strip() == read.text[s.start : s.end]
                   for s in read.spans)  # fmt: skip


def test_second_round_trip_is_exact(tmp_path):
    once = list(conll.read(conll.write(generated(), tmp_path / "1.conll")[0]))
    twice = conll.read(conll.write(once, tmp_path / "2.conll", scheme="bilou")[0])
    assert [(d.text, key(d)) for d in twice] == [(d.text, key(d)) for d in once]


# --- overlaps -------------------------------------------------------------------------------


def _overlapping() -> list[DocumentRecord]:
    """One document with a span overlapping two others, one without overlaps."""
    text = "Mayor of New York City Hall staff"
    return [
        make("nyc", text, ("New York City", "GPE"), ("York", "PER"), ("City Hall", "ORG")),
        make("calm", "Nothing overlaps in Oslo.", ("Oslo", "GPE")),
    ]


def test_conflicts_lists_every_pair():
    found = overlaps.conflicts(_overlapping())
    assert [str(conflict) for conflict in found] == [
        "nyc: GPE [9, 22) 'New York City' overlaps PER [13, 17) 'York'",
        "nyc: GPE [9, 22) 'New York City' overlaps ORG [18, 27) 'City Hall'",
    ]
    assert found[0].first == overlaps.SpanRef(9, 22, "GPE", "New York City")


def test_overlap_fail_names_each_conflict(tmp_path):
    out = tmp_path / "out.conll"
    with pytest.raises(FormatError) as caught:
        conll.write(_overlapping(), out, overlap="fail")
    message = str(caught.value)
    assert message.startswith(f"{out}: 2 overlapping span pair(s) in layer 'entity'")
    assert "nyc: GPE [9, 22) 'New York City' overlaps PER [13, 17) 'York'" in message
    assert "nyc: GPE [9, 22) 'New York City' overlaps ORG [18, 27) 'City Hall'" in message
    assert not out.exists()


def test_overlap_longest_keeps_longest_and_reports_dropped(tmp_path):
    documents = _overlapping()
    back = conll.read(conll.write(documents, tmp_path / "out.conll", overlap="longest")[0])
    assert [token_texts(d) for d in back] == [[("NewYorkCity", "GPE")], [("Oslo", "GPE")]]
    assert [str(d) for d in overlaps.dropped(documents)] == [
        "nyc: dropped PER [13, 17) 'York' (overlaps GPE [9, 22) 'New York City')",
        "nyc: dropped ORG [18, 27) 'City Hall' (overlaps GPE [9, 22) 'New York City')",
    ]


@pytest.mark.parametrize(
    ("marks", "kept"),
    [
        ([("bb cc", "X"), ("aa bb", "X")], ("aa bb", "X")),
        ([("aa bb", "B"), ("aa bb", "A")], ("aa bb", "A")),
        ([("aa", "X"), ("aa bb cc", "Y"), ("cc", "Z")], ("aa bb cc", "Y")),
    ],
    ids=["tie-earliest-start", "tie-label", "longest-wins"],
)
def test_longest_tie_rules(tmp_path, marks, kept):
    document = make("d", "aa bb cc", *marks)
    (back,) = conll.read(conll.write([document], tmp_path / "out.conll")[0])
    assert token_texts(back) == [(kept[0].replace(" ", ""), kept[1])]


def test_identical_duplicates_are_not_conflicts():
    document = make("d", "Oslo", ("Oslo", "GPE"), ("Oslo", "GPE"))
    assert overlaps.conflicts([document]) == []


# --- sniff ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(SNIFF_KINDS), ids=list(SNIFF_KINDS))
def test_sniff(sniffed, case):
    assert conll.sniff(sniffed[case]) is (SNIFF_KINDS[case] == conll.NAME)


# --- streaming ------------------------------------------------------------------------------


def test_a_failing_stream_leaves_no_file(tmp_path):
    def documents():
        yield from generated()
        raise RuntimeError("database went away")

    out = tmp_path / "out.conll"
    with pytest.raises(RuntimeError, match="went away"):
        conll.write(documents(), out)
    assert list(tmp_path.iterdir()) == []


def test_reading_yields_documents_before_the_end_of_the_file(tmp_path):
    content = "-DOCSTART-\nA\tB-PER\n-DOCSTART-\nB\tO\n-DOCSTART-\nC\tX-BAD\n"
    documents = conll.read(write_text(tmp_path, content, "news.conll"))
    assert next(documents).id == "news-1"  # held until the next one is known (its name)
    with pytest.raises(FormatError, match="invalid tag 'X-BAD'") as caught:
        next(documents)
    assert caught.value.line == 6


def test_bilou_found_late_refuses_an_earlier_iob_span(tmp_path):
    content = "-DOCSTART-\nA\tB-PER\nB\tI-PER\n-DOCSTART-\nC\tU-ORG\n"
    with pytest.raises(FormatError) as caught:
        list(conll.read(write_text(tmp_path, content)))
    assert (caught.value.line, caught.value.reason) == (3, "PER span not closed at sentence end")


def test_documents_across_read_chunks(tmp_path, monkeypatch):
    from annotator.formats import file_text

    documents = generated()
    out = conll.write(documents, tmp_path / "out.conll")[0]
    whole = list(conll.read(out))
    monkeypatch.setattr(file_text, "CHUNK_BYTES", 7)
    assert [(d.id, d.text, key(d), d.where) for d in conll.read(out)] == [
        (d.id, d.text, key(d), d.where) for d in whole
    ]


def test_own_tokens_are_kept_only_when_ours_differ(tmp_path):
    from annotator.text.tokens import TOKEN_OFFSETS

    (plain,) = conll.read(write_text(tmp_path, "Ann\tB-PER\nsaw\tO\n", "a.conll"))
    (odd,) = conll.read(write_text(tmp_path, "do\tO\nn't\tO\nU.S.\tB-GPE\n", "b.conll"))
    assert TOKEN_OFFSETS not in plain.meta
    assert odd.meta[TOKEN_OFFSETS] == [[0, 2], [3, 6], [7, 11]]


def test_simple_text_path_writes_what_the_token_path_writes():
    """The writer's fast path (simple text cut at span offsets) against tag_document's."""
    import random

    from annotator.formats import conll_writing

    rng = random.Random(5)
    pieces = ["Ann", "Lee", " ", "  ", "\n", "\r\n", "\n\n", ".", "-", "🙂", "❤\ufe0f", "é", "42"]
    for number in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        spans = []
        for _ in range(rng.randint(0, 4) if text.strip() else 0):
            start = rng.randrange(len(text))
            end = rng.randint(start + 1, len(text))
            if text[start:end].strip():
                spans.append(Annotation(start, end, rng.choice(["A", "B"])))
        document = DocumentRecord(text=text, id=str(number), spans=spans)
        for scheme in ("iob2", "bilou"):
            kept = conll_writing.kept_spans("x", "d", document, "entity")
            try:
                tagged = conll_writing._tagged_sentences("x", "d", document, "entity", scheme)
            except FormatError:  # a span without a token: both paths refuse it
                with pytest.raises(FormatError, match="has no token"):
                    conll_writing._simple_sentences("x", "d", document, kept, scheme)
                continue
            simple = conll_writing._simple_sentences("x", "d", document, kept, scheme)
            assert simple == tagged, (text, [(s.start, s.end) for s in spans])
