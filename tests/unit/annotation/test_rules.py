"""The span rules on their own: bounds, visible text, duplicates, overlap by layer, and
discontinuous spans, whose gaps are free."""

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotator.annotation.rules import ExistingSpan
from annotator.annotation.rules import _sweep
from annotator.annotation.rules import check_span
from annotator.annotation.rules import check_spans
from annotator.errors import AnnotationError
from annotator.schema.catalog import LabelCatalog
from annotator.schema.catalog import LabelInfo
from annotator.schema.toml_file import Schema

TEXT = "Angela Merkel met the Bank of France in Paris yesterday."


def label(id_: int, name: str, layer: str, allow_overlap: bool) -> LabelInfo:
    return LabelInfo(
        id=id_,
        name=name,
        color="#cccccc",
        hotkey=None,
        description="",
        layer=layer,
        layer_title=layer.title(),
        allow_overlap=allow_overlap,
    )


LABELS = [
    label(1, "PER", "entity", False),
    label(2, "ORG", "entity", False),
    label(3, "CLAIM", "claim", True),
]
CATALOG = LabelCatalog(
    revision=1,
    schema=Schema(layers=()),
    by_name={info.name: info for info in LABELS},
    by_id={info.id: info for info in LABELS},
)
PER, ORG, CLAIM = LABELS


def test_a_candidate_may_not_cover_a_stored_span_that_starts_inside_it():
    stored = [ExistingSpan(7, 7, 13, PER.id)]  # "Merkel"
    with pytest.raises(AnnotationError, match="overlaps PER"):
        check_spans(TEXT, [(0, 13, ORG)], CATALOG, stored)


def test_a_candidate_may_not_start_inside_a_stored_span():
    stored = [ExistingSpan(7, 0, 13, PER.id)]
    with pytest.raises(AnnotationError, match="overlaps PER"):
        check_spans(TEXT, [(7, 17, ORG)], CATALOG, stored)


def test_other_layers_and_overlapping_layers_may_overlap():
    check_spans(TEXT, [(0, 13, PER), (0, 36, CLAIM), (7, 45, CLAIM)], CATALOG)


def test_duplicates_are_refused():
    with pytest.raises(AnnotationError, match="span 1: .*already annotated"):
        check_spans(TEXT, [(0, 13, CLAIM), (0, 13, CLAIM)], CATALOG)


@pytest.mark.parametrize(("start", "end"), [(6, 7), (13, 14)])
def test_whitespace_only_is_refused(start, end):
    with pytest.raises(AnnotationError, match="only whitespace"):
        check_spans(TEXT, [(start, end, PER)], CATALOG)
    with pytest.raises(AnnotationError, match="only whitespace"):
        check_span(TEXT, PER, start, end, [], CATALOG)


# "Bank ... France" as one discontinuous ORG, "of" (27-29) in its gap.
BANK_OF_FRANCE = (22, 36, ORG, ((22, 26), (30, 36)))


def test_a_span_in_the_gap_of_a_discontinuous_candidate_is_not_an_overlap():
    check_spans(TEXT, [BANK_OF_FRANCE, (27, 29, PER)], CATALOG)
    check_spans(TEXT, [(27, 29, PER), BANK_OF_FRANCE], CATALOG)


def test_a_span_in_the_gap_of_a_stored_discontinuous_span_is_not_an_overlap():
    stored = [ExistingSpan(9, 22, 36, ORG.id, ((22, 26), (30, 36)))]
    check_spans(TEXT, [(27, 29, PER)], CATALOG, stored)
    check_span(TEXT, PER, 27, 29, stored, CATALOG)


def test_a_span_across_a_fragment_of_a_discontinuous_span_overlaps_it():
    stored = [ExistingSpan(9, 22, 36, ORG.id, ((22, 26), (30, 36)))]
    with pytest.raises(AnnotationError, match="overlaps ORG"):
        check_spans(TEXT, [(27, 32, PER)], CATALOG, stored)
    with pytest.raises(AnnotationError, match="overlaps ORG"):
        check_span(TEXT, PER, 27, 32, stored, CATALOG)
    with pytest.raises(AnnotationError, match="overlaps ORG"):
        check_spans(TEXT, [BANK_OF_FRANCE, (24, 28, PER)], CATALOG)


def _outcome(check, *args) -> str | None:
    try:
        check(*args)
    except AnnotationError as error:
        return f"{type(error).__name__}: {error}"
    return None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 12), st.sampled_from(LABELS)).map(
            lambda item: (item[0], min(len(TEXT), item[0] + item[1]), item[2])
        ),
        max_size=8,
    )
)
def test_new_spans_apart_in_their_layers_are_judged_as_the_full_sweep_judges_them(candidates):
    # check_spans skips the sweep when no two new spans of a layer that forbids overlap meet and
    # none repeats another: it must accept and refuse exactly what the sweep does.
    candidates = [c for c in candidates if not TEXT[c[0] : c[1]].isspace()]
    assert _outcome(check_spans, TEXT, candidates, CATALOG) == _outcome(
        _sweep, TEXT, candidates, CATALOG, ()
    )
