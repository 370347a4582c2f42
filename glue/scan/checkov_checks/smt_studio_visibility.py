"""CKV_SMT_2: Service Catalog products carry sagemaker:studio-visibility=true (else Studio does not list them)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from smt_scan_common import effective_tags, unresolved

TAG = "sagemaker:studio-visibility"


class StudioVisibility(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Service Catalog products are visible in SageMaker Studio (tag sagemaker:studio-visibility=true)",
            id="CKV_SMT_2",
            categories=[CheckCategories.CONVENTION],
            supported_resources=["aws_servicecatalog_product"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        tags = effective_tags(conf)
        if tags is None or unresolved(tags.get(TAG)):
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["tags"]
        return CheckResult.PASSED if str(tags.get(TAG)).lower() == "true" else CheckResult.FAILED


check = StudioVisibility()
