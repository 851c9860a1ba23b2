"""Stored spans that overlap within one layer: what a layer that forbids overlap cannot hold."""

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from annotator.models.annotations import Span
from annotator.models.project import Label
from annotator.models.project import Layer
from annotator.text.offsets import pieces_overlap


def overlapping_spans(session: Session, layer_name: str, limit: int = 50) -> list[str]:
    """Pairs of one annotator's spans in one document that overlap within a layer (their
    fragments, for discontinuous spans), as `document: LABEL [s, e) / LABEL [s, e)`."""
    first, second = aliased(Span), aliased(Span)
    first_label, second_label = aliased(Label), aliased(Label)
    rows = session.execute(
        select(
            first.document_id,
            first.start,
            first.end,
            first.fragments,
            first_label.name,
            second.start,
            second.end,
            second.fragments,
            second_label.name,
        )
        .join(
            second,
            (first.document_id == second.document_id)
            & (first.annotator_id == second.annotator_id)
            & (first.id < second.id)
            & (first.start < second.end)
            & (second.start < first.end),
        )
        .join(first_label, first_label.id == first.label_id)
        .join(second_label, second_label.id == second.label_id)
        .join(Layer, Layer.id == first_label.layer_id)
        .where(Layer.name == layer_name, first_label.layer_id == second_label.layer_id)
        .limit(limit)
    ).all()
    return [
        f"{row[0]}: {row[4]} [{row[1]}, {row[2]}) / {row[8]} [{row[5]}, {row[6]})"
        for row in rows
        if pieces_overlap(row[3] or [[row[1], row[2]]], row[7] or [[row[5], row[6]]])
    ]
