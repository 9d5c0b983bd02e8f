"""A key result's ``since``: the day it was added, from which its pace and staleness are
measured (SPEC section 2).

Existing key results get NULL, which means their cycle's start: what they were measured from
until now, so no report changes. When they were really created is not recorded anywhere
reliable (an import writes a whole plan at once), and guessing would turn them red.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("okrs", "0005_numbers_finite_within_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="keyresult",
            name="since",
            field=models.DateField(blank=True, null=True),
        ),
    ]
