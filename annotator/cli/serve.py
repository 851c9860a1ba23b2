"""`annotator serve`: the app under gunicorn, a production WSGI server."""

import os
import queue
import signal

import click
from flask import Flask
from gunicorn.app.base import BaseApplication

from annotator.cli.context import command_app
from annotator.db.session import engine_of

WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)


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

    def post_fork(server, worker) -> None:
        # A connection inherited from the parent (an SQLite file handle above all) must never
        # be shared between processes: each worker opens its own.
        engine.dispose(close=False)
        # Until the worker installs its own handlers, a signal runs the master's handler,
        # which only queues it on this process's copy of the master's queue.
        worker.signals_while_booting = server.SIG_QUEUE

    def post_worker_init(worker) -> None:
        # A stop signal that came while the worker booted was queued, not acted on: the
        # worker would serve on until the master's graceful timeout (30 s) killed it.
        while True:
            try:
                if worker.signals_while_booting.get_nowait() in STOP_SIGNALS:
                    worker.alive = False
            except queue.Empty:
                return

    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "post_fork": post_fork,
        "post_worker_init": post_worker_init,
        "accesslog": None,
        # gunicorn 27 opens a control socket in ~/.gunicorn; two servers would share it.
        "control_socket_disable": True,
    }
    _Gunicorn(app, options).run()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    envvar="ANNOTATOR_WORKERS",
    default=min(os.cpu_count() or 1, 4),
    show_default="CPU cores, at most 4",
    type=click.IntRange(min=1),
    help="Worker processes: one per core lets Python use every core.",
)
@click.option("--threads", envvar="ANNOTATOR_THREADS", default=4, show_default=True, type=int)
@click.option(
    "--no-seeds",
    is_flag=True,
    help="A brand-new database starts empty, without the demo articles (ANNOTATOR_SEEDS=off).",
)
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, workers: int, threads: int, no_seeds: bool
) -> None:
    """Serve the app with gunicorn, a production WSGI server. A brand-new database gets the
    label schema and, unless --no-seeds, the demo articles in seeds/."""
    app = command_app(ctx, seeds=not no_seeds)  # once, before the workers start
    if host not in app.config["TRUSTED_HOSTS"] and host not in WILDCARD_ADDRESSES:
        app.config["TRUSTED_HOSTS"].append(host)
    click.echo(f"annotator on http://{host}:{port}/ (database {app.config['DATABASE_URL']})")
    if host in WILDCARD_ADDRESSES:
        click.echo(
            "serving every address: requests are answered only for the host names in "
            f"ANNOTATOR_TRUSTED_HOSTS (now: {', '.join(app.config['TRUSTED_HOSTS'])})"
        )
    run_gunicorn(app, bind=f"{host}:{port}", workers=workers, threads=threads)
