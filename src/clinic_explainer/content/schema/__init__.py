"""The shape of every content file, as pydantic models, one module per family of files.

Each ``*File`` model is the root of one file in content/. Checks that span several items
(ordering, unique ids) raise :class:`FieldProblem` so the error names the exact field.
References between files (an FAQ id, a source id) are checked by ``content.load``.
"""

from clinic_explainer.content.schema.base import *  # noqa: F403
from clinic_explainer.content.schema.care import *  # noqa: F403
from clinic_explainer.content.schema.clinic import *  # noqa: F403
from clinic_explainer.content.schema.explorers import *  # noqa: F403
from clinic_explainer.content.schema.facts import *  # noqa: F403
from clinic_explainer.content.schema.faq import *  # noqa: F403
from clinic_explainer.content.schema.questions import *  # noqa: F403
from clinic_explainer.content.schema.series import *  # noqa: F403
from clinic_explainer.content.schema.ui import *  # noqa: F403
from clinic_explainer.content.schema.review import *  # noqa: F403
