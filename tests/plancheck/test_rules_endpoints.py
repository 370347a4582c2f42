"""VPE001-VPE003 on real plans."""

from __future__ import annotations

from tests.plancheck.verdicts import load, messages, policy, verdicts

REQUIRED = policy(required_interface_endpoints=["sagemaker.api", "sts"])


def test_pass() -> None:
    sagemaker, sts = 'aws_vpc_endpoint.interface["sagemaker.api"]', 'aws_vpc_endpoint.interface["sts"]'
    assert verdicts(load("endpoints/pass"), REQUIRED, prefix="VPE") == {
        ("VPE001", sagemaker): "pass",
        ("VPE001", sts): "pass",
        ("VPE002", sagemaker): "pass",
        ("VPE002", sts): "pass",
        ("VPE003", sagemaker): "pass",
        ("VPE003", sts): "pass",
        # the S3 gateway endpoint is no interface endpoint
    }


def test_fail() -> None:
    required = policy(required_interface_endpoints=["ecr.api", "logs", "sts"])
    assert verdicts(load("endpoints/fail"), required, prefix="VPE") == {
        ("VPE001", "aws_vpc_endpoint.ecr_api"): "pass",
        ("VPE001", "aws_vpc_endpoint.logs"): "pass",
        ("VPE001", "-/sts"): "fail",
        ("VPE002", "aws_vpc_endpoint.ecr_api"): "fail",
        ("VPE002", "aws_vpc_endpoint.logs"): "pass",
        ("VPE003", "aws_vpc_endpoint.ecr_api"): "fail",
        ("VPE003", "aws_vpc_endpoint.logs"): "fail",
    }
    found = messages(load("endpoints/fail"), required)
    assert found[("VPE003", "aws_vpc_endpoint.ecr_api")] == (
        "open to the internet: aws_security_group.inline_open ingress 0.0.0.0/0"
    )
    # ::/0 through aws_vpc_security_group_ingress_rule, 0.0.0.0/0 through aws_security_group_rule; the
    # egress rule to 0.0.0.0/0 is no problem
    assert found[("VPE003", "aws_vpc_endpoint.logs")] == (
        "open to the internet: aws_vpc_security_group_ingress_rule.anywhere_v6 ::/0; "
        "aws_security_group_rule.anywhere_v4 0.0.0.0/0"
    )


def test_unknown() -> None:
    required = policy(required_interface_endpoints=["sagemaker.api", "sts"])
    assert verdicts(load("endpoints/unknown"), required, prefix="VPE") == {
        ("VPE001", "aws_vpc_endpoint.sagemaker_api"): "pass",
        ("VPE001", "-/sts"): "unknown",  # one endpoint's service name is known only after apply
        ("VPE002", "aws_vpc_endpoint.sagemaker_api"): "unknown",  # private_dns_enabled left unset
        ("VPE002", "aws_vpc_endpoint.handed_over"): "pass",
        ("VPE003", "aws_vpc_endpoint.sagemaker_api"): "unknown",  # ingress from the VPC's IPv6 block
        ("VPE003", "aws_vpc_endpoint.handed_over"): "unknown",  # its groups are not in the plan
    }


def test_no_required_endpoints_no_vpe001() -> None:
    assert not [key for key in verdicts(load("endpoints/pass"), prefix="VPE") if key[0] == "VPE001"]
