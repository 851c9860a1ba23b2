"""Interchange formats: one module per format, each ending with the `FormatSpec` (spec.py) that
says what it reads, writes and takes, listed by `registry`. Readers hand over the
`annotator.formats.records` documents one at a time; the database side is annotator.transfer."""
