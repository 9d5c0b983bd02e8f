"""The pages' forms: the building blocks (:mod:`.fields`), the pickers of people and teams
(:mod:`.pickers`) and the forms that edit objectives and key results (:mod:`.okrs`).

The names are importable from here, as they were before the module became a package.
"""

from __future__ import annotations

from tandem.web.forms.fields import (
    SELECT_LIMIT,
    Choices,
    Form,
    LongSelect,
    LongSelectMixin,
    LongSelectMultiple,
    NumberField,
    confidence_field,
    grouped,
    people_choices,
)
from tandem.web.forms.okrs import (
    FORM_HELP,
    KIND_HELP,
    METRIC_INPUTS,
    VISIBILITY_HELP,
    KeyResultForm,
    MilestoneForm,
    MilestoneFormSet,
    ObjectiveForm,
    error_place,
    milestone_errors,
    milestone_rows,
)
from tandem.web.forms.pickers import (
    LABELLED,
    PICKER_LIMIT,
    SEPARATORS,
    Directory,
    Match,
    Picked,
    PickerField,
    PickerInput,
    PickerMixin,
    PickerMultiple,
    PickerMultipleField,
    use_picker,
)

__all__ = [
    "FORM_HELP",
    "KIND_HELP",
    "LABELLED",
    "METRIC_INPUTS",
    "PICKER_LIMIT",
    "SELECT_LIMIT",
    "SEPARATORS",
    "VISIBILITY_HELP",
    "Choices",
    "Directory",
    "Form",
    "KeyResultForm",
    "LongSelect",
    "LongSelectMixin",
    "LongSelectMultiple",
    "Match",
    "MilestoneForm",
    "MilestoneFormSet",
    "NumberField",
    "ObjectiveForm",
    "Picked",
    "PickerField",
    "PickerInput",
    "PickerMixin",
    "PickerMultiple",
    "PickerMultipleField",
    "confidence_field",
    "error_place",
    "grouped",
    "milestone_errors",
    "milestone_rows",
    "people_choices",
    "use_picker",
]
