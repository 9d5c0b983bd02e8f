"""Check-in values become finite numbers within ±10^15 (or true/false), in the database too.

A value stored before the rule that breaks it (a 400-digit integer, 1e400, a text) would stop
the constraint from being added: it is taken out of the check-in and kept, as it was stored, in
the check-in's note, so nothing is lost.
"""

from typing import Any

from django.db import migrations, models

import tandem.dbchecks
from tandem.dbchecks import excerpt, row_update, rows_breaking

TABLE = "checkins_checkin"


def move_unusable_values_to_the_note(apps: Any, schema_editor: Any) -> None:
    rows = rows_breaking(
        schema_editor, table=TABLE, column="value", booleans=True, text_column="note"
    )
    for id_, raw, note in rows:
        line = (
            f"[Tandem's upgrade took the value {excerpt(raw)} out of this check-in: values are "
            "finite numbers from -10^15 to 10^15.]"
        )
        row_update(
            schema_editor,
            table=TABLE,
            id_=id_,
            values={"value": None, "note": f"{note}\n{line}" if note else line},
            json_columns={"value"},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0001_initial"),
        ("okrs", "0004_activity_and_reflections"),
        ("people", "0002_longer_texts_and_real_cycles"),
    ]

    operations = [
        migrations.RunPython(move_unusable_values_to_the_note, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="checkin",
            constraint=models.CheckConstraint(
                condition=tandem.dbchecks.JsonNumberWithin("value", booleans=True),
                name="checkin_value_finite_within_bounds",
                violation_error_message=(
                    "A value that is a number must be a finite number from -10^15 to 10^15."
                ),
            ),
        ),
    ]
