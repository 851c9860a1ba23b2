"""The people whose spans are kept apart."""

from sqlalchemy import select
from sqlmodel import Session

from annotator.models.people import Annotator


def get_annotator(session: Session, name: str) -> Annotator:
    """The annotator called name, created (flushed, not committed) on first use."""
    annotator = session.execute(select(Annotator).where(Annotator.name == name)).scalar()
    if annotator is None:
        annotator = Annotator(name=name)
        session.add(annotator)
        session.flush()
    return annotator
