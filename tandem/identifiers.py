"""The human-readable ids every object carries (``SR-1.1``): the same in files, URLs and APIs.

People, teams, cycles, objectives, key results and dependencies share one namespace (SPEC
section 1): an id names at most one object of any kind, or an export would not load. Objects
made in Tandem get an id in the file's conventions: ``SEARCH-1`` for an objective of team
``search``, ``SEARCH-1.1`` for its first key result, ``DEP-1`` for a dependency.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.apps import apps
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction

from tandem.errors import ConflictError, InvalidError

ID_PATTERN = r"[A-Za-z0-9._-]+"
ID_MAX_LENGTH = 100
ID_RE = re.compile(ID_PATTERN)

id_validator = RegexValidator(
    f"^{ID_PATTERN}$",
    "An id is made of letters, digits, '.', '_' and '-'.",
)

# Every model whose primary key is an id of the shared namespace, with the word for its kind.
ID_KINDS: tuple[tuple[str, str], ...] = (
    ("person", "people.Person"),
    ("team", "people.Team"),
    ("cycle", "okrs.Cycle"),
    ("objective", "okrs.Objective"),
    ("key result", "okrs.KeyResult"),
    ("dependency", "dependencies.Dependency"),
)
# Room kept after a generated id's prefix for the separator and the number.
_NUMBER_ROOM = 11


def id_field(**kwargs: object) -> models.CharField[str, str]:
    """The primary key: the id of the OKR file, stable for the object's life."""
    return models.CharField(
        primary_key=True,
        max_length=ID_MAX_LENGTH,
        validators=[id_validator],
        verbose_name="id",
        **kwargs,  # type: ignore[arg-type]
    )


def next_id(prefix: str, taken: set[str], *, separator: str = "-") -> str:
    """``<prefix><separator><n>`` with n one above the highest taken (1 when none is): ids of
    deleted objects are not handed out again."""
    pattern = re.compile(rf"{re.escape(prefix)}{re.escape(separator)}(\d+)")
    numbers = [int(match.group(1)) for existing in taken if (match := pattern.fullmatch(existing))]
    return f"{prefix}{separator}{max(numbers, default=0) + 1}"


def _id_querysets(**lookup: str) -> list[models.QuerySet[models.Model, str]]:
    return [
        apps.get_model(label)
        ._default_manager.filter(**lookup)
        .order_by()
        .values_list("pk", flat=True)
        for _kind, label in ID_KINDS
    ]


def ids_starting_with(prefix: str) -> set[str]:
    """Every id of any kind that starts with ``prefix``, in one query (on the primary keys'
    indexes; SQLite's LIKE ignores case, so a few more may come back than asked for)."""
    first, *others = _id_querysets(pk__startswith=prefix)
    return set(first.union(*others, all=True))


def id_kind_in_use(object_id: str) -> str | None:
    """The kind of object that already has ``object_id`` (one query), or None when it is free."""
    kinds = [
        apps.get_model(label)
        ._default_manager.filter(pk=object_id)
        .order_by()
        .annotate(id_kind=models.Value(kind, output_field=models.CharField()))
        .values_list("id_kind", flat=True)
        for kind, label in ID_KINDS
    ]
    first, *others = kinds
    return next(iter(first.union(*others, all=True)), None)


def free_id_from(text: str, *, fallback: str) -> str:
    """A free id made from ``text`` (a name, an e-mail's local part): its letters, digits and
    '.', '_', '-' (others become '-'), numbered when taken (``ana``, ``ana-1``...)."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:80] or fallback
    return base if id_kind_in_use(base) is None else next_id(base, ids_starting_with(base))


def id_ensure_free(object_id: str, *, field: str = "id") -> str:
    """Check an id chosen by the caller: its form (InvalidError) and that nothing has it yet
    (ConflictError, the same whatever has it)."""
    if not ID_RE.fullmatch(object_id):
        raise InvalidError(
            f"'{object_id}' is not an id: use letters, digits, '.', '_' and '-' only",
            field=field,
        )
    if len(object_id) > ID_MAX_LENGTH:
        raise InvalidError(
            f"an id has at most {ID_MAX_LENGTH} characters ('{object_id[:20]}...' has "
            f"{len(object_id)})",
            field=field,
        )
    if id_kind_in_use(object_id) is not None:
        # The same answer whatever has the id, and whether or not the caller may see it: the
        # kind of a hidden objective, key result or dependency is not the caller's to learn.
        raise ConflictError(
            f"the id '{object_id}' is taken; ids are unique across people, teams, cycles, "
            "objectives, key results and dependencies (those you may not see included): "
            "choose another one, or leave the id out to get a free one",
            field=field,
        )
    return object_id


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


# The kinds everyone may see (the directory): naming one in a refusal tells nothing hidden.
_DIRECTORY_KINDS = frozenset({"person", "team", "cycle"})


def id_ensure_names(model: type[models.Model], object_id: str, *, what: str, field: str) -> None:
    """Refuse (InvalidError on ``field``) an id that names no ``model`` (``what``: "a team").

    The message names what has the id only when it is a person, a team or a cycle; an
    objective's, a key result's or a dependency's id gets the answer of an id that names
    nothing, since the caller may not see them.
    """
    if model._default_manager.filter(pk=object_id).exists():
        return
    kind = id_kind_in_use(object_id)
    noun = what.removeprefix("a ").removeprefix("an ")
    if kind is not None and kind in _DIRECTORY_KINDS:
        found = f"it is the id of {_a(kind)}"
    else:
        found = f"no {noun} has that id"
    raise InvalidError(f"'{object_id}' is not {what} ({found})", field=field)


def ids_resolve(
    model: type[models.Model], ids: Iterable[str], *, what: str, field: str
) -> list[str]:
    """``ids`` (each once, in their order) after checking in one query that each names a
    ``model``; the unknown ones are named in the InvalidError (``what``: "teams")."""
    wanted = list(dict.fromkeys(ids))
    found = set(model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
    unknown = [object_id for object_id in wanted if object_id not in found]
    if unknown:
        names = ", ".join(f"'{object_id}'" for object_id in unknown)
        raise InvalidError(f"these are not {what}: {names}", field=field)
    return wanted


def id_insert(row: models.Model) -> None:
    """Insert a new row whose id was checked free: if another change took the id meanwhile,
    a ConflictError rather than a database error."""
    try:
        with transaction.atomic():  # a savepoint, so that the caller's transaction goes on
            row.save(force_insert=True)
    except IntegrityError:
        if not type(row)._default_manager.filter(pk=row.pk).exists():
            raise
        raise ConflictError(
            f"'{row.pk}' was taken by another change at the same moment; try again",
            field="id",
        ) from None


def id_generate(prefix: str, *, separator: str = "-") -> str:
    """The next free ``<prefix><separator><n>`` among the ids of every kind.

    A prefix too long for the number to fit in ``ID_MAX_LENGTH`` is shortened.
    """
    prefix = prefix[: ID_MAX_LENGTH - _NUMBER_ROOM]
    return next_id(prefix, ids_starting_with(prefix + separator), separator=separator)


def objective_id_generate(*, owner_id: str) -> str:
    """``SEARCH-3`` for the third objective of team ``search`` (or person ``search``)."""
    return id_generate(owner_id.upper())


def key_result_id_generate(*, objective_id: str) -> str:
    """``SR-1.2`` for the second key result of ``SR-1``: the file's convention."""
    return id_generate(objective_id, separator=".")


def dependency_id_generate() -> str:
    return id_generate("DEP")
