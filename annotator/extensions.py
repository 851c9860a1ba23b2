"""Flask extensions, created unbound so any module can import them without cycles."""

from flask_htmx import HTMX

htmx = HTMX()
