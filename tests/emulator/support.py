"""Helpers for the tests of the emulator's extensions (glue/motoext) through boto3.

The emulator is the test worker's (`running_emulator`), shared with every other test on the worker:
everything created here gets a unique name, and nothing is reset.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from glue import emulator
from tests.conftest import emulator_client

REGION = "us-east-1"
CATALOG_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "servicecatalog.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def unique(prefix: str) -> str:
    """A name no other test on the worker uses: the prefix and 12 random hex digits."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def refused(code: str, message: str = "") -> Iterator[None]:
    """The block must fail with this AWS error code (and a message containing `message`)."""
    with pytest.raises(ClientError) as caught:
        yield
    error = caught.value.response["Error"]
    assert error["Code"] == code, error
    assert message in error["Message"], error


# The operations glue/motoext answers (all of Service Catalog's; SageMaker's project operations).
EXTENDED_SAGEMAKER_OPERATIONS = {"CreateProject", "DescribeProject", "ListProjects", "DeleteProject"}


def check_response_shape(parsed: dict[str, Any], model: Any, **_: Any) -> None:
    """botocore parses whatever the server answers without checking it. This holds every successful
    answer of an extended operation to the operation's output shape: required members present, and
    members of the right types. (moto serializes through the same shape, so a member the shape does
    not know never reaches the client: a misnamed one shows up as missing, not as unknown.)"""
    service = model.service_model.service_name
    if service != "servicecatalog" and not (service == "sagemaker" and model.name in EXTENDED_SAGEMAKER_OPERATIONS):
        return
    if not parsed or "Error" in parsed or model.output_shape is None:
        return
    answer = {key: value for key, value in parsed.items() if key != "ResponseMetadata"}
    report = ParamValidator().validate(answer, model.output_shape)
    assert not report.has_errors(), f"{model.name} answered outside its output shape:\n{report.generate_report()}"


def checked(client: Any) -> Any:
    """The client, with every response it parses checked against the operation's output shape."""
    client.meta.events.register("after-call", check_response_shape)
    return client


def tag_map(tags: list[dict[str, str]]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags}


@dataclass(frozen=True)
class Emulator:
    """The worker's emulator: clients as the default (admin) identity or as a role, templates in S3."""

    running: emulator.RunningEmulator
    bucket: str

    @cached_property
    def account(self) -> str:
        return str(self.client("sts").get_caller_identity()["Account"])

    def client(self, service: str) -> Any:
        return checked(emulator_client(service, self.running, REGION))

    def as_role(self, role_arn: str, service: str) -> Any:
        """A client that signs with the credentials of an STS session of the role."""
        credentials = self.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="emulator-test")["Credentials"]
        return checked(
            boto3.client(
                service,
                endpoint_url=self.running.endpoint,
                region_name=REGION,
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
            )
        )

    def put_template(self, template: dict[str, Any], name: str = "template.json") -> str:
        """Upload a template under a fresh key; its S3 URL as Service Catalog and SageMaker take it."""
        key = f"{uuid.uuid4().hex}/{name}"
        self.client("s3").put_object(Bucket=self.bucket, Key=key, Body=json.dumps(template).encode())
        return self.url(key)

    def url(self, key: str) -> str:
        return f"https://{self.bucket}.s3.{REGION}.amazonaws.com/{key}"

    def role(self, name: str, trust: dict[str, Any] | None = None) -> str:
        """Create an IAM role (by default one Service Catalog may assume); its ARN."""
        document = json.dumps(trust or CATALOG_TRUST)
        return str(self.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=document)["Role"]["Arn"])

    def role_arn(self, name: str) -> str:
        """The ARN of a role of the emulator's account (it need not exist: STS sessions of it can)."""
        return f"arn:aws:iam::{self.account}:role/{name}"


# A small product template: a bucket, a bucket kept on deletion, and a CodeBuild project that moto's
# CloudFormation cannot create (the emulator skips it and says so).
PRODUCT_TEMPLATE: dict[str, Any] = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
    "Resources": {
        "Artifacts": {"Type": "AWS::S3::Bucket"},
        "Kept": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
        "Build": {
            "Type": "AWS::CodeBuild::Project",
            "Properties": {
                "Artifacts": {"Type": "NO_ARTIFACTS"},
                "Environment": {
                    "Type": "LINUX_CONTAINER",
                    "ComputeType": "BUILD_GENERAL1_SMALL",
                    "Image": "aws/codebuild/standard:7.0",
                },
                "ServiceRole": "arn:aws:iam::123456789012:role/codebuild",
                "Source": {"Type": "NO_SOURCE", "BuildSpec": "version: 0.2"},
            },
        },
    },
    "Outputs": {
        "ArtifactsBucket": {"Value": {"Ref": "Artifacts"}},
        "BuildProject": {"Value": {"Ref": "Build"}},
        "Stage": {"Value": {"Ref": "Stage"}},
    },
}


@dataclass(frozen=True)
class LaunchPath:
    """A product in a portfolio with a LAUNCH constraint, and a role (the scientist) associated with it."""

    portfolio_id: str
    product_id: str
    artifact_id: str
    launch_role_arn: str
    scientist_arn: str


def launch_path(env: Emulator, template: dict[str, Any] | None = None, prefix: str = "smt-emu") -> LaunchPath:
    """Set up, as the admin, everything a role needs to launch a product whose only version is `template`."""
    catalog = env.client("servicecatalog")
    name = unique(prefix)
    portfolio_id = catalog.create_portfolio(DisplayName=name, ProviderName="Emulator tests")["PortfolioDetail"]["Id"]
    created = catalog.create_product(
        Name=name,
        Owner="Emulator tests",
        ProductType="CLOUD_FORMATION_TEMPLATE",
        ProvisioningArtifactParameters={
            "Name": "1.0.0",
            "Info": {"LoadTemplateFromURL": env.put_template(template or PRODUCT_TEMPLATE)},
            "Type": "CLOUD_FORMATION_TEMPLATE",
        },
    )
    product_id = created["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    launch_role_arn = env.role(f"{name}-launch")
    catalog.create_constraint(
        PortfolioId=portfolio_id,
        ProductId=product_id,
        Type="LAUNCH",
        Parameters=json.dumps({"RoleArn": launch_role_arn}),
    )
    scientist_arn = env.role_arn(f"{name}-scientist")
    catalog.associate_principal_with_portfolio(
        PortfolioId=portfolio_id, PrincipalARN=scientist_arn, PrincipalType="IAM"
    )
    return LaunchPath(
        portfolio_id=portfolio_id,
        product_id=product_id,
        artifact_id=created["ProvisioningArtifactDetail"]["Id"],
        launch_role_arn=launch_role_arn,
        scientist_arn=scientist_arn,
    )


def stack_arn(record_outputs: list[dict[str, str]]) -> str:
    """The CloudformationStackARN output of a Service Catalog record."""
    (arn,) = [output["OutputValue"] for output in record_outputs if output["OutputKey"] == "CloudformationStackARN"]
    return arn
