"""Gapless counters: dossier codes per unit and day, receipt numbers per issuer, series and year, feedback
codes per day.

One upsert both creates the counter row and increments it, and the row stays locked by that write until
the caller's transaction ends (a PostgreSQL row lock, the SQLite database lock). Concurrent callers queue
on the row, and a rolled-back caller gives its number back: no duplicates, no gaps. That only holds
inside the transaction that uses the number, hence the check.
"""

from __future__ import annotations

from django.db import models, transaction


def draw(model: type[models.Model], **key: object) -> int:
    """The next number of ``model``'s counter row identified by ``key`` (its unique fields); the model has an
    integer ``last`` field. Must run inside the transaction that uses the number."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError(f"{model.__name__}: draw numbers inside the transaction that uses them")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(model._meta.get_field(name).column) for name in key]
    names, marks = ", ".join(columns), ", ".join(["%s"] * len(columns))
    sql = (
        f"INSERT INTO {table} ({names}, last) VALUES ({marks}, 1) "  # noqa: S608 - names from the model
        f"ON CONFLICT ({names}) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(key.values()))
        return cursor.fetchone()[0]
