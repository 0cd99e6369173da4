"""Connector reasons and errors become message codes; refresh claims name their process; early 401s count.

Text already stored in ``status_reason`` and ``last_error`` is kept as the ``legacy`` code. The error
counts of the old per-connector error budget go (the exactlink governor keeps the one budget now).
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import ledgerlink.core.messages


def to_messages(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Connector = apps.get_model("connectors", "Connector")
    for row in Connector.objects.all().only("pk", "status_reason_text", "last_error_text"):
        Connector.objects.filter(pk=row.pk).update(
            status_reason={"code": "legacy", "params": {"text": row.status_reason_text}}
            if row.status_reason_text
            else None,
            last_error={"code": "legacy", "params": {"text": row.last_error_text}} if row.last_error_text else None,
        )
    apps.get_model("connectors", "UsageCounter").objects.filter(kind="error").delete()


def to_text(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Connector = apps.get_model("connectors", "Connector")
    for row in Connector.objects.all().only("pk", "status_reason", "last_error"):
        texts = []
        for value in (row.status_reason, row.last_error):
            params = (value or {}).get("params") or {} if isinstance(value, dict) else {}
            texts.append(str(params.get("text") or (value or {}).get("code") or "") if value else "")
        Connector.objects.filter(pk=row.pk).update(status_reason_text=texts[0], last_error_text=texts[1])


class Migration(migrations.Migration):
    dependencies = [("connectors", "0002_ratelimitrecord")]

    operations = [
        migrations.RenameField("connector", "status_reason", "status_reason_text"),
        migrations.RenameField("connector", "last_error", "last_error_text"),
        migrations.AddField("connector", "status_reason", ledgerlink.core.messages.MessageField(blank=True, null=True)),
        migrations.AddField("connector", "last_error", ledgerlink.core.messages.MessageField(blank=True, null=True)),
        migrations.RunPython(to_messages, to_text),
        migrations.RemoveField("connector", "status_reason_text"),
        migrations.RemoveField("connector", "last_error_text"),
        migrations.AddField("connector", "refresh_claimed_by", models.CharField(blank=True, max_length=200)),
        migrations.AddField("connector", "access_refused_at", models.DateTimeField(blank=True, null=True)),
        migrations.AddField("connector", "early_rejections", models.PositiveIntegerField(default=0)),
    ]
