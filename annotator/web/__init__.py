"""Blueprints: the document pages, the htmx span endpoints and the JSON API."""
