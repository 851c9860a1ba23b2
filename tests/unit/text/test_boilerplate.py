"""Tests for annotator.cleaning: teaser lines and paywall tails cut from raw text, nothing else
changed, and every cut recorded so the original can be rebuilt."""

import dataclasses
import random
from pathlib import Path

import pytest

from annotator.text.boilerplate import Cleaned
from annotator.text.boilerplate import Removed
from annotator.text.boilerplate import describe_rules
from annotator.text.boilerplate import strip_boilerplate

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
SEED_NAMES = ["000_51c87e8e1bb75467", "001_c9f05260d45702f5", "002_a771f6f8b81a25a7"]
DISCLAIMER = "Disclaimer: No Business Standard Journalist was involved in creation of this content"
ARTICLE = [f"Sentence {n} of the story, about Caracas and Maduro's government." for n in range(8)]


def seed_text(name: str) -> str:
    """A seed article exactly as stored (UTF-8, line breaks untouched)."""
    return (SEEDS / f"{name}.txt").read_bytes().decode("utf-8-sig")


def rebuild(cleaned: Cleaned) -> str:
    """Splice the removed pieces back into the cleaned text at their original offsets."""
    text = cleaned.text
    for cut in cleaned.removed:
        text = text[: cut.start] + cut.text + text[cut.start :]
    return text


def story(*tail: str, newline: str = "\n") -> str:
    """Eight article lines followed by tail lines, each ended by newline."""
    return "".join(line + newline for line in [*ARTICLE, *tail])


# --- the seeds ----------------------------------------------------------------------------


def test_seed_001_loses_the_disclaimer_and_the_paywall_tail():
    """Seed 001 ends with a syndication disclaimer and a subscription offer: both go."""
    original = seed_text("001_c9f05260d45702f5")
    cleaned = strip_boilerplate(original)
    disclaimer_start = original.index("Disclaimer:")
    paywall_start = original.index("You’ve reached your limit")
    assert cleaned.text == original[:disclaimer_start]
    assert cleaned.text.endswith("to \"reinforce the country's defensive capacity.\n")
    assert "{{free_limit}}" not in cleaned.text
    assert "₹900" not in cleaned.text
    assert cleaned.original == original
    assert cleaned.removed == (
        Removed(disclaimer_start, paywall_start, DISCLAIMER + "\n", "disclaimer"),
        Removed(paywall_start, len(original), original[paywall_start:], "paywall"),
    )
    assert (disclaimer_start, paywall_start, len(original)) == (2185, 2270, 3415)


def test_seed_002_loses_exactly_the_two_read_more_lines():
    """Seed 002's READ MORE teasers go; every other line stays."""
    original = seed_text("002_a771f6f8b81a25a7")
    cleaned = strip_boilerplate(original)
    first = (
        "READ MORE: Montevideo Calls Venezuela's Guaido 'More Non-Legitimate' Than Maduro's Gov't\n"
    )
    second = "READ MORE: Venezuela's Guaido Calls Street Rally for Saturday to Welcome Relief Aid\n"
    assert cleaned.text == original.replace(first, "").replace(second, "")
    assert cleaned.removed == (
        Removed(226, 226 + len(first), first, "teaser"),
        Removed(1822, 1822 + len(second), second, "teaser"),
    )
    assert len(original.splitlines()) - len(cleaned.text.splitlines()) == 2


def test_seed_000_is_unchanged():
    """Seed 000 has no boilerplate (its closing '— Reuters' line stays)."""
    original = seed_text("000_51c87e8e1bb75467")
    cleaned = strip_boilerplate(original)
    assert cleaned == Cleaned(text=original, removed=(), original=original)
    assert cleaned.text.endswith("\n\n— Reuters")


@pytest.mark.parametrize("name", SEED_NAMES, ids=["seed-000", "seed-001", "seed-002"])
def test_seeds_rebuild_from_the_removed_pieces(name):
    """Splicing the removed pieces back at their offsets gives each seed again."""
    cleaned = strip_boilerplate(seed_text(name))
    assert rebuild(cleaned) == cleaned.original


