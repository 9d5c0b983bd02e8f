"""The cycle review: each objective's score (computed, or overridden with a reason), a short
reflection per objective, and closing (or reopening) the cycle. :mod:`.page` shows it,
:mod:`.writes` takes its forms."""

from __future__ import annotations

from django.urls import path

from tandem.web.views.review.page import review
from tandem.web.views.review.writes import review_reflection, review_score, review_state

urlpatterns = [
    path("cycles/<str:cycle_id>/review", review, name="review"),
    path("cycles/<str:cycle_id>/review/state", review_state, name="review_state"),
    path(
        "cycles/<str:cycle_id>/review/key-results/<str:key_result_id>/score",
        review_score,
        name="review_score",
    ),
    path(
        "cycles/<str:cycle_id>/review/objectives/<str:objective_id>/reflection",
        review_reflection,
        name="review_reflection",
    ),
]
