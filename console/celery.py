"""The Celery application; tasks live in each app's tasks.py."""

import os

from celery import Celery

from .broker import use_for_filesystem_urls

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

use_for_filesystem_urls()

app = Celery("console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
