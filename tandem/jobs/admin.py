from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from tandem.admin_base import ViewOnlyMixin
from tandem.jobs.models import JobRun

if TYPE_CHECKING:
    JobRunAdminBase = admin.ModelAdmin[JobRun]
else:
    # django-stubs makes this generic; at run time Django's class is not subscriptable.
    JobRunAdminBase = admin.ModelAdmin


@admin.register(JobRun)
class JobRunAdmin(ViewOnlyMixin, JobRunAdminBase):
    """The runs of Tandem's jobs: the heartbeat's latest slot says the scheduler is alive."""

    list_display = ["job", "key", "attempts", "started", "finished", "due", "last_error"]
    list_filter = ["job", "finished"]
    search_fields = ["job", "key"]
    ordering = ["-started"]
