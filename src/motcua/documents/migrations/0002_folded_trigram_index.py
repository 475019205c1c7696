"""A trigram GIN index on DocumentText.folded, on PostgreSQL only.

The back office's search by words asks ``folded LIKE '% word %'`` for each word; without an index that reads
every document's text. pg_trgm's GIN index answers LIKE with a leading wildcard. SQLite keeps the plain scan
(small single-server deployments). ``CREATE EXTENSION pg_trgm`` needs a superuser, or (PostgreSQL 13+, where
pg_trgm is a trusted extension) the owner of the database; the extension ships in Debian's postgresql package.
"""

from django.db import migrations

INDEX = "documenttext_folded_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("documents", "DocumentText")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (folded gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")  # the extension stays: other tables may use it


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
