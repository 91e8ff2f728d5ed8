import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from wagtail import hooks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

# Load now what a worker's first page view would (the URLs with Wagtail's admin, every app's
# wagtail_hooks), then set the loaded code and registries, which live as long as the process,
# aside from the garbage collector. Until then a full collection walked all of them (100 ms)
# and so ran only once a quarter as many objects had piled up: the cycles each page leaves
# (pages, blocks, querysets) waited in memory, and workers grew by 6 to 9 MiB of freed but
# scattered memory. Now a full collection takes well under a millisecond, so it may run after
# every second collection of the middle generation (every tenth by default).
get_resolver().url_patterns  # noqa: B018 - loads the URLconf
hooks.get_hooks("on_serve_page")
gc.collect()
gc.freeze()
gc.collect()  # counts the frozen objects out of the next full collection's trigger
gc.set_threshold(700, 10, 1)
