"""Engines, sessions and the one transaction per user action; bulk inserts; migrations."""