# --- teaser lines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "READ MORE: Guaido calls rally",
        "Read more: Guaido calls rally",
        "  RELATED: Oil sanctions widen",
        "Related: Oil sanctions widen",
        "ALSO READ: Bolton on Twitter",
        "Also read: Bolton on Twitter",
        "\tWATCH: Aid trucks at the border",
        "Watch : Aid trucks at the border",
        "read  more:",
    ],
    ids=[
        "read-more-caps",
        "read-more",
        "related-indented",
        "related",
        "also-read-caps",
        "also-read",
        "watch-tab",
        "watch-space-colon",
        "read-more-bare",
    ],
)
def test_teaser_lines_are_removed(line):
    """A teaser line goes with its line break, wherever it is."""
    original = f"First line.\n{line}\nLast line.\n"
    cleaned = strip_boilerplate(original)
    assert cleaned.text == "First line.\nLast line.\n"
    assert cleaned.removed == (Removed(12, 12 + len(line) + 1, line + "\n", "teaser"),)


@pytest.mark.parametrize(
    "line",
    [
        "Read more about the talks in our live blog.",
        "Related stories from Caracas follow below.",
        "Watchdog: the ministry denied the report.",
        "Officials said, READ MORE: nothing else.",
        "He told supporters to watch: the army would decide.",
    ],
    ids=["no-colon", "related-no-colon", "watchdog", "mid-line", "watch-mid-line"],
)
def test_lines_that_only_resemble_teasers_stay(line):
    """Only a line that starts with a teaser prefix and its colon is a teaser."""
    original = f"First line.\n{line}\nLast line.\n"
    assert strip_boilerplate(original).text == original


# --- paywall tails ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "trigger",
    [
        "You’ve reached your limit of 5 free articles.",
        "You've reached your limit of 5 free articles.",
        "Subscribe now for unlimited access.",
        "SUBSCRIBE NOW",
        "Subscribe to read the full story →",
        "  Already subscribed? Log in",
        "Create a free account to continue reading.",
        "This content is for subscribers only.",
    ],
    ids=[
        "curly-limit",
        "straight-limit",
        "subscribe-now",
        "subscribe-now-caps",
        "subscribe-to-read",
        "already-subscribed-indented",
        "free-account",
        "for-subscribers",
    ],
)
def test_paywall_tail_is_removed_to_the_end(trigger):
    """From a trigger line in the last 40% to the end of the text, all lines go."""
    original = story(trigger, "Smart Quarterly", "₹900", "3 Months", "Renews automatically")
    cleaned = strip_boilerplate(original)
    assert cleaned.text == story()
    assert cleaned.removed == (
        Removed(len(story()), len(original), original[len(story()) :], "paywall"),
    )


def test_subscribe_now_in_the_first_half_is_kept():
    """A trigger line early in the article is content (or a banner we leave alone)."""
    original = "Subscribe now to our newsletter.\n" + story()
    assert strip_boilerplate(original).text == original


def test_early_trigger_is_kept_and_a_later_paywall_removed():
    """The paywall starts at the first trigger inside the last 40%, not at an earlier one."""
    original = "Subscribe now to our newsletter.\n" + story("Subscribe now", "₹900")
    cleaned = strip_boilerplate(original)
    assert cleaned.text == "Subscribe now to our newsletter.\n" + story()
    assert [cut.rule for cut in cleaned.removed] == ["paywall"]


@pytest.mark.parametrize(
    ("before", "removed"),
    [(59, False), (60, True)],
    ids=["starts-before-60-percent", "starts-at-60-percent"],
)
def test_paywall_trigger_must_start_in_the_last_40_percent(before, removed):
    """The trigger line's start offset decides: at 60% of the text or later."""
    trigger = "Subscribe now\n"
    original = "x" * (before - 1) + "\n" + trigger + "y" * (100 - before - len(trigger) - 1) + "\n"
    assert len(original) == 100
    assert original.index("Subscribe") == before
    expected = original[:before] if removed else original
    assert strip_boilerplate(original).text == expected


def test_trigger_inside_a_line_is_not_a_paywall():
    """A trigger phrase in the middle of a sentence is article content."""
    original = story("The ad urged readers to subscribe now, the minister said.")
    assert strip_boilerplate(original).text == original


