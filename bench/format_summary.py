"""The formats benchmark's summary: both directions per format side by side (also as a share of
the native JSONL's spans/s in the same run), the directions that are poor, and the table of
peak memory and spans/s printed on stderr."""

import sys

from cli_step import log

# Below this, a direction's throughput is flagged as poor. On 2 cores the native JSONL exports
# ~110,000 spans/s and imports ~40,000; at the default size the CLI's start-up (~0.7 s) is noise.
POOR_SPANS_PER_S = 20_000


def summary(formats: dict) -> dict:
    """Per format, both directions side by side (also as a share of the native JSONL's spans/s in
    the same run), and which directions are poor."""
    base = formats.get("jsonl", {})
    table = {}
    poor = []
    for name, figures in formats.items():
        row: dict = {}
        for phase in ("export", "import"):
            block = figures.get(phase, {})
            row[f"{phase}_s"] = block.get("wall_s")
            row[f"{phase}_spans_per_s"] = block.get("spans_per_s")
            row[f"{phase}_peak_rss_mb"] = block.get("peak_rss_mb")
            native = base.get(phase, {}).get("spans_per_s")
            if block.get("spans_per_s") is not None and native:
                row[f"{phase}_vs_jsonl"] = round(block["spans_per_s"] / native, 2)
            if block.get("spans_per_s") is not None and block["spans_per_s"] < POOR_SPANS_PER_S:
                poor.append(f"{name} {phase}")
        row["round_trip_ok"] = not figures["errors"]
        table[name] = row
    return {"table": table, "poor_throughput": poor, "poor_below_spans_per_s": POOR_SPANS_PER_S}


def print_table(articles: int, table: dict) -> None:
    """Peak memory and spans/s per format and direction, on stderr."""
    log(f"per format, {articles} articles: peak RSS (MB) and spans/s")
    header = f"{'format':<13}{'export MB':>10}{'spans/s':>10}{'import MB':>11}{'spans/s':>10}"
    print(header, file=sys.stderr)

    def cell(value, width: int) -> str:
        return f"{'-' if value is None else f'{value:,.0f}':>{width}}"

    for name, row in table.items():
        print(
            f"{name:<13}{cell(row.get('export_peak_rss_mb'), 10)}"
            f"{cell(row.get('export_spans_per_s'), 10)}{cell(row.get('import_peak_rss_mb'), 11)}"
            f"{cell(row.get('import_spans_per_s'), 10)}",
            file=sys.stderr,
        )
