"""Two indexes on journals that only the summary job needs (operations/summary.py): which connectors'
journals changed since a time, and a connector's journals per status. They are the console's, so they live
in its migrations (RunSQL: the journals app's models do not name them)."""

from django.db import migrations

INDEXES = {
    "ops_journal_updated": "journals_journal (updated_at)",
    "ops_journal_connector_status": "journals_journal (connector_id, status)",
}


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_summaries_and_problems"), ("journals", "0006_closed_value_sets")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {target}", f"DROP INDEX IF EXISTS {name}")
        for name, target in INDEXES.items()
    ]
