"""`annotator suggest`: suggestions from a pattern file (see annotator.patterns)."""

from pathlib import Path

import click

from annotator.errors import AnnotationError
from annotator.suggestions.from_patterns import add_suggestions
from annotator.suggestions.from_patterns import check_pattern_labels
from annotator.suggestions.from_patterns import match_documents
from annotator.suggestions.pattern_files import PHRASE_ATTRS
from annotator.suggestions.pattern_files import PatternError
from annotator.suggestions.pattern_files import load_patterns
from annotator.suggestions.pattern_matcher import PatternMatcher


@click.command("suggest")
@click.option(
    "--patterns",
    "patterns_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="spaCy EntityRuler patterns (JSONL), or a .txt/.tsv dictionary of LABEL<TAB>phrase.",
)
@click.option("--source", help="Name the suggestions are filed under (default: patterns:FILE).")
@click.option(
    "--document",
    "document_ids",
    multiple=True,
    metavar="ID",
    help="Only this document (repeat for more).",
)
@click.option(
    "--phrase-matcher-attr",
    type=click.Choice(PHRASE_ATTRS, case_sensitive=False),
    default="ORTH",
    show_default=True,
    help="LOWER matches phrases in any case (spaCy's EntityRuler setting of the same name).",
)
@click.pass_context
def suggest_command(
    ctx: click.Context,
    patterns_path: str,
    source: str | None,
    document_ids: tuple[str, ...],
    phrase_matcher_attr: str,
) -> None:
    """Suggest spans from patterns: pending suggestions that annotators accept or reject."""
    from annotator.cli.context import command_app
    from annotator.db.session import engine_of
    from annotator.db.session import session_scope
    from annotator.db.session import transaction
    from annotator.schema.catalog import load_catalog

    app = command_app(ctx, seeds=False)
    source = source or f"patterns:{Path(patterns_path).name}"
    try:
        patterns = load_patterns(patterns_path)
        with session_scope(engine_of(app)) as session:
            catalog = load_catalog(session)
            check_pattern_labels(patterns, catalog, patterns_path)
            matcher = PatternMatcher(patterns, phrase_matcher_attr.upper())
            matches = match_documents(
                session, matcher=matcher, catalog=catalog, source=source, document_ids=document_ids
            )
            session.rollback()  # end the reads before the write transaction
            with transaction(session):
                report = add_suggestions(session, matches, catalog)
    except (PatternError, AnnotationError) as error:
        raise click.ClickException(str(error)) from None
    labels = ", ".join(f"{label} {count}" for label, count in sorted(report.by_label.items()))
    click.echo(
        f"{len(patterns)} patterns, {report.documents} documents: {report.added} suggestions "
        f"added, {report.existing} already there (source '{source}')"
        + (f"; {labels}" if labels else "")
    )
