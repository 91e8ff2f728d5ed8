"""The cache every process on one machine shares when there is no Redis: `make run`'s default.

The server, `manage.py` commands run beside it (publish_scheduled, import_wordpress, an approval
from the shell) and the task worker must see one cache, or a change one of them makes (a purge,
a new page-tree generation) never reaches the pages another serves. diskcache keeps it in SQLite
files under CACHE_DIR, with add and incr atomic across processes (the rate limits count on them).
"""

from diskcache import DjangoCache


class MachineCache(DjangoCache):
    """diskcache's Django backend, its SQLite connections kept open between requests.

    Django closes every cache as each request finishes, right for a network client, but here it
    would reopen each shard's file and reread its settings on the next request. Connections are
    per thread and per process (diskcache reopens them after a fork), so nothing is shared that
    should not be.
    """

    def close(self, **kwargs):
        pass
