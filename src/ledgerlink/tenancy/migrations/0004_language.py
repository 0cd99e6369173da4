"""The interface language: a company default and a user's own choice.

Companies that exist already keep English, the language they have been shown until now; companies made
from now on are Dutch (the model's default). Users start without a choice of their own (the company's).
The defaults are the database's too, so a row written by code that does not know the column (an older
process during a rolling update, a migration's historical model) gets them.
"""

from django.db import migrations, models

CHOICES = [("nl", "Nederlands"), ("en", "English")]


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0003_one_audit_trail"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="language",
            field=models.CharField(choices=CHOICES, default="en", max_length=8, verbose_name="language"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="company",
            name="language",
            field=models.CharField(
                choices=CHOICES, default="nl", db_default="nl", max_length=8, verbose_name="language"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(blank=True, choices=CHOICES, db_default="", max_length=8, verbose_name="language"),
        ),
    ]
