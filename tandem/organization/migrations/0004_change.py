from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0003_revision"),
    ]

    operations = [
        migrations.CreateModel(
            name="Change",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("revision", models.BigIntegerField(db_index=True)),
                ("kind", models.CharField(max_length=16)),
                ("object_id", models.CharField(blank=True, default="", max_length=200)),
            ],
        ),
    ]
