"""A GIN index for searching case notes on PostgreSQL (casework.selectors.
search_case_notes); SQLite has no such index and searches without one."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("notes", config="english"), name="activity_notes_search")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("casework", "Activity"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("casework", "Activity"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("casework", "0005_goal_step_vocationalprofile")]

    operations = [migrations.RunPython(add_index, remove_index)]
