"""CKV_SMT_1: every taggable resource carries the required tag keys (its tags or the provider's default_tags)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from smt_scan_common import effective_tags, required_tags, taggable_types, unresolved


class RequiredTags(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Taggable resources carry the required tags (owner, cost-center, environment, ...)",
            id="CKV_SMT_1",
            categories=[CheckCategories.CONVENTION],
            supported_resources=taggable_types(),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        tags = effective_tags(conf)
        if tags is None:
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["tags"]
        missing = [key for key in required_tags() if key not in tags or tags[key] in ("", None)]
        if any(unresolved(tags.get(key)) for key in required_tags() if key not in missing):
            return CheckResult.UNKNOWN
        return CheckResult.FAILED if missing else CheckResult.PASSED


check = RequiredTags()
