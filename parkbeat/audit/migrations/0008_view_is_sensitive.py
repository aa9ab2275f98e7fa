"""Reads of a record holding personal data (verb "view", a background check) are access to sensitive personal
data like reveals: on PostgreSQL the append-only trigger keeps them for the 1095-day floor too (see 0004)."""
from django.db import migrations

from parkbeat.audit.migrations import _trigger


def floors(*sensitive):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_trigger.function(sensitive), params=None)
    return apply


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0007_view_verb"),
    ]

    operations = [
        migrations.RunPython(floors("reveal", "view"), floors("reveal")),
    ]
