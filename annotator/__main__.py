"""`python -m annotator` runs the CLI."""

from annotator.cli.main import main

main()
