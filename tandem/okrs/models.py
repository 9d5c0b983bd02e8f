from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.dbchecks import NUMBER_MESSAGE, JsonNumberWithin
from tandem.identifiers import ID_MAX_LENGTH, id_field
from tandem.people.models import Person, Team


class Cycle(models.Model):
    class State(models.TextChoices):
        PLANNING = "planning"
        ACTIVE = "active"
        # Read-only except for grading (score overrides).
        CLOSED = "closed"

    id = id_field()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    start = models.DateField()
    end = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNING)
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="cycle_ends_after_start",
                violation_error_message="A cycle ends after it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.start} – {self.end})"


class Objective(models.Model):
    class Kind(models.TextChoices):
        ASPIRATIONAL = "aspirational"
        COMMITTED = "committed"

    class Visibility(models.TextChoices):
        PUBLIC = "public"
        TEAM = "team"
        PRIVATE = "private"

    id = id_field()
    title = models.CharField(max_length=500)
    description = models.TextField(null=True, blank=True)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="objectives")
    # Owned by a team or by one person (an individual objective), never both.
    owner_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="objectives"
    )
    owner_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="objectives"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ASPIRATIONAL)
    visibility = models.CharField(
        max_length=7, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # An objective or key result id. Not a foreign key on purpose: a half-finished plan may
    # align to something not written yet, which lint reports (alignment-broken).
    aligns_to = models.CharField(max_length=ID_MAX_LENGTH, null=True, blank=True, db_index=True)
    is_umbrella = models.BooleanField(default=False)
    umbrella_owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="umbrellas"
    )
    umbrella_teams = models.ManyToManyField(
        Team, through="UmbrellaTeam", related_name="umbrella_objectives", blank=True
    )
    position = models.PositiveIntegerField(default=0, db_index=True)
    # Bumped by every change (services and imports): the API's ETag / If-Match.
    version = models.PositiveIntegerField(default=1)
    # Archived objectives are kept (ids stay taken, history stays) but out of plans and
    # reports; their key results go with them.
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_team__isnull=True, owner_person__isnull=False)
                | Q(owner_team__isnull=False, owner_person__isnull=True),
                name="objective_one_owner",
                violation_error_message="An objective is owned by a team or by a person.",
            ),
            models.CheckConstraint(
                condition=Q(is_umbrella=True) | Q(umbrella_owner__isnull=True),
                name="objective_umbrella_owner_only_on_umbrella",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id}: {self.title}"

    @property
    def owner_id(self) -> str:
        return self.owner_team_id or self.owner_person_id or ""


class UmbrellaTeam(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["objective", "position"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "team"], name="umbrella_team_once")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} in {self.objective_id}"


class KeyResult(models.Model):
    class Form(models.TextChoices):
        NUMERIC = "numeric"
        KEEP_ABOVE = "keep_above"
        KEEP_BELOW = "keep_below"
        BOOLEAN = "boolean"
        MILESTONES = "milestones"
        ROLLUP = "rollup"

    id = id_field()
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=500)
    description = models.TextField(null=True, blank=True)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="key_results"
    )
    weight = models.FloatField(default=1.0)
    # The day it was added, from which its pace and staleness are measured (SPEC section 2):
    # the services set it to the day it is created once its cycle is under way, an import or
    # an edit to the day given. NULL (and any day up to the cycle's start): the cycle's start.
    since = models.DateField(null=True, blank=True)
    form = models.CharField(max_length=10, choices=Form.choices)
    # Numbers keep the type they were entered with (800 stays 800, 0.5 stays 0.5), because
    # reports show the current value as entered; JSON holds either.
    start = models.JSONField(null=True, blank=True)
    target = models.JSONField(null=True, blank=True)
    threshold = models.JSONField(null=True, blank=True)
    unit = models.CharField(max_length=500, null=True, blank=True)
    # Grading: the score used instead of the computed one, why, and who decided.
    override_score = models.FloatField(null=True, blank=True)
    override_reason = models.TextField(null=True, blank=True)
    override_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # As on Objective: the version for If-Match, and archiving (see there).
    version = models.PositiveIntegerField(default=1)
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["objective__position", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="kr_weight_not_negative",
                violation_error_message="A weight is 0 or more.",
            ),
            models.CheckConstraint(
                condition=Q(override_score__isnull=True)
                | Q(override_score__gte=0, override_score__lte=1, override_reason__isnull=False),
                name="kr_override_in_range_with_reason",
                violation_error_message="A score override is between 0 and 1 and has a reason.",
            ),
            models.CheckConstraint(
                condition=~Q(form="numeric") | Q(start__isnull=False, target__isnull=False),
                name="kr_numeric_has_start_and_target",
            ),
            models.CheckConstraint(
                condition=~Q(form__in=["keep_above", "keep_below"]) | Q(threshold__isnull=False),
                name="kr_threshold_has_value",
            ),
            *(
                models.CheckConstraint(
                    condition=JsonNumberWithin(column),
                    name=f"kr_{column}_finite_within_bounds",
                    violation_error_message=NUMBER_MESSAGE.format(what=column.capitalize()),
                )
                for column in ("start", "target", "threshold")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id}: {self.title}"


class Contributor(models.Model):
    """A person or a team that helps with a key result."""

    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, related_name="contributions"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="contributions"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="contributions"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["key_result", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True, team__isnull=False)
                | Q(person__isnull=False, team__isnull=True),
                name="contributor_person_or_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id or self.team_id} on {self.key_result_id}"


class Milestone(models.Model):
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=500)
    weight = models.FloatField(default=1.0)
    done_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["key_result", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="milestone_weight_not_negative")
        ]

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    """One change to an objective or one of its key results: who, when, what. Only ever added.

    Check-ins, dependency state changes and score overrides keep their own who-and-when; this
    records the rest (created, edited, aligned, archived, restored), so an objective's page can
    show its whole history.
    """

    class Verb(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        ALIGNED = "aligned"
        UNALIGNED = "unaligned"
        ARCHIVED = "archived"
        RESTORED = "restored"

    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Ids, not foreign keys: the history outlives what it describes.
    objective_id = models.CharField(max_length=ID_MAX_LENGTH)
    subject_id = models.CharField(max_length=ID_MAX_LENGTH)
    verb = models.CharField(max_length=10, choices=Verb.choices)
    # What changed, in words ("title, weight").
    detail = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "activity"
        indexes = [models.Index(fields=["objective_id", "at"], name="activity_objective_at")]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.verb} by {self.by_id or 'someone'}"


class Reflection(models.Model):
    """An owner's short look back at an objective at the end of its cycle (the review)."""

    objective = models.OneToOneField(
        Objective, on_delete=models.CASCADE, primary_key=True, related_name="reflection"
    )
    text = models.TextField()
    by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"reflection on {self.objective_id}"
