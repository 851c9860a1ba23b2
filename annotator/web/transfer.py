"""The web import and export pages: the same choices as `annotator import` and `export`."""

import re
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import request
from flask import send_file

from annotator.db.session import engine_of
from annotator.db.session import get_session
from annotator.errors import AnnotationError
from annotator.formats import registry
from annotator.formats.records import FormatError
from annotator.formats.spacy_docbin import SpacyMissing
from annotator.text.brief import brief
from annotator.transfer.dataset_export import export_dataset
from annotator.transfer.exporting import default_export_path
from annotator.transfer.importing import ImportOptions
from annotator.transfer.importing import import_paths
from annotator.web.common import catalog
from annotator.web.common import wants_fragment

bp = Blueprint("transfer", __name__)


def _import_form(**values) -> dict:
    """What the import form offers: every format and every reader option the formats declare."""
    options = [option for option in registry.import_options() if option.offered]
    return {
        "formats": registry.specs(),
        "options": [(option, registry.formats_taking(option.name)) for option in options],
        "choices": {option.name: registry.import_choices(option.name) for option in options},
        **values,
    }


@bp.get("/import")
def import_page():
    """The upload form."""
    return render_template("transfer/import.html", **_import_form(form={}))


@bp.post("/import")
def import_upload():
    """Import the uploaded files with the chosen options; show what was added or why not."""
    uploads = [f for f in request.files.getlist("files") if f.filename]
    if not uploads:
        raise AnnotationError("choose one or more files to import")
    options = _import_options()
    with tempfile.TemporaryDirectory(prefix="annotator-upload-") as folder:
        paths = [_save(upload, Path(folder), index) for index, upload in enumerate(uploads)]

        def shown(message: str) -> str:  # names the upload, not the temporary folder
            return re.sub(re.escape(folder) + r"/\d+/", "", message)

        try:
            # Each file is written whole or not at all; a refused one does not stop the others.
            report = import_paths(engine_of(current_app), paths, options, keep_going=True)
        except ValueError as error:  # SchemaError, an option the format refuses
            message = shown(str(error))
            return _import_result(None, message, "--skip-unsupported" in message), 422
        refused = [(shown(item.path), shown(item.reason)) for item in report.refused]
    if refused:
        unsupported = any("--skip-unsupported" in reason for _path, reason in refused)
        return _import_result(report, None, unsupported, refused), 422
    return _import_result(report, None, False)


def _import_result(report, error: str | None, unsupported: bool, refused=()):
    """The result fragment (or the page around it): what each file added, and each file
    refused with its reason."""
    template = "transfer/_import_result.html" if wants_fragment() else "transfer/import.html"
    return render_template(
        template,
        **_import_form(
            report=report,
            error=error,
            offer_skip=unsupported,
            refused=refused,
            form=request.form,
        ),
    )


def _import_options() -> ImportOptions:
    """The form's choices."""
    form = request.form
    format_name = form.get("format") or None
    if format_name is not None and format_name not in registry.names():
        raise AnnotationError(f"unknown format '{format_name}'")
    chosen = {}
    for option in registry.import_options():
        value = form.get(option.name)
        if option.offered and value:
            chosen[option.name] = value == "1" if option.flag else value
    return ImportOptions(
        annotator_name=current_app.config["ANNOTATOR_USER"],
        format=format_name,
        add_labels=form.get("add_labels") == "1",
        as_suggestions=form.get("as_suggestions") == "1",
        source=form.get("source") or None,
        keep_boilerplate=form.get("keep_boilerplate") == "1",
        format_options=chosen,
    )


def _save(upload, folder: Path, index: int) -> Path:
    """Store one upload in a folder of its own under the name the user gave it (without any
    folder part): the name becomes the document id, so `ä.txt` stays `ä`, and two uploads can
    no longer become one file (secure_filename made `ä.txt` and `a.txt` both `a.txt`)."""
    name = re.split(r"[/\\]", upload.filename)[-1]
    if name in ("", ".", "..") or "\x00" in name:
        name = "upload"
    if len(name.encode("utf-8", "surrogatepass")) > 255:
        raise AnnotationError(f"the file name {brief(name)} is longer than 255 bytes")
    target = folder / str(index) / name
    target.parent.mkdir()
    upload.save(target)
    return target


EXPORT_CHOICES = ("format", "split", "seed", "layer", "scheme", "overlap")


@bp.get("/export")
def export_page():
    """The export form."""
    return render_template(
        "transfer/export.html",
        formats=[registry.spec(name) for name in registry.export_names()],
    )


@bp.post("/export")
def export_download():
    """Export with the chosen options and send the files and manifest as one zip."""
    form = request.form
    format_name = form.get("format", "jsonl")
    if format_name not in registry.export_names():
        raise AnnotationError(f"unknown export format {brief(format_name)}")
    seed = form.get("seed") or "0"
    if not seed.lstrip("-").isdigit():
        raise AnnotationError(f"seed must be a whole number, not {brief(seed)}")
    target = default_export_path(current_app.config["EXPORTS_DIR"], format_name)
    writer = {
        "layer": form.get("layer") or "entity",
        "scheme": form.get("scheme") or "iob2",
        "overlap": form.get("overlap") or "fail",
    }
    try:
        dataset = export_dataset(
            get_session(),
            catalog(),
            format_name,
            target,
            split=form.get("split") or None,
            seed=int(seed),
            writer_options=writer,
            command=_export_command(form),
        )
    except (FormatError, ValueError, SpacyMissing) as error:
        raise AnnotationError(str(error)) from None
    bundle = target.with_name(target.name + ".zip")
    _zip(bundle, [*dataset.files, dataset.manifest], target.parent)
    return send_file(bundle, mimetype="application/zip", as_attachment=True)


def _export_command(form) -> str:
    """The export's choices as the manifest records them (never the form's CSRF token)."""
    chosen = {key: form.get(key) for key in EXPORT_CHOICES if form.get(key)}
    return "web export: " + ", ".join(f"{key}={value}" for key, value in sorted(chosen.items()))


def _zip(bundle: Path, paths: list[Path], root: Path) -> None:
    """Pack files (and folders) into a zip, named relative to root."""
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            for file in files:
                archive.write(file, file.relative_to(root))
