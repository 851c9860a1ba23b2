"""Label schema: the annotation layers, their labels, colours and hotkeys, read from TOML.

parse_schema validates everything and reports each problem as '<file>:<line>: <problem>'.
"""

import os
import pathlib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace
from typing import Any
from typing import NoReturn

import tomli_w

from annotator.schema.names import label_name_problem
from annotator.schema.names import layer_name_problem

RESERVED_KEYS = frozenset("dnpsx")  # d=done, n=next, p=previous, s=skip, x=reject suggestion
RESERVED_ACTIONS = {
    "d": "mark done",
    "n": "next",
    "p": "previous",
    "s": "skip",
    "x": "reject suggestion",
}
HOTKEY_ORDER = "123456789abcdefghijklmnopqrstuvwxyz"
COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
FILE_COMMENT = (
    "# annotator label schema: layers in display order, each with its labels in hotkey order.\n"
)

_Table = dict[str, Any]  # one parsed TOML table
_TOP_KEYS = ("layer",)
_LAYER_KEYS = ("name", "title", "allow_overlap", "description", "label")
_LABEL_KEYS = ("name", "color", "hotkey", "description")
_TYPE_NAMES = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "a table",
}
_HEADER_RE = re.compile(r"\s*\[\[?\s*[\w\"'. -]+\]\]?\s*(#.*)?$")
_LAYER_RE = re.compile(r"\s*\[\[\s*layer\s*\]\]")
_LABEL_RE = re.compile(r"\s*\[\[\s*layer\s*\.\s*label\s*\]\]")
_TOML_ERROR_RE = re.compile(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", re.S)


class SchemaError(ValueError):
    """An invalid schema; str() is '<file>:<line>: <problem>' so the user can find it."""

    def __init__(self, filename: str, line: int | None, problem: str) -> None:
        """Keep the parts as attributes and format the message."""
        super().__init__(f"{filename}:{line}: {problem}" if line else f"{filename}: {problem}")
        self.filename = filename
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str
    hotkey: str
    description: str = ""


@dataclass(frozen=True)
class LayerSpec:
    name: str
    title: str
    allow_overlap: bool
    description: str
    labels: tuple[LabelSpec, ...]


@dataclass(frozen=True)
class Schema:
    layers: tuple[LayerSpec, ...]

    def label(self, name: str) -> LabelSpec | None:
        """The label called `name`, or None."""
        layer = self.layer_of(name)
        return next(lab for lab in layer.labels if lab.name == name) if layer else None

    def layer_of(self, label_name: str) -> LayerSpec | None:
        """The layer that defines the label `label_name`, or None."""
        for layer in self.layers:
            if any(lab.name == label_name for lab in layer.labels):
                return layer
        return None

    @property
    def label_names(self) -> list[str]:
        """All label names in schema order."""
        return [lab.name for layer in self.layers for lab in layer.labels]


class _Lines:
    """Line numbers of tables and keys, found by scanning the TOML text (tomllib gives none)."""

    def __init__(self, source: str) -> None:
        """Index the [[layer]] and [[layer.label]] headers; labels go to the latest layer."""
        self.lines = source.splitlines()
        self.headers = [i for i, text in enumerate(self.lines) if _HEADER_RE.match(text)]
        self.layers: list[int] = []
        self.labels: list[list[int]] = []
        for i in self.headers:
            if _LAYER_RE.match(self.lines[i]):
                self.layers.append(i + 1)
                self.labels.append([])
            elif _LABEL_RE.match(self.lines[i]) and self.labels:
                self.labels[-1].append(i + 1)

    def layer(self, k: int) -> int:
        """1-based header line of the k-th layer (1 if it has no [[layer]] header)."""
        return self.layers[k] if k < len(self.layers) else 1

    def label(self, k: int, j: int) -> int:
        """1-based header line of the j-th label of the k-th layer (else the layer's line)."""
        ok = k < len(self.labels) and j < len(self.labels[k])
        return self.labels[k][j] if ok else self.layer(k)

    def key(self, key: str, table: int = 0) -> int:
        """1-based line of `key = ...` in the table headed on line `table` (0: top level)."""
        assign = re.compile(rf"\s*{re.escape(key)}\s*=")
        for i in range(table, len(self.lines)):
            if i in self.headers:
                break
            if assign.match(self.lines[i]):
                return i + 1
        if table == 0:  # an unknown top-level table, e.g. a [[layers]] typo
            header = re.compile(rf"\s*\[\[?\s*{re.escape(key)}\s*[\].]")
            return next((i + 1 for i in self.headers if header.match(self.lines[i])), 1)
        return table


class _Parser:
    """Checks parsed TOML table by table, remembering the names and hotkeys seen so far."""

    def __init__(self, source: str, filename: str) -> None:
        """Start with no layers, labels or hotkeys seen."""
        self.filename = filename
        self.pos = _Lines(source)
        self.layer_lines: dict[str, int] = {}
        self.label_lines: dict[str, int] = {}
        self.hotkeys: dict[str, tuple[str, int]] = {}
        self.where = "the top level"  # the kind of table being checked, for messages

    def fail(self, line: int, problem: str) -> NoReturn:
        """Raise a SchemaError for `line` of this file."""
        raise SchemaError(self.filename, line, problem)

    def check_keys(self, table: _Table, allowed: tuple[str, ...], line: int) -> None:
        """Reject keys of `table` that are not in `allowed`."""
        for key in table:
            if key not in allowed:
                problem = f"unknown key '{key}' in {self.where} (allowed: {', '.join(allowed)})"
                self.fail(self.pos.key(key, line), problem)

    def get(self, table: _Table, key: str, kind: type, line: int, default: Any = None) -> Any:
        """table[key] checked to be a `kind`; missing is an error unless a default is given."""
        if key not in table:
            if default is None:
                self.fail(line, f"{self.where} is missing required key '{key}'")
            return default
        value = table[key]
        if not isinstance(value, kind):
            actual = _TYPE_NAMES.get(type(value), type(value).__name__)
            self.fail(self.pos.key(key, line), f"'{key}' must be {_TYPE_NAMES[kind]}, not {actual}")
        return value

    def tables(self, value: Any, key: str, line: int, header: str) -> list[_Table]:
        """`value` checked to be an array of tables written as `header`."""
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.fail(self.pos.key(key, line), f"'{key}' must be an array of {header} tables")
        return value

    def parse(self, data: _Table) -> Schema:
        """Build the Schema from the whole document."""
        self.check_keys(data, _TOP_KEYS, 0)
        raw_layers = self.tables(data.get("layer", []), "layer", 0, "[[layer]]")
        if not raw_layers:
            self.fail(1, "the schema defines no layers (add a [[layer]] table)")
        layers = tuple(self.layer(table, k) for k, table in enumerate(raw_layers))
        taken = RESERVED_KEYS | self.hotkeys.keys()
        free = (key for key in HOTKEY_ORDER if key not in taken)
        return Schema(tuple(self.assign_hotkeys(layer, free) for layer in layers))

    def layer(self, table: _Table, k: int) -> LayerSpec:
        """Check the k-th [[layer]] table and its labels."""
        line = self.pos.layer(k)
        self.where = "[[layer]]"
        self.check_keys(table, _LAYER_KEYS, line)
        name = self.name(table, line, "layer")
        title = self.get(table, "title", str, line, name.title())
        allow_overlap = self.get(table, "allow_overlap", bool, line, False)
        description = self.get(table, "description", str, line, "")
        raw_labels = self.tables(table.get("label", []), "label", line, "[[layer.label]]")
        if not raw_labels:
            self.fail(line, f"layer '{name}' has no labels (add [[layer.label]] tables)")
        labels = tuple(self.label(t, self.pos.label(k, j)) for j, t in enumerate(raw_labels))
        return LayerSpec(name, title, allow_overlap, description, labels)

    def name(self, table: _Table, line: int, kind: str) -> str:
        """The `name` of a layer or label table, checked for its pattern and duplicates."""
        problem_of = layer_name_problem if kind == "layer" else label_name_problem
        seen = self.layer_lines if kind == "layer" else self.label_lines
        name = self.get(table, "name", str, line)
        name_line = self.pos.key("name", line)
        problem = problem_of(name)
        if problem:
            self.fail(name_line, problem)
        if name in seen:
            self.fail(name_line, f"{kind} '{name}' is defined twice (first at line {seen[name]})")
        seen[name] = name_line
        return name

    def label(self, table: _Table, line: int) -> LabelSpec:
        """Check one [[layer.label]] table; its hotkey stays '' if it must be assigned."""
        self.where = "[[layer.label]]"
        self.check_keys(table, _LABEL_KEYS, line)
        name = self.name(table, line, "label")
        color = self.get(table, "color", str, line)
        if not COLOR_RE.fullmatch(color):
            self.fail(self.pos.key("color", line), f"color '{color}' of '{name}' must be #rrggbb")
        description = self.get(table, "description", str, line, "")
        if "\n" in description:
            where = self.pos.key("description", line)
            self.fail(where, f"description of '{name}' must be a single line")
        hotkey = self.hotkey(table, line, name) if "hotkey" in table else ""
        return LabelSpec(name, color.lower(), hotkey, description)

    def hotkey(self, table: _Table, line: int, name: str) -> str:
        """Check an explicit hotkey and claim it for label `name`."""
        key = self.get(table, "hotkey", str, line)
        key_line = self.pos.key("hotkey", line)
        if key in RESERVED_KEYS:
            self.fail(key_line, f"hotkey '{key}' is reserved for '{RESERVED_ACTIONS[key]}'")
        if len(key) != 1 or key not in HOTKEY_ORDER:
            upper = len(key) == 1 and key.lower() in HOTKEY_ORDER
            hint = " (hotkeys are lower-case)" if upper else ""
            self.fail(key_line, f"hotkey '{key}' of '{name}' must be one of 1-9, a-z{hint}")
        if key in self.hotkeys:
            other, other_line = self.hotkeys[key]
            problem = f"hotkey '{key}' of '{name}' clashes with '{other}' (line {other_line})"
            self.fail(key_line, problem)
        self.hotkeys[key] = (name, key_line)
        return key

    def assign_hotkeys(self, layer: LayerSpec, free: Iterator[str]) -> LayerSpec:
        """Give each label of `layer` without a hotkey the next free key."""
        labels = []
        for label in layer.labels:
            if not label.hotkey:
                key = next(free, None)
                if key is None:
                    self.fail(self.label_lines[label.name], f"no hotkey left for '{label.name}'")
                label = replace(label, hotkey=key)
            labels.append(label)
        return replace(layer, labels=tuple(labels))


def parse_schema(source: str, filename: str = "<schema>") -> Schema:
    """Parse and validate schema TOML; any problem raises SchemaError naming file and line."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as err:
        raise _syntax_error(str(err), source, filename) from err
    return _Parser(source, filename).parse(data)


def _syntax_error(message: str, source: str, filename: str) -> SchemaError:
    """Turn tomllib's '... (at line N, column M)' message into a SchemaError for line N."""
    match = _TOML_ERROR_RE.fullmatch(message)
    if match is None:
        return SchemaError(filename, 1, message)
    if match[2] is None:  # "at end of document"
        return SchemaError(filename, max(1, len(source.splitlines())), f"{match[1]} (at end)")
    return SchemaError(filename, int(match[2]), f"{match[1]} (column {match[3]})")


def load_schema(path: str | os.PathLike) -> Schema:
    """Read and parse the UTF-8 schema file at `path`; errors name the path."""
    return parse_schema(pathlib.Path(path).read_text(encoding="utf-8"), os.fspath(path))


def dump_schema(schema: Schema) -> str:
    """The schema as TOML in the seeds/schema.toml format; parse_schema reads it back equal."""
    return FILE_COMMENT + "".join(_dump_layer(layer) for layer in schema.layers)


def _dump_layer(layer: LayerSpec) -> str:
    """One [[layer]] table followed by its [[layer.label]] tables."""
    keys = {"name": layer.name, "title": layer.title, "allow_overlap": layer.allow_overlap}
    text = _dump_table("layer", keys, layer.description)
    for label in layer.labels:
        keys = {"name": label.name, "color": label.color, "hotkey": label.hotkey}
        text += _dump_table("layer.label", keys, label.description)
    return text


def _dump_table(header: str, keys: _Table, description: str) -> str:
    """One [[header]] table with `keys`, plus the description unless it is empty."""
    extra = {"description": description} if description else {}
    return f"\n[[{header}]]\n" + tomli_w.dumps(keys | extra)
