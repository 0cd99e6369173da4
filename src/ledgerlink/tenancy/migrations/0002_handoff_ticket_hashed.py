from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def forget_clear_tickets(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Tickets live 60 seconds; the ones stored in clear are simply dropped (their users sign in again).
    apps.get_model("tenancy", "LoginHandoff").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forget_clear_tickets, migrations.RunPython.noop),
        migrations.RenameField(model_name="loginhandoff", old_name="nonce", new_name="nonce_hash"),
    ]
