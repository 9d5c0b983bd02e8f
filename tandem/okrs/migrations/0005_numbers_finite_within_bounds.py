"""A key result's start, target and threshold become finite numbers within ±10^15, in the
database too.

A number stored before the rule that breaks it stops the constraints from being added: it is
set to the nearest bound (0 for something that is not a number at all), and what was stored is
written in the key result's description, so nothing is lost.
"""

import json
from typing import Any

from django.db import migrations, models

import tandem.dbchecks
from tandem.dbchecks import excerpt, row_update, rows_breaking

TABLE = "okrs_keyresult"
BOUND = 10**15


def _nearest(raw: str) -> int:
    try:
        value = json.loads(raw)
    except ValueError:  # an integer of more than 4,300 digits
        return -BOUND if raw.lstrip().startswith("-") else BOUND
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return -BOUND if value < 0 else BOUND


def bring_numbers_within_bounds(apps: Any, schema_editor: Any) -> None:
    for column in ("start", "target", "threshold"):
        rows = rows_breaking(
            schema_editor, table=TABLE, column=column, booleans=False, text_column="description"
        )
        for id_, raw, description in rows:
            nearest = _nearest(raw)
            line = (
                f"[Tandem's upgrade set {column} to {nearest}: it was {excerpt(raw)}, and numbers "
                "are finite, from -10^15 to 10^15.]"
            )
            row_update(
                schema_editor,
                table=TABLE,
                id_=id_,
                values={
                    column: json.dumps(nearest),
                    "description": f"{description}\n{line}" if description else line,
                },
                json_columns={column},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("okrs", "0004_activity_and_reflections"),
        ("people", "0002_longer_texts_and_real_cycles"),
    ]

    operations = [
        migrations.RunPython(bring_numbers_within_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="keyresult",
            constraint=models.CheckConstraint(
                condition=tandem.dbchecks.JsonNumberWithin("start", booleans=False),
                name="kr_start_finite_within_bounds",
                violation_error_message="Start must be a finite number from -10^15 to 10^15.",
            ),
        ),
        migrations.AddConstraint(
            model_name="keyresult",
            constraint=models.CheckConstraint(
                condition=tandem.dbchecks.JsonNumberWithin("target", booleans=False),
                name="kr_target_finite_within_bounds",
                violation_error_message="Target must be a finite number from -10^15 to 10^15.",
            ),
        ),
        migrations.AddConstraint(
            model_name="keyresult",
            constraint=models.CheckConstraint(
                condition=tandem.dbchecks.JsonNumberWithin("threshold", booleans=False),
                name="kr_threshold_finite_within_bounds",
                violation_error_message="Threshold must be a finite number from -10^15 to 10^15.",
            ),
        ),
    ]
