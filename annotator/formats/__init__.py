"""Interchange formats: one module per format, each reading files into and writing files from
the `annotator.formats.records` documents. The database side lives in importing/exporting."""
