"""The cache table rate limits count in (CACHES["ratelimit"], procedures/rate_limits.py), made by
`migrate` like every other table."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0011_staff_notification_roles")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
