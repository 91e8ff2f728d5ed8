"""Wagtail's apps as the portal installs them: without the v3 API.

Wagtail 8's images, documents, snippets and redirects apps add their routes to the v3 API in
`ready()` whether or not `wagtail.api.v3` is installed: django-ninja, and the pydantic schemas
it builds for every model, in every process. That was 11 MiB of each worker's resident memory
(the admin's own API still loads pydantic and REST framework). The portal neither installs nor
mounts the v3 API, and Wagtail's admin does not use it. These are Wagtail's configs with that
registration left out; the rest of each `ready()` is Wagtail's own, in the same order
(tests/test_worker_memory.py notices when Wagtail changes one).
"""

from django.db.models import ForeignKey
from django.db.models.signals import post_migrate
from wagtail.contrib.redirects.apps import WagtailRedirectsAppConfig
from wagtail.documents.apps import WagtailDocsAppConfig
from wagtail.images.apps import WagtailImagesAppConfig
from wagtail.snippets.apps import WagtailSnippetsAppConfig


class ImagesConfig(WagtailImagesAppConfig):
    def ready(self):
        from wagtail.admin.compare import register_comparison_class
        from wagtail.admin.forms.models import register_form_field_override
        from wagtail.admin.ui.fields import register_display_class
        from wagtail.images import get_image_model, get_permission_policy
        from wagtail.images.components import ImageDisplay
        from wagtail.images.edit_handlers import ImageFieldComparison
        from wagtail.images.signal_handlers import register_signal_handlers
        from wagtail.images.widgets import AdminImageChooser
        from wagtail.models.reference_index import ReferenceIndex
        from wagtail.permissions import register_permission_policy

        image_model = get_image_model()
        register_permission_policy(image_model, get_permission_policy())
        register_signal_handlers()
        register_form_field_override(
            ForeignKey, to=image_model, override={"widget": AdminImageChooser}
        )
        register_comparison_class(ForeignKey, to=image_model, comparison_class=ImageFieldComparison)
        register_display_class(ForeignKey, to=image_model, display_class=ImageDisplay)
        ReferenceIndex.register_model(image_model)


class DocumentsConfig(WagtailDocsAppConfig):
    def ready(self):
        from wagtail.admin.ui.fields import register_display_class
        from wagtail.documents import get_document_model, get_permission_policy
        from wagtail.documents.components import DocumentDisplay
        from wagtail.documents.signal_handlers import register_signal_handlers
        from wagtail.models.reference_index import ReferenceIndex
        from wagtail.permissions import register_permission_policy

        document_model = get_document_model()
        register_permission_policy(document_model, get_permission_policy())
        register_signal_handlers()
        register_display_class(ForeignKey, to=document_model, display_class=DocumentDisplay)
        ReferenceIndex.register_model(document_model)


class SnippetsConfig(WagtailSnippetsAppConfig):
    def ready(self):
        from wagtail.snippets.models import create_extra_permissions, register_deferred_snippets

        register_deferred_snippets()
        post_migrate.connect(create_extra_permissions, sender=self)


class RedirectsConfig(WagtailRedirectsAppConfig):
    def ready(self):
        from wagtail.contrib.redirects.models import Redirect
        from wagtail.contrib.redirects.signal_handlers import (
            autocreate_redirects_on_page_move,
            autocreate_redirects_on_slug_change,
        )
        from wagtail.permissions import register_permission_policy
        from wagtail.signals import page_slug_changed, post_page_move

        register_permission_policy(Redirect)
        post_page_move.connect(autocreate_redirects_on_page_move)
        page_slug_changed.connect(autocreate_redirects_on_slug_change)
