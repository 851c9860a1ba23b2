"""Pattern files (spaCy EntityRuler lines and dictionaries) and matching them over text."""

import json
from pathlib import Path

import pytest

from annotator.suggestions.pattern_files import PatternError
from annotator.suggestions.pattern_files import labels_used
from annotator.suggestions.pattern_files import load_patterns
from annotator.suggestions.pattern_matcher import Match
from annotator.suggestions.pattern_matcher import PatternMatcher


def write_jsonl(path: Path, *records) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def matches(text: str, *records, tmp_path: Path, phrase_attr: str = "ORTH") -> list[tuple]:
    """(label, matched text) for every match of the patterns in text."""
    patterns = load_patterns(write_jsonl(tmp_path / "patterns.jsonl", *records))
    found = PatternMatcher(patterns, phrase_attr).match(text)
    for match in found:
        assert isinstance(match, Match) and 0 <= match.start < match.end <= len(text)
    return [(match.label, text[match.start : match.end]) for match in found]


def test_phrase_is_an_exact_string_on_word_boundaries(tmp_path):
    text = "Iran and the Irani press; IRAN. Iran’s neighbours; pre-Iran era; Iranian"
    found = matches(text, {"label": "GPE", "pattern": "Iran"}, tmp_path=tmp_path)
    assert found == [("GPE", "Iran")] * 3
    positions = [
        m.start for m in PatternMatcher(load_patterns(tmp_path / "patterns.jsonl")).match(text)
    ]
    assert positions == [0, text.index("Iran’s"), text.index("Iran era")]


def test_multi_word_phrase_needs_its_exact_spacing_and_a_boundary_at_its_end(tmp_path):
    text = "New York, New  York, New Yorker, new york, New York."
    found = matches(text, {"label": "GPE", "pattern": "New York"}, tmp_path=tmp_path)
    assert [text.index("New York"), text.rindex("New York")] == [0, len(text) - 9]
    assert found == [("GPE", "New York"), ("GPE", "New York")]


def test_lower_phrase_matcher_attr_ignores_case(tmp_path):
    text = "The european union and the EUROPEAN UNION met the European Union."
    record = {"label": "ORG", "pattern": "European Union"}
    assert len(matches(text, record, tmp_path=tmp_path)) == 1
    found = matches(text, record, tmp_path=tmp_path, phrase_attr="LOWER")
    assert found == [
        ("ORG", "european union"),
        ("ORG", "EUROPEAN UNION"),
        ("ORG", "European Union"),
    ]


def test_punctuation_inside_a_phrase_or_token_value(tmp_path):
    text = "The U.S.-led talks; U.S. troops; US troops"
    found = matches(
        text,
        {"label": "GPE", "pattern": "U.S."},
        {"label": "NORP", "pattern": [{"ORTH": "U.S."}, {"LOWER": "troops"}]},
        tmp_path=tmp_path,
    )
    assert found == [("GPE", "U.S."), ("GPE", "U.S."), ("NORP", "U.S. troops")]


def test_token_patterns_by_lower_orth_text_and_any_token(tmp_path):
    text = "NEW YORK and New York; Paris, France and Lyon, France"
    found = matches(
        text,
        {"label": "GPE", "pattern": [{"LOWER": "new"}, {"LOWER": "york"}]},
        {"label": "LOC", "pattern": [{}, {"ORTH": ","}, {"TEXT": "France"}]},
        tmp_path=tmp_path,
    )
    assert found == [
        ("GPE", "NEW YORK"),
        ("GPE", "New York"),
        ("LOC", "Paris, France"),
        ("LOC", "Lyon, France"),
    ]


def test_token_attribute_names_are_case_insensitive_like_spacy(tmp_path):
    found = matches(
        "New York",
        {"label": "GPE", "pattern": [{"lower": "new"}, {"Orth": "York"}]},
        tmp_path=tmp_path,
    )
    assert found == [("GPE", "New York")]


def test_optional_token_and_the_longest_match_wins_per_label(tmp_path):
    text = "New York City is not New York State; York"
    found = matches(
        text,
        {
            "label": "GPE",
            "pattern": [
                {"LOWER": "new", "OP": "?"},
                {"LOWER": "york"},
                {"LOWER": "city", "OP": "?"},
            ],
        },
        {"label": "GPE", "pattern": "York"},
        tmp_path=tmp_path,
    )
    assert found == [("GPE", "New York City"), ("GPE", "New York"), ("GPE", "York")]


def test_overlapping_matches_of_different_labels_are_all_kept(tmp_path):
    text = "The European Union said"
    found = matches(
        text,
        {"label": "ORG", "pattern": "European Union"},
        {"label": "NORP", "pattern": "European"},
        {"label": "ORG", "pattern": "Union"},
        tmp_path=tmp_path,
    )
    assert found == [("NORP", "European"), ("ORG", "European Union")]


def test_token_patterns_allow_one_space_between_tokens_like_spacy(tmp_path):
    text = "New York; New\u00a0York; New  York; New\nYork"
    pattern = {"label": "GPE", "pattern": [{"LOWER": "new"}, {"LOWER": "york"}]}
    assert matches(text, pattern, tmp_path=tmp_path) == [("GPE", "New York")]