# --- disclaimers --------------------------------------------------------------------------


def test_disclaimer_before_a_paywall_goes_with_blank_lines_between():
    """Blank lines between the disclaimer and the paywall are trailing blanks once both go."""
    original = story(DISCLAIMER, "", "  ", "Subscribe now", "₹900")
    cleaned = strip_boilerplate(original)
    start = len(story())
    blank_start = start + len(DISCLAIMER) + 1
    paywall_start = blank_start + len("\n  \n")
    assert cleaned.text == story()
    assert cleaned.removed == (
        Removed(start, blank_start, DISCLAIMER + "\n", "disclaimer"),
        Removed(blank_start, paywall_start, "\n  \n", "trailing-blank"),
        Removed(paywall_start, len(original), "Subscribe now\n₹900\n", "paywall"),
    )


@pytest.mark.parametrize(
    "tail",
    [
        (DISCLAIMER,),
        (DISCLAIMER, "The army began exercises on Friday."),
        (DISCLAIMER, "The army began exercises on Friday.", "Subscribe now", "₹900"),
    ],
    ids=["last-line", "followed-by-content", "content-between-it-and-paywall"],
)
def test_disclaimer_is_kept_unless_directly_before_a_paywall(tail):
    """The disclaimer only goes as part of a paywall tail."""
    original = story(*tail)
    cleaned = strip_boilerplate(original)
    assert DISCLAIMER in cleaned.text
    assert "disclaimer" not in [cut.rule for cut in cleaned.removed]


def test_auto_generated_feed_disclaimer_goes_before_a_paywall():
    """The other common wording of the syndication disclaimer counts too."""
    disclaimer = "Disclaimer: This story is auto-generated from a syndicated feed."
    cleaned = strip_boilerplate(story(disclaimer, "Subscribe now"))
    assert cleaned.text == story()
    assert [cut.rule for cut in cleaned.removed] == ["disclaimer", "paywall"]


# --- line breaks and edges ----------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_line_breaks_are_kept_as_they_are(newline):
    """CRLF (or CR) text stays CRLF (or CR); cuts take each line with its own break."""
    teaser = "READ MORE: Guaido calls rally"
    original = story(teaser, DISCLAIMER, "Subscribe now", "₹900", newline=newline)
    cleaned = strip_boilerplate(original)
    assert cleaned.text == story(newline=newline)
    assert [cut.text for cut in cleaned.removed] == [
        teaser + newline,
        DISCLAIMER + newline,
        "Subscribe now" + newline + "₹900" + newline,
    ]
    assert rebuild(cleaned) == original


def test_mixed_line_breaks_each_stay():
    """Each line keeps its own break; a removed line takes only its own."""
    original = "One.\r\nREAD MORE: x\nTwo.\rThree.\r\n"
    cleaned = strip_boilerplate(original)
    assert cleaned.text == "One.\r\nTwo.\rThree.\r\n"
    assert cleaned.removed == (Removed(6, 19, "READ MORE: x\n", "teaser"),)


def test_removed_last_line_without_a_break():
    """A last line without a line break is still a line."""
    cleaned = strip_boilerplate("Story.\nREAD MORE: x")
    assert cleaned.text == "Story.\n"
    assert cleaned.removed == (Removed(7, 19, "READ MORE: x", "teaser"),)


def test_blank_lines_left_at_the_end_are_trimmed():
    """Blank lines before a removed last line would dangle: they go too."""
    cleaned = strip_boilerplate("Story.\n\n \nREAD MORE: x\n")
    assert cleaned.text == "Story.\n"
    assert cleaned.removed == (
        Removed(7, 10, "\n \n", "trailing-blank"),
        Removed(10, 23, "READ MORE: x\n", "teaser"),
    )


def test_blank_lines_the_text_ends_with_stay_when_nothing_after_them_goes():
    """Trailing blank lines of the original are not boilerplate."""
    original = "READ MORE: x\nStory.\n\n\n"
    cleaned = strip_boilerplate(original)
    assert cleaned.text == "Story.\n\n\n"
    assert [cut.rule for cut in cleaned.removed] == ["teaser"]


