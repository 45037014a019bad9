"""The table of Django's database cache, the default shared cache (config/settings.py: CACHES)."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    # Creates the tables of the database caches configured now, if absent (none under Redis).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_merge_parallel_work")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
