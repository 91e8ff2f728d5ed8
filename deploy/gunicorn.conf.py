"""gunicorn for one app host: `gunicorn -c deploy/gunicorn.conf.py` from the project folder.

Every app process is stateless (PostgreSQL, Redis and S3 hold what they share), so hosts and
workers are added freely. Override any value with GUNICORN_CMD_ARGS, e.g. "--bind 0.0.0.0:8000".
"""

import os

wsgi_app = "portal.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Cores this process may run on (a container's or taskset's share, not the whole machine's);
# macOS has no affinity, only the machine's count.
if hasattr(os, "sched_getaffinity"):
    cores = len(os.sched_getaffinity(0))
else:
    cores = os.cpu_count() or 1
# Sync workers: a page is CPU work, but a checkout waits up to STRIPE_TIMEOUT seconds on Stripe
# and a webhook on the database's row lock, so one spare worker per core keeps a slow call from
# stalling readers. WEB_CONCURRENCY (gunicorn's own variable) overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * cores + 1)
# Longer than STRIPE_TIMEOUT's connect and read waits together, so a slow Stripe call answers
# the donor with "try again" instead of the worker being killed mid-request.
timeout = 30
graceful_timeout = 30
# Recycle each worker now and then so a slow leak (a library's cache) never grows unbounded;
# the jitter keeps all workers from restarting at once.
max_requests = 2000
max_requests_jitter = 200
# Behind nginx or a CDN on the same host; the proxy keeps connections open to us.
keepalive = 5
accesslog = "-"
errorlog = "-"
# gunicorn's runtime control socket (gunicornc) is one path per user: two instances on a host
# would fight over it. systemd and signals do the same work.
control_socket_disable = True
