"""Coded messages instead of English text, and "Exact data" as the one name of Exact's cached data.

A journal's ``status_message`` becomes a coded message (JSON); text written before codes existed is kept as
the ``legacy`` code, shown as it was. An attempt's messages (a list of strings) become a list of coded
messages the same way. The cached Exact data's table is renamed (it was "reference data", a word that means
the ERP's key of a journal everywhere else).
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

import ledgerlink.core.messages

BATCH = 2000


def _legacy(text: str) -> dict[str, Any]:
    return {"code": "legacy", "params": {"text": text}}


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Journal = apps.get_model("journals", "Journal")
    Attempt = apps.get_model("journals", "Attempt")
    changed = []
    for journal in Journal.objects.exclude(status_message_text="").only("pk", "status_message_text").iterator():
        journal.status_message = _legacy(journal.status_message_text)
        changed.append(journal)
        if len(changed) >= BATCH:
            Journal.objects.bulk_update(changed, ["status_message"])
            changed = []
    Journal.objects.bulk_update(changed, ["status_message"])
    changed = []
    for attempt in Attempt.objects.only("pk", "messages").iterator():
        messages = attempt.messages or []
        if any(isinstance(item, str) for item in messages):
            attempt.messages = [_legacy(item) if isinstance(item, str) else item for item in messages]
            changed.append(attempt)
        if len(changed) >= BATCH:
            Attempt.objects.bulk_update(changed, ["messages"])
            changed = []
    Attempt.objects.bulk_update(changed, ["messages"])


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Journal = apps.get_model("journals", "Journal")
    Attempt = apps.get_model("journals", "Attempt")
    for journal in Journal.objects.exclude(status_message=None).iterator():
        value = journal.status_message
        value = value.to_json() if hasattr(value, "to_json") else (value or {})
        journal.status_message_text = (value.get("params") or {}).get("text") or value.get("code", "")
        journal.save(update_fields=["status_message_text"])
    for attempt in Attempt.objects.iterator():
        attempt.messages = [
            ((item.get("params") or {}).get("text") or item.get("code", "")) if isinstance(item, dict) else item
            for item in attempt.messages or []
        ]
        attempt.save(update_fields=["messages"])


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0001_initial"),
        ("journals", "0004_vat_ledgers"),
    ]

    operations = [
        migrations.RenameField(model_name="journal", old_name="status_message", new_name="status_message_text"),
        migrations.AddField(
            model_name="journal",
            name="status_message",
            field=ledgerlink.core.messages.MessageField(blank=True, null=True),
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
        migrations.RemoveField(model_name="journal", name="status_message_text"),
        migrations.RemoveConstraint(model_name="referencesnapshot", name="reference_once_per_kind"),
        migrations.RenameModel(old_name="ReferenceSnapshot", new_name="ExactDataSnapshot"),
        migrations.AlterField(
            model_name="exactdatasnapshot",
            name="connector",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="exact_data", to="connectors.connector"
            ),
        ),
        migrations.AddConstraint(
            model_name="exactdatasnapshot",
            constraint=models.UniqueConstraint(fields=("connector", "kind"), name="exact_data_once_per_kind"),
        ),
    ]
