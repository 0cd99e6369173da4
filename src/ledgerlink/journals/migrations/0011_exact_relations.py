"""A connector's customers become rows found by code (ExactRelation) instead of one JSON list to load whole."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def customers_to_rows(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Customers read before this migration were one JSON list per connector: each becomes a row."""
    Snapshot = apps.get_model("journals", "ExactDataSnapshot")
    Relation = apps.get_model("journals", "ExactRelation")
    for snapshot in Snapshot.objects.filter(kind="customers"):
        items = snapshot.items if isinstance(snapshot.items, list) else []
        rows: dict[str, Any] = {}
        for item in items:
            rows.setdefault(
                item["code"],
                Relation(
                    connector_id=snapshot.connector_id,
                    kind="customers",
                    division=snapshot.division,
                    generation=1,
                    code=item["code"],
                    exact_id=item["id"],
                    name=item.get("name", ""),
                ),
            )
        Relation.objects.bulk_create(rows.values(), batch_size=2000)
        snapshot.items = {"count": len(rows), "generation": 1}
        snapshot.save(update_fields=["items"])


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0004_events_in_the_audit_trail"),
        ("journals", "0010_claim_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExactRelation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("gl_accounts", "GL accounts"),
                            ("vat_codes", "VAT codes"),
                            ("journals", "Journals"),
                            ("periods", "Financial periods"),
                            ("customers", "Customers"),
                        ],
                        max_length=16,
                    ),
                ),
                ("division", models.PositiveIntegerField()),
                ("generation", models.PositiveIntegerField()),
                ("code", models.CharField(max_length=30)),
                ("exact_id", models.CharField(max_length=36)),
                ("name", models.CharField(blank=True, max_length=255)),
                (
                    "connector",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="exact_relations",
                        to="connectors.connector",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("connector", "kind", "generation", "code"), name="exact_relation_once_per_code"
                    )
                ],
            },
        ),
        migrations.RunPython(customers_to_rows, migrations.RunPython.noop),
    ]
