"""Check-ins can be corrected or withdrawn, with what they said before, who, when and why."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0002_numbers_finite_within_bounds"),
        ("people", "0002_longer_texts_and_real_cycles"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkin",
            name="withdrawn",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.CreateModel(
            name="CheckInRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[("corrected", "Corrected"), ("withdrawn", "Withdrawn")],
                        max_length=10,
                    ),
                ),
                ("value", models.JSONField(blank=True, null=True)),
                ("confidence", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("note", models.TextField(blank=True, null=True)),
                ("at", models.DateTimeField(auto_now_add=True)),
                ("reason", models.TextField()),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "checkin",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="checkins.checkin",
                    ),
                ),
            ],
            options={
                "ordering": ["checkin", "at", "id"],
            },
        ),
    ]
