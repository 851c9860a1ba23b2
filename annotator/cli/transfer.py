"""`annotator import` and `annotator export`: files in any format in, datasets out."""

import shlex
from collections import Counter
from pathlib import Path

import click

from annotator.cli.context import command_app
from annotator.cli.context import database_file
from annotator.cli.context import progress_bar
from annotator.db.session import engine_of
from annotator.db.session import session_scope
from annotator.formats import registry
from annotator.formats.records import FormatError
from annotator.formats.spacy_docbin import SpacyMissing
from annotator.schema.catalog import load_catalog
from annotator.schema.toml_file import SchemaError
from annotator.transfer.dataset_export import export_dataset
from annotator.transfer.exporting import ExportError
from annotator.transfer.exporting import default_export_path
from annotator.transfer.import_batch import FileReport
from annotator.transfer.importing import ImportOptions
from annotator.transfer.importing import import_paths
from annotator.transfer.importing import total_size


def format_options(command):
    """The readers' options, as the FormatSpecs declare them (each once, by name)."""
    for option in reversed(registry.import_options()):
        if not option.offered:
            continue
        flag = "--" + option.name.replace("_", "-")
        takers = ", ".join(registry.formats_taking(option.name))
        defaults = registry.import_defaults(option.name).items()
        shown = ", ".join(
            f"{name}: {value}" for name, value in defaults if value not in (None, False)
        )
        help_text = f"{option.help} [{takers}{'; default ' + shown if shown else ''}]"
        choices = registry.import_choices(option.name)
        settings = (
            {"is_flag": True}
            if option.flag
            else {"type": click.Choice(choices) if choices else None}
        )
        command = click.option(flag, option.name, default=None, help=help_text, **settings)(command)
    return command


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(registry.names()),
    help="The files' format; without it each file's format is recognised from its content.",
)
@click.option("--add-labels", is_flag=True, help="Add labels the schema lacks (else refuse).")
@click.option("--as-suggestions", is_flag=True, help="The spans are predictions, not annotations.")
@click.option("--source", help="Name the suggestions are filed under (default: import:FORMAT).")
@click.option("--keep-boilerplate", is_flag=True, help="Keep teaser and paywall lines in raw text.")
@format_options
@click.pass_context
def import_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    format_name: str | None,
    add_labels: bool,
    as_suggestions: bool,
    source: str | None,
    keep_boilerplate: bool,
    **chosen,
):
    """Import documents (and their annotations) from files, folders and zips."""
    app = command_app(ctx, seeds=False)
    options = ImportOptions(
        annotator_name=app.config["ANNOTATOR_USER"],
        format=format_name,
        add_labels=add_labels,
        as_suggestions=as_suggestions,
        source=source,
        keep_boilerplate=keep_boilerplate,
        format_options={name: value for name, value in chosen.items() if value is not None},
    )
    try:
        with progress_bar(total_size(paths), "Importing") as advance:
            report = import_paths(engine_of(app), paths, options, progress=advance, keep_going=True)
    except (FormatError, SchemaError, SpacyMissing) as error:
        raise click.ClickException(f"{error} (nothing of that file was imported)") from None
    except ValueError as error:  # an option value the file's format does not take
        raise click.UsageError(str(error)) from None
    for file_report in report.files if len(report.files) <= 20 else []:
        _echo_file_report(file_report)
    for skipped in report.skipped:  # a link out of a folder: named, never read
        click.echo(skipped)
    for refused in report.refused:  # always listed: each is a file the user must fix
        click.echo(f"{refused.path} ({refused.format}): refused, ", nl=False)
        click.echo(f"nothing of that file was imported:\n  {refused.reason}")
    formats = Counter(file_report.format for file_report in report.files)
    chosen_formats = ", ".join(f"{name} {count}" for name, count in sorted(formats.items()))
    click.echo(
        f"imported {report.total('documents_added')} documents, "
        f"{report.total('spans_added')} spans and {report.total('suggestions_added')} "
        f"suggestions from {len(report.files)} files"
        + (f" ({chosen_formats})" if chosen_formats else "")
    )
    if report.refused:
        names = ", ".join(refused.path for refused in report.refused)
        raise click.ClickException(f"{len(report.refused)} file(s) refused: {names}")


