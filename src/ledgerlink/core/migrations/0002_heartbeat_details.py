from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AlterModelOptions(name="workerheartbeat", options={"ordering": ["-seen_at"]}),
        migrations.AddField(
            model_name="workerheartbeat", name="host", field=models.CharField(blank=True, max_length=200)
        ),
        migrations.AddField(
            model_name="workerheartbeat", name="pid", field=models.PositiveIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="workerheartbeat", name="version", field=models.CharField(blank=True, max_length=40)
        ),
        migrations.AddField(
            model_name="workerheartbeat", name="last_round_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(model_name="workerheartbeat", name="rounds", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(
            model_name="workerheartbeat", name="last_round", field=models.JSONField(blank=True, default=dict)
        ),
    ]
