from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0003_runs"),
    ]

    operations = [
        migrations.AddField(
            model_name="workflowrevision",
            name="layout",
            field=models.JSONField(blank=True, default=dict, help_text='node key ("steps/name") -> {"x", "y"}'),
        ),
    ]
