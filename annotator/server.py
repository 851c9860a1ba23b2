"""Running the app under gunicorn (threaded workers, one process per core)."""

from flask import Flask
from gunicorn.app.base import BaseApplication

from annotator.db import engine_of


class _Gunicorn(BaseApplication):
    """gunicorn serving an app object made in this process, configured from our options."""

    def __init__(self, app: Flask, options: dict) -> None:
        self.app = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app


def run_gunicorn(app: Flask, *, bind: str, workers: int, threads: int) -> None:
    """Serve app until interrupted."""
    engine = engine_of(app)

    def post_fork(_server, _worker) -> None:
        # A connection inherited from the parent (an SQLite file handle above all) must never
        # be shared between processes: each worker opens its own.
        engine.dispose(close=False)

    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "post_fork": post_fork,
        "accesslog": None,
        # gunicorn 27 opens a control socket in ~/.gunicorn; two servers would share it.
        "control_socket_disable": True,
    }
    _Gunicorn(app, options).run()
