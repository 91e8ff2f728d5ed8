"""Appeals already published start in sensitive mode, and a Moderators group moderates comments.

Wagtail's own first migration made a "Moderators" group for *page* moderation (publishing,
images, documents, its default approval workflow). That group keeps its members, powers and
workflow under the name "Page moderators"; "Moderators" becomes the group that can moderate
comments (approve, mark spam, reject, edit, block addresses, export and erase a commenter's
data) and nothing else.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"
PAGE_MODERATORS = "Page moderators"
PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("news", "comment", "view_comment"),
    ("news", "comment", "change_comment"),
    ("news", "comment", "erase_commenter"),
    ("news", "blockedterm", "view_blockedterm"),
    ("news", "blockedterm", "add_blockedterm"),
    ("news", "blockedterm", "change_blockedterm"),
    ("news", "blockedterm", "delete_blockedterm"),
]


def appeals_sensitive(apps, schema_editor):
    AppealPage = apps.get_model("news", "AppealPage")
    ArticlePage = apps.get_model("news", "ArticlePage")
    appeal_ids = AppealPage.objects.values_list("articlepage_ptr_id", flat=True)
    ArticlePage.objects.filter(pk__in=list(appeal_ids)).update(comments_sensitive=True)


def moderators_group(apps, schema_editor):
    # Permissions are normally made after all migrations; this group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    existing = Group.objects.filter(name=MODERATORS).first()
    if existing is not None and not Group.objects.filter(name=PAGE_MODERATORS).exists():
        existing.name = PAGE_MODERATORS
        existing.save(update_fields=["name"])
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.set(
        [
            Permission.objects.get(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=codename,
            )
            for app_label, model, codename in PERMISSIONS
        ]
    )


def remove_moderators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=MODERATORS).delete()
    Group.objects.filter(name=PAGE_MODERATORS).update(name=MODERATORS)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0003_comments"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        # Wagtail's initial data migrations give its "Moderators" page, image and document
        # permissions: they must run first, so the group they mean is the one renamed.
        ("wagtailcore", "0005_add_page_lock_permission_to_moderators"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(appeals_sensitive, migrations.RunPython.noop),
        migrations.RunPython(moderators_group, remove_moderators_group),
    ]