def _echo_file_report(report: FileReport) -> None:
    """What one input added, and what was kept aside or dropped."""
    click.echo(
        f"{report.path} ({report.format}): {report.documents_added} documents added, "
        f"{report.documents_existing} already there; {report.spans_added} spans added, "
        f"{report.spans_existing} already there; {report.suggestions_added} suggestions"
    )
    for note in report.notes:  # merged texts, skipped zip members and links
        click.echo(f"  {note}")
    if report.labels_added:
        click.echo(f"  labels added to the schema: {', '.join(report.labels_added)}")
    if report.kept:
        kept = ", ".join(f"{count} {kind}" for kind, count in sorted(report.kept.items()))
        click.echo(f"  not stored as annotations, kept in the documents' metadata: {kept}")
    if report.boilerplate_lines:
        click.echo(f"  boilerplate kept out of the text ({len(report.boilerplate_lines)} lines):")
        for line in report.boilerplate_lines:
            click.echo(f"    - {line}")


@click.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice(registry.export_names()),
    default="jsonl",
    show_default=True,
)
@click.option(
    "--out", "out_path", type=click.Path(), help="Output file (a folder or .zip for brat)."
)
@click.option("--split", help="Split by document, e.g. train=0.8,dev=0.1,test=0.1.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the split.")
@click.option(
    "--layer", default="entity", show_default=True, help="CoNLL / Hugging Face: the layer."
)
@click.option(
    "--scheme",
    type=click.Choice(registry.spec("conll").export_option("scheme").choices),
    default="iob2",
    show_default=True,
)
@click.option(
    "--overlap",
    type=click.Choice(registry.spec("conll").export_option("overlap").choices),
    default="fail",
    show_default=True,
    help="CoNLL / Hugging Face: overlapping spans in the layer fail, or keep the longest.",
)
@click.pass_context
def export(ctx: click.Context, format_name: str, out_path: str | None, split, seed, **writer):
    """Export every document's annotations; a manifest is written beside the output."""
    app = command_app(ctx, seeds=False, create=False)
    target = (
        Path(out_path) if out_path else default_export_path(app.config["EXPORTS_DIR"], format_name)
    )
    database = database_file(app.config["DATABASE_URL"])
    if database is not None and target.resolve() == database.resolve():
        raise click.ClickException(f"--out {target} is the database itself; choose another path")
    with session_scope(engine_of(app)) as session:
        catalog = load_catalog(session)
        try:
            with progress_bar(_record_count(session), "Exporting") as advance:
                dataset = export_dataset(
                    session,
                    catalog,
                    format_name,
                    target,
                    split=split,
                    seed=seed,
                    writer_options=writer,
                    command=_export_command(format_name, target, split, seed, writer),
                    progress=advance,
                )
        except (ExportError, FormatError, ValueError, SpacyMissing) as error:
            raise click.ClickException(str(error)) from None
    for split_name, counts in dataset.counts.items():
        labels = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "documents")
        lines = f"{split_name}: {counts.get('documents', 0)} lines"
        click.echo(f"{lines}; {labels}" if labels else lines, err=True)
    for item in dataset.dropped:  # spans left out or split, each named
        click.echo(f"note: {item}", err=True)
    click.echo(f"manifest: {dataset.manifest}", err=True)
    for path in dataset.files:
        click.echo(str(path))


def _record_count(session) -> int:
    """About how many lines an export writes (documents; more with several annotators)."""
    from sqlalchemy import func
    from sqlalchemy import select

    from annotator.models.documents import Document

    return session.execute(select(func.count()).select_from(Document)).scalar_one()


def _export_command(format_name: str, target: Path, split, seed: int, writer: dict) -> str:
    """The command that reproduces this export, for its manifest."""
    words = ["annotator", "export", "--format", format_name, "--out", str(target)]
    if split:
        words += ["--split", split, "--seed", str(seed)]
    taken = {option.name for option in registry.spec(format_name).export_options}
    for name, value in writer.items():
        if name in taken and value is not None:
            words += ["--" + name.replace("_", "-"), str(value)]
    return shlex.join(words)
