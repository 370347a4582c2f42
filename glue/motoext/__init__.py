"""Extensions of moto for the embedded emulator, each in moto's own layout so it could go upstream.

- servicecatalog/: products with versions, product/principal/TagOption associations, constraints,
  launch paths, ProvisionProduct through moto's CloudFormation, records, termination;
- sagemaker/: CreateProject, DescribeProject, ListProjects, DeleteProject on top of it;
- stacks.py: launches stacks whose unsupported resources are skipped and reported, not fatal.

`install()` puts them in place of moto's own backends; `python -m glue.motoext` is moto_server with them.
"""

from __future__ import annotations

import sys
from typing import Any

# How a stack launched by the emulator marks a resource it could not create (read by the demo).
SKIPPED_PREFIX = "emulator-skipped"
SKIPPED_REASON = "Not created by the emulator: "


def _rebind(attribute: str, old: Any, new: Any) -> None:
    """Every loaded moto module that holds `old` under `attribute` holds `new` from now on."""
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.") and getattr(module, attribute, None) is old:
            setattr(module, attribute, new)


def install() -> None:
    """Replace moto's Service Catalog and SageMaker backends by the extended ones (idempotent)."""
    import moto.sagemaker.models
    import moto.sagemaker.responses
    import moto.servicecatalog.models
    import moto.servicecatalog.responses

    from glue.motoext import sagemaker, servicecatalog, stacks

    stacks.install()
    for attribute, module, extended in (
        ("servicecatalog_backends", moto.servicecatalog.models, servicecatalog.servicecatalog_backends),
        ("sagemaker_backends", moto.sagemaker.models, sagemaker.sagemaker_backends),
    ):
        current = getattr(module, attribute)
        if current is not extended:
            _rebind(attribute, current, extended)
