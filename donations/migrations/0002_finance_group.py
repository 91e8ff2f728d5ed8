"""The Finance group sees donors; editors and moderators see totals without personal data."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FINANCE = "Finance"
FINANCE_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("donations", "view_donation"),
    ("donations", "view_recurringdonation"),
    ("donations", "view_donor"),
    ("donations", "view_paymentevent"),
    ("donations", "view_donor_details"),
    ("donations", "view_donation_totals"),
    ("donations", "retry_payment_event"),
    ("donations", "add_campaign"),
    ("donations", "change_campaign"),
    ("donations", "add_patrontier"),
    ("donations", "change_patrontier"),
]
EDITOR_PERMISSIONS = [
    ("donations", "view_donation_totals"),
    ("donations", "add_campaign"),
    ("donations", "change_campaign"),
    ("donations", "add_patrontier"),
    ("donations", "change_patrontier"),
]


def permissions(apps, wanted):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in wanted
    ]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; these groups need them now.
    config = apps.get_app_config("donations")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    finance, _ = Group.objects.get_or_create(name=FINANCE)
    finance.permissions.add(*permissions(apps, FINANCE_PERMISSIONS))
    for editors in Group.objects.filter(name__in=["Editors", "Moderators"]):
        editors.permissions.add(*permissions(apps, EDITOR_PERMISSIONS))


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=FINANCE).delete()
    for editors in Group.objects.filter(name__in=["Editors", "Moderators"]):
        editors.permissions.remove(*permissions(apps, EDITOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
