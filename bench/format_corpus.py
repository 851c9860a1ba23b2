"""The formats benchmark's corpus: bench/benchmark.py's articles (same generator and seed) as
JSONL files of `--chunk` articles, generated once and kept in `--cache DIR` when given."""

import argparse
import json
import random
import statistics
import time
from pathlib import Path

import benchmark as core
from cli_step import log


def write_corpus(folder: Path, articles: int, chunk: int) -> dict:
    """benchmark.py's corpus (same generator and seed, so the same articles) as JSONL files of
    at most chunk articles each, so that its one import is one transaction per chunk."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(core.SEED)
    entity_labels = set(core.ENTITY_LABELS)
    chars = []
    spans = entity_spans = 0
    files = []
    stream = None
    try:
        for index in range(articles):
            if index % chunk == 0:
                if stream:
                    stream.close()
                files.append(folder / f"corpus-{len(files) + 1:03d}.jsonl")
                stream = files[-1].open("w", encoding="utf-8")
            article, _ = core.corpus_article(rng, index)
            chars.append(len(article.text))
            spans += len(article.spans)
            entity_spans += sum(1 for span in article.spans if span["label"] in entity_labels)
            stream.write(json.dumps(core.record_of(article), ensure_ascii=False) + "\n")
    finally:
        if stream:
            stream.close()
    return {
        "articles": articles,
        "spans": spans,
        "entity_spans": entity_spans,
        "chars_mean": round(statistics.fmean(chars)),
        "files": [file.name for file in files],
        "bytes": sum(file.stat().st_size for file in files),
    }


def corpus(args: argparse.Namespace, workdir: Path) -> tuple[dict, list[Path]]:
    """The corpus files and their facts: from --cache when it holds them, else written."""
    folder = workdir / "corpus"
    if args.cache:
        folder = Path(args.cache).resolve() / f"corpus-{args.articles}-by-{args.chunk}"
    facts_file = folder / "facts.json"
    if facts_file.exists():
        facts = json.loads(facts_file.read_text(encoding="utf-8"))
        log(f"corpus from the cache: {folder}")
    else:
        log(f"generating {args.articles} articles")
        started = time.perf_counter()
        facts = write_corpus(folder, args.articles, args.chunk)
        facts["generate_s"] = round(time.perf_counter() - started, 2)
        facts_file.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return facts, [folder / name for name in facts["files"]]
