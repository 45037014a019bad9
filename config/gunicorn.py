"""gunicorn settings for `make serve` / `make run`, from the environment.

Threaded workers (`gthread`): requests wait mostly on the database and on model servers, so a few
processes with several threads each serve many clients. `HOST` (default 127.0.0.1) and `PORT`
(default 8000) choose the address; `WEB_CONCURRENCY` the number of processes (gunicorn reads it
itself); `GUNICORN_THREADS` the threads per process. One access-log line per request goes to
stdout; SIGTERM finishes the requests in flight (up to `graceful_timeout`) and exits.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
if not os.environ.get("WEB_CONCURRENCY"):
    workers = min(4, (os.cpu_count() or 1) + 1)
# Runs wait on model servers for up to the model timeout; keep the worker timeout above it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# GUNICORN_ACCESS_LOG="" turns the access log off (benchmarks); "-" is stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# The path without its query string: Roboflow's routes accept `?api_key=`, which must not be logged.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# Load the app once in the master so a bad configuration (no secret key) stops the start at once.
preload_app = True
# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), which every
# gunicorn on the machine would share; nothing here uses it.
control_socket_disable = True
