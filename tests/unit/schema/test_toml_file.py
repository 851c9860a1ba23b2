"""Tests for annotator.schema: the default schema, dumping, hotkeys and every validation error."""

import pytest

from annotator.config import DEFAULT_SCHEMA_PATH
from annotator.schema.toml_file import RESERVED_KEYS
from annotator.schema.toml_file import LabelSpec
from annotator.schema.toml_file import Schema
from annotator.schema.toml_file import SchemaError
from annotator.schema.toml_file import dump_schema
from annotator.schema.toml_file import load_schema
from annotator.schema.toml_file import parse_schema

ENTITY = ("[[layer]]", 'name = "entity"')
PERSON = ("[[layer.label]]", 'name = "PERSON"', 'color = "#f4a261"')


def _src(*lines: str) -> str:
    """A TOML source whose line N is lines[N - 1]."""
    return "\n".join(lines) + "\n"


def _labels(schema: Schema) -> list[tuple[str, str]]:
    """(name, hotkey) of every label in schema order."""
    return [(lab.name, lab.hotkey) for layer in schema.layers for lab in layer.labels]


def test_default_schema_has_the_three_layers_in_order() -> None:
    """The seed schema defines entity, stance and claim with their titles and overlap rules."""
    schema = load_schema(DEFAULT_SCHEMA_PATH)
    layers = [(ly.name, ly.title, ly.allow_overlap) for ly in schema.layers]
    assert layers == [
        ("entity", "Entity", False),
        ("stance", "Stance", False),
        ("claim", "Claim", True),
    ]
    assert all(layer.description for layer in schema.layers)


def test_default_schema_labels_and_hotkeys() -> None:
    """The seed schema has the 11 labels with hotkeys 1-9, a, b in order."""
    schema = load_schema(DEFAULT_SCHEMA_PATH)
    assert _labels(schema) == [
        ("PERSON", "1"),
        ("ORG", "2"),
        ("GPE", "3"),
        ("NORP", "4"),
        ("LOC", "5"),
        ("DATE", "6"),
        ("EVENT", "7"),
        ("FAVOR", "8"),
        ("AGAINST", "9"),
        ("NEUTRAL", "a"),
        ("CLAIM", "b"),
    ]
    labels = [lab for layer in schema.layers for lab in layer.labels]
    assert len({lab.color for lab in labels}) == 11
    assert all(lab.description and "\n" not in lab.description for lab in labels)


def test_default_schema_lookups() -> None:
    """label(), layer_of() and label_names find labels by name and return None otherwise."""
    schema = load_schema(DEFAULT_SCHEMA_PATH)
    assert schema.label("GPE") == LabelSpec("GPE", "#95d5b2", "3", schema.label("GPE").description)
    assert schema.layer_of("AGAINST").name == "stance"
    assert schema.layer_of("CLAIM").name == "claim"
    assert schema.label("person") is None
    assert schema.layer_of("NOPE") is None
    assert schema.label_names[:3] == ["PERSON", "ORG", "GPE"]
    assert schema.label_names[-1] == "CLAIM"


def test_dump_round_trips_the_default_schema() -> None:
    """parse_schema(dump_schema(s)) == s, written as [[layer]] / [[layer.label]] tables."""
    schema = load_schema(DEFAULT_SCHEMA_PATH)
    text = dump_schema(schema)
    assert parse_schema(text) == schema
    assert text.startswith("# annotator label schema")
    assert text.count("\n[[layer]]\n") == 3
    assert text.count("\n[[layer.label]]\n") == 11


def test_dump_round_trips_defaults_and_awkward_text() -> None:
    """Defaulted fields, quotes, backslashes and non-ASCII survive a round trip."""
    source = _src(
        *ENTITY,
        'description = "Say \\"hi\\" \\\\ to Zoë"',
        *PERSON,
        "[[layer]]",
        'name = "other_stuff"',
        "[[layer.label]]",
        'name = "X-1"',
        'color = "#ABCDEF"',
    )
    schema = parse_schema(source)
    assert schema.layers[0].description == 'Say "hi" \\ to Zoë'
    assert schema.layers[1].title == "Other_Stuff"
    assert schema.layers[1].allow_overlap is False
    assert schema.label("X-1") == LabelSpec("X-1", "#abcdef", "2", "")
    assert parse_schema(dump_schema(schema)) == schema


