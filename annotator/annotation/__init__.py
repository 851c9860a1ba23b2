"""The one write path for annotations: span rules, spans and status. The htmx views, the JSON
API, the CLI, the importer and suggestions all call these functions."""
