"""The `annotator` command, one module per command family."""
