"""Files of formats annotator does not read, recognised so the refusal names what they are
(rather than a reader for a look-alike format failing on its first line)."""

import re
from pathlib import Path

from annotator.formats.records import FormatError

_HEAD_BYTES = 4096
_SPACY_V2_JSON = re.compile(rb'^\s*\[\s*\{.*"paragraphs"\s*:', re.DOTALL)
_CONLL_2012 = re.compile(rb"^\s*#begin document\b", re.MULTILINE)


def refuse_unsupported(path: Path) -> None:
    """FormatError naming the format of path if it is one annotator does not read."""
    if not path.is_file():
        return
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if _SPACY_V2_JSON.match(head):
        raise FormatError(
            str(path),
            "this is a spaCy v2 JSON training file (paragraphs, sentences, tokens), which "
            "annotator does not read; convert it with `python -m spacy convert FILE OUT_DIR` "
            "(spaCy 3) and import the .spacy file",
        )
    if _CONLL_2012.search(head):
        raise FormatError(
            str(path),
            "this is a CoNLL-2012 (OntoNotes) file (#begin document), whose entities are "
            "bracketed in a column; annotator reads CoNLL-2003 style IOB/BILOU columns: "
            "convert it to those first",
        )
