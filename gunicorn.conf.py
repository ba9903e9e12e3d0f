"""gunicorn settings for Rungs: gunicorn -c gunicorn.conf.py

Web workers only serve requests: the reminder scheduler never starts here (it is its own process,
`flask --app tracker worker`; see Procfile).
"""
import gc
import multiprocessing
import os

from gunicorn.glogging import Logger

from tracker.logs import RedactingFilter

wsgi_app = "tracker:create_app()"
bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
# Each worker builds its own app (and database connections) after the fork.
preload_app = False
accesslog = "-"
errorlog = "-"


class RedactingLogger(Logger):
    """gunicorn's logger, with secrets in URLs (the calendar feed's token) redacted from the access
    line and from error messages, as in the app's own request log."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactingFilter) for f in log.filters):
                log.addFilter(RedactingFilter())


logger_class = RedactingLogger
# Trust X-Forwarded-* only from a proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """The app is built: move everything made so far (modules, routes, compiled statements and
    templates) out of the garbage collector's reach. Those objects live as long as the worker, and
    otherwise every full collection walks all of them again, in the middle of some request."""
    gc.freeze()
