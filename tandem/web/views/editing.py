"""Editing: the addresses of the pages that create and change objectives and key results
(:mod:`.objective_edit`, :mod:`.key_result_edit`), archive and restore them
(:mod:`.archiving`), pick what to align to and whom (:mod:`.pickers`), and show the quality
rules as advice while writing (:mod:`.advice`).
"""

from __future__ import annotations

from django.urls import path

from tandem.web.views import advice, archiving, key_result_edit, objective_edit, pickers

urlpatterns = [
    path("objectives/new", objective_edit.objective_new, name="objective_new"),
    path(
        "objectives/<str:objective_id>/edit", objective_edit.objective_edit, name="objective_edit"
    ),
    path(
        "objectives/<str:objective_id>/archive",
        archiving.objective_archive,
        name="objective_archive",
    ),
    path(
        "objectives/<str:objective_id>/restore",
        archiving.objective_restore,
        name="objective_restore",
    ),
    path(
        "objectives/<str:objective_id>/key-results/new",
        key_result_edit.key_result_new,
        name="key_result_new",
    ),
    path(
        "key-results/<str:key_result_id>/edit",
        key_result_edit.key_result_edit,
        name="key_result_edit",
    ),
    path(
        "key-results/<str:key_result_id>/archive",
        archiving.key_result_archive,
        name="key_result_archive",
    ),
    path(
        "key-results/<str:key_result_id>/restore",
        archiving.key_result_restore,
        name="key_result_restore",
    ),
    path("pick/alignment", pickers.alignment_picker, name="alignment_picker"),
    path("pick/directory", pickers.directory_picker, name="directory_picker"),
    path("advice", advice.advice, name="advice"),
]
