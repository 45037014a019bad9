"""Runs get the id their log lines carry. Rows from before have none (their lines carried none): the
field is added empty, then given its default for new rows, so old rows do not share one value."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_run_input_previews"),
    ]

    operations = [
        migrations.AddField(
            model_name="run",
            name="uid",
            field=models.UUIDField(db_index=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="run",
            name="uid",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False, null=True),
        ),
    ]
