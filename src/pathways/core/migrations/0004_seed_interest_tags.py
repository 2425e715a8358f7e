"""The starting vocabulary of interests and sectors. Councils can add tags later; the
codes are what imports and matching use."""

from django.db import migrations

TAGS = [
    ("admin", "Office and admin"),
    ("animals", "Animals"),
    ("arts", "Arts and crafts"),
    ("care", "Care and support work"),
    ("catering", "Catering and cooking"),
    ("cleaning", "Cleaning and housekeeping"),
    ("construction", "Building and construction"),
    ("customer_service", "Customer service"),
    ("digital", "Computers and digital"),
    ("driving", "Driving and delivery"),
    ("education", "Schools and education"),
    ("gardening", "Gardening and horticulture"),
    ("health", "Health services"),
    ("hospitality", "Hotels and hospitality"),
    ("leisure", "Sport and leisure"),
    ("libraries", "Libraries and museums"),
    ("manufacturing", "Making things and manufacturing"),
    ("music", "Music and performance"),
    ("outdoors", "Working outdoors"),
    ("recycling", "Recycling and environment"),
    ("retail", "Shops and retail"),
    ("warehouse", "Warehouse and logistics"),
]


def add_tags(apps, schema_editor):
    InterestTag = apps.get_model("core", "InterestTag")
    for code, label in TAGS:
        InterestTag.objects.get_or_create(code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("core", "0003_interesttag")]

    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
