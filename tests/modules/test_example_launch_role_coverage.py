"""The launch role's default resource types cover every resource type of the example product template.

The deeper check (each type's actions allowed by the planned policy) is
tests/modules/iam_roles/test_launch_role_coverage.py; this one ties the two modules' examples together.
"""

from __future__ import annotations

import re

from cdktf_app.paths import MODULES_DIR
from glue import module_docs

EXAMPLE_TEMPLATE = MODULES_DIR / "sagemaker_template_product" / "examples" / "basic" / "template.yaml"
RESOURCE_TYPE = re.compile(r"^\s+Type:\s+(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)\s*$", re.MULTILINE)


def test_example_template_types_are_in_the_launch_role_default() -> None:
    used = set(RESOURCE_TYPE.findall(EXAMPLE_TEMPLATE.read_text()))
    assert used, "the example template declares no resources"
    variables = {variable.name: variable for variable in module_docs.read_variables(MODULES_DIR / "iam_roles")}
    covered = set(variables["template_resource_types"].default)
    assert used <= covered, f"launch role lacks {sorted(used - covered)}"
