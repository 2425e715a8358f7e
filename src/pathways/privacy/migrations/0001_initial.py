from django.db import migrations


class Migration(migrations.Migration):
    """The app's starting point: its requests and schedules come in the migrations after."""

    initial = True
    dependencies: list = []
    operations: list = []