def test_offsets_are_code_points_with_emoji_accents_and_combining_marks(tmp_path):
    text = "👩\u200d👩\u200d👧 🇻🇪 Nicolás met Zoe\u0301 in Caracas ✨ Zoe"
    found = PatternMatcher(
        load_patterns(
            write_jsonl(
                tmp_path / "p.jsonl",
                {"label": "PERSON", "pattern": "Nicolás"},
                {"label": "PERSON", "pattern": "Zoe"},
                {"label": "GPE", "pattern": [{"ORTH": "Caracas"}]},
                {"label": "NORP", "pattern": "👩"},
            )
        )
    ).match(text)
    spans = [(m.start, m.end, m.label) for m in found]
    nicolas = text.index("Nicolás")
    caracas = text.index("Caracas")
    last_zoe = text.rindex("Zoe")
    # "Zoe" + a combining accent is another word; a lone emoji inside a ZWJ family is no match.
    assert spans == [
        (nicolas, nicolas + 7, "PERSON"),
        (caracas, caracas + 7, "GPE"),
        (last_zoe, last_zoe + 3, "PERSON"),
    ]
    assert nicolas == 9  # code points: the family is 5, the flag 2, two spaces


def test_dictionary_file_tab_separated(tmp_path):
    path = tmp_path / "gazetteer.tsv"
    path.write_text("# places\nGPE\tCaracas\n\nORG\tEuropean Union\r\nPERSON\tNicolás Maduro\n")
    patterns = load_patterns(path)
    assert [(p.label, p.phrase, p.line) for p in patterns] == [
        ("GPE", "Caracas", 2),
        ("ORG", "European Union", 4),
        ("PERSON", "Nicolás Maduro", 5),
    ]
    text = "Nicolás Maduro flew from Caracas to meet the European Union."
    found = [(m.label, text[m.start : m.end]) for m in PatternMatcher(patterns).match(text)]
    assert found == [
        ("PERSON", "Nicolás Maduro"),
        ("GPE", "Caracas"),
        ("ORG", "European Union"),
    ]
    assert labels_used(patterns) == {"GPE": [2], "ORG": [4], "PERSON": [5]}


def test_a_utf8_bom_is_dropped(tmp_path):
    path = tmp_path / "words.txt"
    path.write_bytes(b"\xef\xbb\xbfGPE\tCaracas\n")
    assert [p.label for p in load_patterns(path)] == ["GPE"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"label": "ORG", "pattern": "EU"', ":2: not JSON"),
        ('["ORG", "EU"]', ":2: expected a JSON object"),
        ('{"pattern": "EU"}', ':2: missing "label"'),
        ('{"label": "ORG"}', ':2: missing "pattern"'),
        ('{"label": "", "pattern": "EU"}', ':2: "label" must be a non-empty string'),
        ('{"label": "ORG", "pattern": 3}', ':2: "pattern" must be a string or a list'),
        ('{"label": "ORG", "pattern": []}', ':2: "pattern" must be a string or a list'),
        ('{"label": "ORG", "pattern": "  "}', ":2: empty phrase"),
        ('{"label": "ORG", "pattern": " EU"}', ":2: phrase ' EU' starts or ends with whitespace"),
        ('{"label": "ORG", "pattern": "EU", "lower": true}', "--phrase-matcher-attr LOWER"),
        ('{"label": "ORG", "pattern": ["eu"]}', ":2: token 1: expected an object"),
        (
            '{"label": "ORG", "pattern": [{"LOWER": "eu"}, {"POS": "NOUN"}]}',
            ":2: token 2: unknown attribute 'POS' (supported: ORTH, TEXT, LOWER, OP)",
        ),
        ('{"label": "ORG", "pattern": [{"LOWER": "eu", "OP": "+"}]}', ":2: token 1: OP '+'"),
        (
            '{"label": "ORG", "pattern": [{"LOWER": "eu", "OP": "?"}]}',
            ":2: every token is optional",
        ),
        ('{"label": "ORG", "pattern": [{"LOWER": {"IN": ["eu"]}}]}', "operators like IN"),
        ('{"label": "ORG", "pattern": [{"ORTH": "New York"}]}', "is not one token's text"),
    ],
    ids=[
        "not-json",
        "not-object",
        "no-label",
        "no-pattern",
        "empty-label",
        "pattern-type",
        "empty-token-list",
        "empty-phrase",
        "phrase-whitespace",
        "per-pattern-lower",
        "token-not-object",
        "unknown-attribute",
        "unsupported-op",
        "all-optional",
        "set-operator",
        "token-with-space",
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path, line, message):
    path = write_jsonl(tmp_path / "patterns.jsonl", {"label": "GPE", "pattern": "Caracas"}, line)
    with pytest.raises(PatternError) as raised:
        load_patterns(path)
    assert str(raised.value).startswith(f"{path}:2: ")
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("GPE\tCaracas\nORG European Union\n", ":2: expected LABEL<TAB>phrase"),
        ("GPE\tCaracas\n\tEuropean Union\n", ":2: missing label"),
        ("GPE\tCaracas\nORG\tEuropean Union \n", ":2: phrase 'European Union ' starts or ends"),
        ("# only a comment\n\n", ":1: no patterns in the file"),
    ],
    ids=["no-tab", "no-label", "trailing-space", "empty"],
)
def test_dictionary_errors_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "words.txt"
    path.write_text(content)
    with pytest.raises(PatternError, match=str(path)) as raised:
        load_patterns(path)
    assert message in str(raised.value)


def test_a_file_that_is_not_utf8_is_refused_naming_it(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("GPE\tBogotá\n".encode("latin-1"))
    with pytest.raises(PatternError, match=r"latin1\.txt:1: not UTF-8"):
        load_patterns(path)


def test_unknown_phrase_matcher_attr_is_refused(tmp_path):
    patterns = load_patterns(write_jsonl(tmp_path / "p.jsonl", {"label": "X", "pattern": "x"}))
    with pytest.raises(ValueError, match="ORTH, LOWER"):
        PatternMatcher(patterns, "NORM")
