# The editor's (deleted workflows) and the ui's (run steps) migrations, both after 0010: one graph again.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0011_editor_workflow_deleted_at"),
        ("registry", "0011_ui_run_steps"),
    ]

    operations = []
