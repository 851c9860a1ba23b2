"""Suggestions: pending spans from models, pattern files or imports, and their decisions."""
