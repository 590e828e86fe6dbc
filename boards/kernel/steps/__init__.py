"""One workflow-step mechanism for every app (see declaration.py): a workflow declares its
steps once; the admin (admin.py), the pages (pages.py) and the API (api.py) are drawn from it."""

from boards.kernel.steps.declaration import (
    Preview,
    Step,
    Steps,
    StepUnavailable,
    available,
    refuse_unless_available,
    run,
)
from boards.kernel.steps.inputs import LinesField, StepForm, serializer_for, text_form

__all__ = ["LinesField", "Preview", "Step", "StepForm", "StepUnavailable", "Steps", "available",
           "refuse_unless_available", "run", "serializer_for", "text_form"]
