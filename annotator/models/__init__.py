"""Tables by domain, and the validated inputs that create their rows.

One database is one annotation project: its label schema (layers and labels), its documents,
and the spans and statuses of every annotator. Offsets are Python code points, `[start, end)`
(see `annotator.text.offsets`).
"""
