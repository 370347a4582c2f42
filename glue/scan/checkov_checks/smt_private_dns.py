"""CKV_SMT_3: interface VPC endpoints enable private DNS (SDK calls resolve to the endpoint, not the internet)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from smt_scan_common import unresolved, unwrap


class InterfaceEndpointPrivateDns(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Interface VPC endpoints enable private DNS",
            id="CKV_SMT_3",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_vpc_endpoint"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        kind = unwrap(conf.get("vpc_endpoint_type"))
        if unresolved(kind):
            return CheckResult.UNKNOWN
        if str(kind or "Gateway") != "Interface":
            return CheckResult.PASSED  # gateway endpoints have no DNS of their own
        self.evaluated_keys = ["vpc_endpoint_type", "private_dns_enabled"]
        enabled = unwrap(conf.get("private_dns_enabled"))
        if unresolved(enabled):
            return CheckResult.UNKNOWN
        return CheckResult.PASSED if enabled in (True, "true") else CheckResult.FAILED


check = InterfaceEndpointPrivateDns()
