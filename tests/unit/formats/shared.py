"""What the format tests share: the fixtures folder, a native line every other format must
not claim, and a generated document with a span after (and on) every hard character."""

from pathlib import Path

from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NATIVE_LINE = (
    '{"id":"a","text":"x","spans":[{"start":0,"end":1,"label":"ORG","layer":"entity",'
    '"text":"x"}]}\n'
)
# Every kind of text offsets must survive, each followed by a span.
UNICODE_TEXT = (
    "Smile 😀 said Ana.\r\n"
    "Family 👩\u200d👩\u200d👧 of Caracas.\r\n"
    "Flag 🇻🇪 for Venezuela.\r\n"
    "Cafe\u0301 Bolivar opened.\r\n"
    "\u201cQuoted\u201d Maduro said \u2018yes\u2019."
)
UNICODE_SPANS = [
    ("😀", "EMOJI"),
    ("Ana", "PERSON"),
    ("👩\u200d👩\u200d👧", "EMOJI"),
    ("Caracas", "GPE"),
    ("🇻🇪", "EMOJI"),
    ("Venezuela", "GPE"),
    ("Cafe\u0301 Bolivar", "ORG"),
    ("\u201cQuoted\u201d", "QUOTE"),
    ("Maduro", "PERSON"),
    ("yes", "QUOTE"),
]


def unicode_document(**fields) -> DocumentRecord:
    """UNICODE_TEXT with UNICODE_SPANS (refs "span N"), plus any DocumentRecord fields given."""
    spans = []
    for covered, label in UNICODE_SPANS:
        start = UNICODE_TEXT.index(covered)
        spans.append(Annotation(start, start + len(covered), label, ref=f"span {len(spans)}"))
    return DocumentRecord(text=UNICODE_TEXT, spans=spans, **fields)