def test_hotkeys_are_assigned_skipping_reserved_and_explicit_keys() -> None:
    """Labels without hotkeys get 1-9 then a-z, skipping d/n/p/s and keys used anywhere."""
    lines = ["[[layer]]", 'name = "many"']
    for i in range(12):
        lines += ["[[layer.label]]", f'name = "L{i}"', 'color = "#000000"']
    lines += ["[[layer]]", 'name = "late"', "[[layer.label]]", 'name = "Z"', 'color = "#000000"']
    lines += ['hotkey = "b"']
    schema = parse_schema(_src(*lines))
    keys = [hotkey for _, hotkey in _labels(schema)]
    assert keys == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "c", "e", "b"]
    assert not RESERVED_KEYS & set(keys)


def test_running_out_of_hotkeys_names_the_label() -> None:
    """With 30 usable keys (36 less d, n, p, s, x and 0), a 31st label without a hotkey is an
    error at its name line."""
    lines = ["[[layer]]", 'name = "many"']
    for i in range(31):
        lines += ["[[layer.label]]", f'name = "L{i}"', 'color = "#000000"']
    with pytest.raises(SchemaError, match=r"^schema.toml:94: no hotkey left for 'L30'$"):
        parse_schema(_src(*lines), "schema.toml")


def test_load_schema_reports_the_path(tmp_path) -> None:
    """load_schema reads UTF-8 and its errors start with the file's path and line."""
    path = tmp_path / "bad.toml"
    path.write_text(_src(*ENTITY, "# Zoë", *PERSON, 'hotkey = "n"'), encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        load_schema(str(path))
    assert str(caught.value) == f"{path}:7: hotkey 'n' is reserved for 'next'"
    assert (caught.value.filename, caught.value.line) == (str(path), 7)
    assert caught.value.problem == "hotkey 'n' is reserved for 'next'"
    assert isinstance(caught.value, ValueError)


ERRORS = {
    # test id: (source lines, expected line, distinctive part of the message)
    "toml-syntax": (
        ("[[layer]]", 'name = "a"', 'name = "b"'),
        3,
        r"Cannot overwrite a value \(column \d+\)",
    ),
    "toml-syntax-at-end": (("[[layer]]", "name = "), 2, r"Invalid value"),
    "empty-schema": (("# nothing but a comment",), 1, r"the schema defines no layers"),
    "unknown-top-level-key": (
        ('title = "News"', "", *ENTITY, *PERSON),
        1,
        r"unknown key 'title' in the top level",
    ),
    "unknown-top-level-table": (
        ("# typo", "[[layers]]", 'name = "entity"'),
        2,
        r"unknown key 'layers' .*\(allowed: layer\)",
    ),
    "unknown-layer-key": (
        (*ENTITY, "overlap = true", *PERSON),
        3,
        r"unknown key 'overlap' in \[\[layer\]\] "
        r"\(allowed: name, title, allow_overlap, description, label\)",
    ),
    "unknown-label-key": (
        (*ENTITY, "", *PERSON, 'colour = "#ffffff"'),
        7,
        r"unknown key 'colour' in \[\[layer.label\]\] "
        r"\(allowed: name, color, hotkey, description\)",
    ),
    "layer-not-tables": (
        ('layer = "entity"',),
        1,
        r"'layer' must be an array of \[\[layer\]\] tables",
    ),
    "label-not-tables": (
        (*ENTITY, 'label = "PERSON"'),
        3,
        r"'label' must be an array of \[\[layer.label\]\] tables",
    ),
    "missing-layer-name": (
        ("[[layer]]", 'title = "Entity"', *PERSON),
        1,
        r"\[\[layer\]\] is missing required key 'name'",
    ),
    "missing-label-name": (
        (*ENTITY, "[[layer.label]]", 'color = "#ffffff"'),
        3,
        r"layer.label\]\] is missing .*'name'",
    ),
    "missing-color": (
        (*ENTITY, "[[layer.label]]", 'name = "PERSON"'),
        3,
        r"missing required key 'color'",
    ),
    "overlap-not-bool": (
        (*ENTITY, 'allow_overlap = "yes"', *PERSON),
        3,
        r"'allow_overlap' must be true or false",
    ),
    "name-not-string": (
        ("[[layer]]", "name = 3", *PERSON),
        2,
        r"'name' must be a string, not an integer",
    ),
    "hotkey-not-string": (
        (*ENTITY, *PERSON, "hotkey = 1"),
        6,
        r"'hotkey' must be a string, not an integer",
    ),
    "bad-layer-name": (
        ("[[layer]]", 'name = "Entity"', *PERSON),
        2,
        r"layer name 'Entity' is not allowed: use a lowercase letter",
    ),
    "bad-label-name": (
        (*ENTITY, "[[layer.label]]", 'name = "X{}</style><script>"'),
        4,
        r"label name 'X\{\}</style><script>' is not allowed: use a letter, then",
    ),
    "bad-color-word": (
        (*ENTITY, *PERSON[:2], 'color = "red"'),
        5,
        r"color 'red' of 'PERSON' must be #rrggbb",
    ),
    "bad-color-short": (
        (*ENTITY, *PERSON[:2], 'color = "#fff"'),
        5,
        r"color '#fff' of 'PERSON' must be #rrggbb",
    ),
    "hotkey-two-chars": (
        (*ENTITY, *PERSON, 'hotkey = "12"'),
        6,
        r"hotkey '12' of 'PERSON' must be one of 1-9, a-z$",
    ),
    "hotkey-zero": (
        (*ENTITY, *PERSON, 'hotkey = "0"'),
        6,
        r"hotkey '0' of 'PERSON' must be one of 1-9, a-z$",
    ),
    "hotkey-upper-case": (
        (*ENTITY, *PERSON, 'hotkey = "Q"'),
        6,
        r"hotkey 'Q' .* \(hotkeys are lower-case\)",
    ),
    "hotkey-reserved-done": (
        (*ENTITY, *PERSON, 'hotkey = "d"'),
        6,
        r"hotkey 'd' is reserved for 'mark done'",
    ),
    "hotkey-reserved-skip": (
        (*ENTITY, *PERSON, 'hotkey = "s"'),
        6,
        r"hotkey 's' is reserved for 'skip'",
    ),
    "duplicate-layer": (
        (*ENTITY, *PERSON, "", "[[layer]]  # again", 'title = "Again"', 'name = "entity"'),
        9,
        r"layer 'entity' is defined twice \(first at line 2\)",
    ),
    "duplicate-label": (
        (*ENTITY, *PERSON, "# [[layer.label]]", "", "[[layer]]", 'name = "claim"', *PERSON),
        11,
        r"label 'PERSON' is defined twice \(first at line 4\)",
    ),
    "hotkey-clash": (
        (*ENTITY, "[[layer.label]]", 'name = "GPE"', 'hotkey = "3"', 'color = "#95d5b2"')
        + ("[[layer.label]] # places", 'name = "LOC"', 'color = "#ffe066"', 'hotkey = "3"'),
        10,
        r"hotkey '3' of 'LOC' clashes with 'GPE' \(line 5\)",
    ),
    "layer-without-labels": (
        (*ENTITY, *PERSON, "", "[[layer]]", 'name = "claim"'),
        7,
        r"layer 'claim' has no labels",
    ),
    "multi-line-description": (
        (*ENTITY, *PERSON, 'description = """one', 'two"""'),
        6,
        r"description of 'PERSON' must be a single line",
    ),
}


@pytest.mark.parametrize(("lines", "line", "message"), ERRORS.values(), ids=ERRORS.keys())
def test_schema_errors_name_the_line(lines: tuple[str, ...], line: int, message: str) -> None:
    """Each invalid schema raises SchemaError at the offending line with a clear message."""
    with pytest.raises(SchemaError, match=rf"^schema.toml:{line}: .*{message}") as caught:
        parse_schema(_src(*lines), "schema.toml")
    assert caught.value.line == line


def test_empty_source_is_an_empty_schema() -> None:
    """A completely empty file is reported at line 1."""
    with pytest.raises(SchemaError, match=r"^<schema>:1: the schema defines no layers"):
        parse_schema("")
