"""Keeping boilerplate out of raw news text: teaser lines and paywall tails.

Only for raw text: offsets of existing annotations would no longer fit, so the caller must
never clean a document that carries spans.

The rules work on whole lines. A line ends at "\\n", "\\r\\n" or "\\r" (the text's own line
break, kept as it is) or at the end of the text; a removed line goes with its line break.

- teaser: a line that starts, after optional whitespace, with "READ MORE:", "RELATED:",
  "ALSO READ:" or "WATCH:" (any case; spaces before the colon allowed).
- paywall: from the first line that starts, after optional whitespace and in any case, with a
  paywall trigger ("You’ve reached your limit", "You've reached your limit", "Subscribe now",
  "Subscribe to read", "Already subscribed? Log in", "Create a free account to continue",
  "This content is for subscribers") to the end of the text, and only if that line starts in
  the last 40% of the text; trigger lines earlier in the text are kept.
- disclaimer: a syndication disclaimer line ("Disclaimer: No Business Standard Journalist was
  involved in creation of this content", "Disclaimer: ... auto-generated from a syndicated
  feed") directly before a removed paywall tail (blank lines between are allowed); kept
  anywhere else.
- trailing-blank: blank (whitespace-only) lines left at the end of the text once lines after
  them were removed. Blank lines the text already ended with stay when nothing after them goes.

The cleaned text is the original with those line ranges cut out and nothing else changed (no
whitespace or Unicode changes). `Cleaned.removed` lists each cut range, in order, with its
offsets (Python code points, `[start, end)`, in the original text), its text and its rule, so
splicing the pieces back at their offsets rebuilds the original.
"""

import re
from dataclasses import dataclass

TEASER = "teaser"
PAYWALL = "paywall"
DISCLAIMER = "disclaimer"
TRAILING_BLANK = "trailing-blank"

TEASER_PREFIXES = ("READ MORE", "RELATED", "ALSO READ", "WATCH")
PAYWALL_TRIGGERS = (
    "You’ve reached your limit",
    "You've reached your limit",
    "Subscribe now",
    "Subscribe to read",
    "Already subscribed? Log in",
    "Create a free account to continue",
    "This content is for subscribers",
)
PAYWALL_ZONE = (3, 5)  # a trigger counts from 3/5 of the text on: the last 40%

_RULES = (
    (TEASER, "a line starting with READ MORE:, RELATED:, ALSO READ: or WATCH: (any case)"),
    (
        PAYWALL,
        "from a paywall line (Subscribe now, You've reached your limit...) in the last"
        " 40% of the text to its end",
    ),
    (
        DISCLAIMER,
        "a syndication disclaimer line (Disclaimer: No ... Journalist was involved in"
        " creation of this content) directly before a removed paywall",
    ),
    (TRAILING_BLANK, "blank lines left at the end of the text once lines after them are removed"),
)

_BREAK_RE = re.compile(r"\r\n|\r|\n")
_TEASER_RE = re.compile(
    r"\s*(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in TEASER_PREFIXES) + r")\s*:",
    re.IGNORECASE,
)
_PAYWALL_RE = re.compile(
    r"\s*(?:" + "|".join(re.escape(trigger) for trigger in PAYWALL_TRIGGERS) + ")",
    re.IGNORECASE,
)
_DISCLAIMER_RE = re.compile(
    r"\s*disclaimer\s*:.*(?:involved\s+in\s+(?:the\s+)?creation\s+of\s+this|syndicated\s+feed)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Removed:
    """One cut: `[start, end)` in code points of the original text, what it held, and why."""

    start: int
    end: int
    text: str
    rule: str


@dataclass(frozen=True)
class Cleaned:
    """The cleaned text, the cuts that made it (in order), and the text before them."""

    text: str
    removed: tuple[Removed, ...]
    original: str


@dataclass(frozen=True)
class _Line:
    """One line: `[start, end)` including its line break, and its content without it."""

    start: int
    end: int
    content: str


def describe_rules() -> list[tuple[str, str]]:
    """(rule name, one-line description) for each rule, in the order they are explained."""
    return list(_RULES)


def strip_boilerplate(text: str) -> Cleaned:
    """Cut teaser lines and a paywall tail out of raw text (see the module docstring)."""
    lines = _lines(text)
    rules: list[str | None] = [TEASER if _TEASER_RE.match(line.content) else None for line in lines]
    paywall = _paywall_start(lines, len(text))
    if paywall is not None:
        rules[paywall:] = [PAYWALL] * (len(lines) - paywall)
        _mark_disclaimer(lines, rules, paywall)
    _mark_trailing_blanks(lines, rules)
    removed = tuple(_removed_ranges(text, lines, rules))
    return Cleaned(text=_cut(text, removed), removed=removed, original=text)


def _lines(text: str) -> list[_Line]:
    """The lines of text, each with its own line break."""
    lines = []
    start = 0
    for match in _BREAK_RE.finditer(text):
        lines.append(_Line(start, match.end(), text[start : match.start()]))
        start = match.end()
    if start < len(text):
        lines.append(_Line(start, len(text), text[start:]))
    return lines


def _paywall_start(lines: list[_Line], length: int) -> int | None:
    """The index of the first paywall trigger line in the last 40% of the text, if any."""
    numerator, denominator = PAYWALL_ZONE
    for index, line in enumerate(lines):
        if line.start * denominator >= length * numerator and _PAYWALL_RE.match(line.content):
            return index
    return None


def _mark_disclaimer(lines: list[_Line], rules: list[str | None], paywall: int) -> None:
    """Mark the syndication disclaimer right before the paywall (blank lines between allowed)."""
    index = paywall - 1
    while index >= 0 and _is_blank(lines[index]):
        index -= 1
    if index >= 0 and _DISCLAIMER_RE.match(lines[index].content):
        rules[index] = DISCLAIMER


def _mark_trailing_blanks(lines: list[_Line], rules: list[str | None]) -> None:
    """Mark kept blank lines that removals left at the end of the text."""
    if not lines or rules[-1] is None:
        return
    for index in range(len(lines) - 1, -1, -1):
        if rules[index] is not None:
            continue
        if not _is_blank(lines[index]):
            return
        rules[index] = TRAILING_BLANK


def _is_blank(line: _Line) -> bool:
    """Whether a line holds only whitespace."""
    return not line.content.strip()


def _removed_ranges(text: str, lines: list[_Line], rules: list[str | None]) -> list[Removed]:
    """Adjacent marked lines of the same rule, merged into one Removed each."""
    removed: list[Removed] = []
    for line, rule in zip(lines, rules, strict=True):
        if rule is None:
            continue
        if removed and removed[-1].rule == rule and removed[-1].end == line.start:
            start = removed.pop().start
        else:
            start = line.start
        removed.append(Removed(start, line.end, text[start : line.end], rule))
    return removed


def _cut(text: str, removed: tuple[Removed, ...]) -> str:
    """The text without the removed ranges."""
    pieces = []
    position = 0
    for cut in removed:
        pieces.append(text[position : cut.start])
        position = cut.end
    pieces.append(text[position:])
    return "".join(pieces)
