"""The VAT type inside a "VAT amount does not fit" message was stored as English words ("excluding VAT");
it becomes a code of its own, so a Dutch reader reads it in Dutch. Other text stays as it is."""

from typing import Any

from django.db import migrations

CODE = "journal.vat_amount_wrong"
WORDS = {
    "excluding VAT": "journal.vat_type.excluding",
    "including VAT": "journal.vat_type.including",
    "without VAT": "journal.vat_type.none",
}
CODES = {code: words for words, code in WORDS.items()}


def _swap(message: Any, table: dict[str, str], forwards: bool) -> Any:
    if hasattr(message, "to_json"):  # the field gives a Message
        message = message.to_json()
    if not isinstance(message, dict) or message.get("code") != CODE or not isinstance(message.get("params"), dict):
        return message
    vat_type = message["params"].get("vat_type")
    replaced: Any
    if forwards and isinstance(vat_type, str) and vat_type in table:
        replaced = {"code": table[vat_type], "params": {}}
    elif not forwards and isinstance(vat_type, dict) and vat_type.get("code") in table:
        replaced = table[vat_type["code"]]
    else:
        return message
    return {**message, "params": {**message["params"], "vat_type": replaced}}


def _migrate(apps: Any, forwards: bool) -> None:
    table = WORDS if forwards else CODES
    Journal = apps.get_model("journals", "Journal")
    Attempt = apps.get_model("journals", "Attempt")
    for journal in Journal.objects.filter(status_message__code=CODE).only("pk", "status_message").iterator():
        Journal.objects.filter(pk=journal.pk).update(status_message=_swap(journal.status_message, table, forwards))
    for attempt in Attempt.objects.filter(messages__icontains=CODE).only("pk", "messages").iterator():
        changed = [_swap(item, table, forwards) for item in attempt.messages or []]
        if changed != attempt.messages:
            Attempt.objects.filter(pk=attempt.pk).update(messages=changed)


def forwards(apps: Any, schema_editor: Any) -> None:
    _migrate(apps, forwards=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    _migrate(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("journals", "0006_closed_value_sets"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
