from django.db import migrations

ROLE_GROUPS = ("Cluster managers", "Moderators", "Partners")


def create_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        group_model.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("directory", "0003_access_revisions_history"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
