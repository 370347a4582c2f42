"""Who is calling: the IAM principal behind a request's access key, as Service Catalog matches it."""

from __future__ import annotations

import fnmatch
import re

from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

_ASSUMED_ROLE = re.compile(r"^arn:(?P<partition>[^:]+):sts::(?P<account>\d{12}):assumed-role/(?P<role>[^/]+)/.+$")


def caller_arn(access_key_id: str, account_id: str, region: str) -> str:
    """The ARN of the user or role (not the STS session) that signed the request."""
    _, arn, _ = sts_backends[account_id][get_partition(region)].get_caller_identity(access_key_id, region)
    return principal_of(str(arn))


def principal_of(arn: str) -> str:
    """An assumed-role session ARN becomes its role's ARN; other ARNs stay as they are."""
    match = _ASSUMED_ROLE.match(arn)
    if match is None:
        return arn
    return f"arn:{match['partition']}:iam::{match['account']}:role/{match['role']}"


def principal_matches(principal_arn: str, principal_type: str, caller: str) -> bool:
    """Whether a portfolio principal (IAM: exact ARN; IAM_PATTERN: any account, wildcards) names the caller."""
    if principal_type == "IAM":
        # The caller's role ARN carries no path; a principal with a path matches on the role name.
        return caller == principal_arn or caller == _without_path(principal_arn)
    pattern = principal_arn.replace(":iam:::", ":iam::*:", 1)
    return fnmatch.fnmatchcase(caller, pattern) or fnmatch.fnmatchcase(caller, _without_path(pattern))


def _without_path(arn: str) -> str:
    head, _, resource = arn.partition(":role/")
    if not resource:
        return arn
    return f"{head}:role/{resource.rsplit('/', 1)[-1]}"
