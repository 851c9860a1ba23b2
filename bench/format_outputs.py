"""What an export wrote, counted by reading its files directly rather than through the
project's readers (JSON spans, brat T-lines, CoNLL `B-` tags, Hugging Face `B-` tag ids, spaCy
`doc.spans`/`doc.ents`), and what a database holds."""

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import benchmark as core


def db_counts(db_path: Path) -> dict:
    """Documents and spans in a database (spans per layer too)."""
    counts = core.db_counts(db_path)
    with sqlite3.connect(db_path) as connection:
        try:
            rows = connection.execute(
                "SELECT layer.name, count(*) FROM span JOIN label ON label.id = span.label_id "
                "JOIN layer ON layer.id = label.layer_id GROUP BY layer.name"
            ).fetchall()
        except sqlite3.Error:
            rows = []
    connection.close()
    if rows:
        counts["spans_by_layer"] = dict(sorted(rows))
    return counts


# --- counting what an export wrote, independently of the readers ---------------------------------


def _json_lines(path: Path):
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


def count_jsonl(path: Path) -> tuple[int, int]:
    documents = spans = 0
    for record in _json_lines(path):
        documents += 1
        spans += len(record.get("spans") or [])
    return documents, spans


def count_prodigy(path: Path) -> tuple[int, int]:
    documents = spans = 0
    for task in _json_lines(path):
        documents += 1
        if task.get("answer", "accept") == "accept":
            spans += sum(
                1 for s in task.get("spans") or [] if s.get("answer", "accept") == "accept"
            )
    return documents, spans


def count_doccano(path: Path) -> tuple[int, int]:
    documents = spans = 0
    for record in _json_lines(path):
        documents += 1
        spans += len(record.get("label") or record.get("labels") or record.get("entities") or [])
    return documents, spans


def count_label_studio(path: Path) -> tuple[int, int]:
    tasks = json.loads(path.read_text(encoding="utf-8"))
    spans = 0
    for task in tasks:
        for annotation in task.get("annotations") or []:
            for item in annotation.get("result") or []:
                if item.get("type") == "labels":
                    spans += len(item["value"]["labels"])
    return len(tasks), spans


def count_brat(path: Path) -> tuple[int, int]:
    documents = spans = 0
    for ann in path.rglob("*.ann"):
        documents += 1
        with ann.open(encoding="utf-8") as stream:
            spans += sum(1 for line in stream if line.startswith("T"))
    return documents, spans


def count_conll(path: Path) -> tuple[int, int]:
    """Documents (-DOCSTART- lines) and spans (B- tags: the writer uses IOB2)."""
    documents = spans = 0
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("-DOCSTART-"):
                documents += 1
            elif line.rstrip("\n").rpartition("\t")[2].startswith("B-"):
                spans += 1
    return documents, spans


def count_hf(path: Path) -> tuple[int, int]:
    names = json.loads(path.with_name(f"{path.stem}.labels.json").read_text(encoding="utf-8"))
    begins = {index for index, name in enumerate(names) if name.startswith("B-")}
    documents = spans = 0
    for row in _json_lines(path):
        documents += 1
        spans += sum(1 for tag in row["ner_tags"] if tag in begins)
    return documents, spans


def count_spacy(path: Path) -> tuple[int, int]:
    """Spans in every doc.spans group and in doc.ents, the same span once (as the reader does)."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    documents = spans = 0
    files = sorted(path.rglob("*.spacy")) if path.is_dir() else [path]
    docs = (
        doc for file in files for doc in DocBin().from_bytes(file.read_bytes()).get_docs(Vocab())
    )
    for doc in docs:
        documents += 1
        found = {
            (s.start_char, s.end_char, s.label_, key) for key in doc.spans for s in doc.spans[key]
        }
        found.update((s.start_char, s.end_char, s.label_, "entity") for s in doc.ents)
        spans += len(found)
    return documents, spans


COUNTERS: dict[str, Callable[[Path], tuple[int, int]]] = {
    "jsonl": count_jsonl,
    "prodigy": count_prodigy,
    "doccano": count_doccano,
    "label-studio": count_label_studio,
    "brat": count_brat,
    "conll": count_conll,
    "spacy": count_spacy,
    "hf": count_hf,
}


def output_files(format_name: str, out: Path) -> list[Path]:
    """The files an export wrote (its manifest left out)."""
    if out.is_dir():
        files = [p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"]
    else:
        files = [out] if out.exists() else []
    if format_name == "hf":
        labels = out.with_name(f"{out.stem}.labels.json")
        files += [labels] if labels.exists() else []
    return files


def count_in_child(format_name: str, out: Path) -> tuple[int, int]:
    """COUNTERS[format_name](out) in a child process. A command's peak memory (wait4's
    ru_maxrss) includes the memory of the process it was forked from, so the benchmark itself
    must stay small: loading a Label Studio JSON or a DocBin here would inflate every later
    command's figure."""
    done = subprocess.run(
        [sys.executable, __file__, format_name, str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-1500:])
    documents, spans = json.loads(done.stdout)
    return documents, spans


if __name__ == "__main__":
    print(json.dumps(COUNTERS[sys.argv[1]](Path(sys.argv[2]))))  # noqa: T201
