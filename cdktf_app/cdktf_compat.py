"""The only module that imports CDKTF.

CDKTF was archived upstream (docs/adr/0001-cdktf.md); its community continuation `cdktn`
is a drop-in replacement, so moving to it is a change of the import below.
"""

import os

# jsii warns on every start that Node 20 is past end of life; the warning is not actionable here.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from cdktf import (
    App,
    LocalBackend,
    S3Backend,
    TerraformHclModule,
    TerraformOutput,
    TerraformStack,
    Testing,
)
from constructs import Construct

__all__ = [
    "App",
    "Construct",
    "LocalBackend",
    "S3Backend",
    "TerraformHclModule",
    "TerraformOutput",
    "TerraformStack",
    "Testing",
]