def test_blank_lines_between_teasers_in_the_middle_stay():
    """Only blank lines at the very end are trimmed."""
    original = "One.\n\nREAD MORE: x\n\nTwo.\n"
    assert strip_boilerplate(original).text == "One.\n\n\nTwo.\n"


def test_adjacent_teasers_are_one_cut():
    """Consecutive lines removed by the same rule are recorded as one range."""
    cleaned = strip_boilerplate("One.\nREAD MORE: a\nWATCH: b\nTwo.\n")
    assert cleaned.text == "One.\nTwo.\n"
    assert cleaned.removed == (Removed(5, 27, "READ MORE: a\nWATCH: b\n", "teaser"),)


@pytest.mark.parametrize(
    ("original", "text"),
    [("", ""), ("READ MORE: only\n", ""), ("\n\n", "\n\n"), ("Subscribe now", "Subscribe now")],
    ids=["empty", "only-a-teaser", "only-blank-lines", "lone-trigger-at-the-start-kept"],
)
def test_edge_texts(original, text):
    """Empty and all-boilerplate texts."""
    cleaned = strip_boilerplate(original)
    assert cleaned.text == text
    assert rebuild(cleaned) == original


def test_nothing_but_whole_lines_changes():
    """No whitespace or Unicode change anywhere else: NBSP, tabs, combining marks, emoji."""
    original = "Cafe\u0301 \u00a0Bolivar\t😀 👩\u200d👩\u200d👧  \nREAD MORE: x\n  🇻🇪 ends  "
    cleaned = strip_boilerplate(original)
    assert cleaned.text == "Cafe\u0301 \u00a0Bolivar\t😀 👩\u200d👩\u200d👧  \n  🇻🇪 ends  "


# --- the record of cuts -------------------------------------------------------------------


LINE_POOL = [
    *ARTICLE,
    "",
    "   ",
    "READ MORE: a teaser",
    "  watch: a video",
    "Subscribe now",
    "You’ve reached your limit of {{free_limit}} free articles",
    DISCLAIMER,
    "Café 😀 👩\u200d👩\u200d👧 🇻🇪",
    "He said readers should subscribe now.",
]


def generated_text(seed: int) -> str:
    """A random text from LINE_POOL with random line breaks (and maybe no final one)."""
    rng = random.Random(seed)
    lines = [rng.choice(LINE_POOL) for _ in range(rng.randint(0, 30))]
    breaks = [rng.choice(["\n", "\r\n", "\r"]) for _ in lines]
    text = "".join(line + newline for line, newline in zip(lines, breaks, strict=True))
    return text.removesuffix(breaks[-1]) if lines and rng.random() < 0.3 else text


@pytest.mark.parametrize("seed", range(60), ids=[f"seed-{n}" for n in range(60)])
def test_generated_texts_rebuild_and_cut_whole_lines(seed):
    """Cuts are ordered, disjoint whole lines holding exactly what the original held there."""
    original = generated_text(seed)
    cleaned = strip_boilerplate(original)
    assert rebuild(cleaned) == original
    assert cleaned.original == original
    position = 0
    for cut in cleaned.removed:
        assert position <= cut.start < cut.end <= len(original)
        assert original[cut.start : cut.end] == cut.text
        assert cut.start == 0 or original[cut.start - 1] in "\r\n"
        assert cut.end == len(original) or cut.text[-1] in "\r\n"
        assert not (cut.text.endswith("\r") and original[cut.end : cut.end + 1] == "\n")
        position = cut.end
    assert "READ MORE" not in cleaned.text
    assert "watch:" not in cleaned.text


def test_results_are_frozen():
    """Cleaned and Removed cannot be changed after the fact."""
    cleaned = strip_boilerplate("One.\nREAD MORE: x\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cleaned.text = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        cleaned.removed[0].start = 1


def test_describe_rules_names_every_rule_in_order():
    """The rule list for docs and the CLI: the names the cuts carry, each with a description."""
    rules = describe_rules()
    assert [name for name, _ in rules] == ["teaser", "paywall", "disclaimer", "trailing-blank"]
    assert all(description and "\n" not in description for _, description in rules)
    assert "40%" in dict(rules)["paywall"]
