"""The table of Django's database cache, the default shared cache (config/settings.py: CACHES)."""

from typing import Any

from django.conf import settings
from django.core.management.commands.createcachetable import Command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    # The table is made whatever cache this process is configured with (the test suite's is in memory,
    # while the servers it starts use the table), if absent.
    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, settings.BLOCKWISE_CACHE_TABLE, dry_run=False)


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_merge_parallel_work")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
