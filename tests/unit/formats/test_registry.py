"""Every registered FormatSpec keeps the promises import, export, the CLI and the web rely on."""

import pytest

from annotator.formats import registry
from annotator.formats.options import Option
from annotator.formats.options import applicable_options
from annotator.formats.options import checked_options
from annotator.formats.records import FormatError

SPECS = registry.specs()


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_a_spec_declares_what_it_takes(spec):
    assert registry.spec(spec.name) is spec
    assert spec.description and callable(spec.sniff) and callable(spec.reader)
    assert all(suffix.startswith(".") and suffix == suffix.lower() for suffix in spec.suffixes)
    for option in (*spec.import_options, *spec.export_options):
        assert option.help
        assert option.choices is None or option.default in (None, *option.choices)


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_options_are_checked_before_reading(spec, tmp_path):
    with pytest.raises(TypeError, match=f"{spec.name}: unknown option"):
        spec.read(tmp_path / "never-read", colour="red")


def test_names_are_unique_and_writers_are_the_export_choices():
    names = registry.names()
    assert len(names) == len(set(names))
    assert registry.export_names() == [s.name for s in SPECS if s.writer is not None]
    assert {"text", "html"}.isdisjoint(registry.export_names())


def test_a_choice_outside_the_declared_ones_is_refused_naming_the_format():
    declared = (Option("rejected", "answers", "keep", ("keep", "drop")),)
    assert checked_options("prodigy", declared, {}) == {"rejected": "keep"}
    with pytest.raises(ValueError, match="prodigy: rejected must be one of keep, drop"):
        checked_options("prodigy", declared, {"rejected": "maybe"})
    assert applicable_options(declared, {"rejected": "drop", "text_column": "body"}) == {
        "rejected": "drop"
    }


def test_an_unknown_format_and_an_unrecognised_file_are_named(tmp_path):
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        registry.spec("xml")
    odd = tmp_path / "data.xyz"
    odd.write_text("a,b")
    with pytest.raises(FormatError, match="cannot tell its format"):
        registry.detect(odd)


def test_a_broken_file_goes_to_the_reader_its_suffix_names(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{oops\n")
    assert registry.detect(broken) == "jsonl"
