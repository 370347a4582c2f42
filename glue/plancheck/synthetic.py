"""A synthetic but realistic Terraform plan (`terraform show -json` shape) of N managed resources.

For the plancheck benchmark (`make bench`): the layout follows the shipped stacks' plans
(cdktf.out/stacks/*/plan.json): teams as a root module call with for_each, each with a nested
bucket module (buckets, and their encryption/versioning/public-access-block/policy resources
behind for_each, tied to their bucket by `aws_s3_bucket.this[each.key]`, a KMS key with a key
policy), IAM roles and policies, Service Catalog products, a Secrets Manager secret and SSM
parameters; a VPC endpoints module (interface endpoints behind one security group) for every
few teams. Roughly 1 in 20 of most
settings is non-compliant and some values are known only after apply, so every rule has work.

Deterministic: the same (count, seed) gives the same bytes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

PROVIDER = "registry.terraform.io/hashicorp/aws"
ACCOUNT = "444455556666"
REGION = "eu-west-1"
DEFAULT_TAGS = {"cost-center": "cc-1234", "environment": "bench", "owner": "mlops-platform"}
TEAMS_PER_NETWORK = 6
BUCKETS_PER_TEAM = 10
ROLES = ("launch", "cloudformation", "codebuild", "pipeline")
PRODUCTS = ("build-train-deploy", "async-inference", "promote-pipeline")
INTERFACE_SERVICES = ("sagemaker.api", "sagemaker.runtime", "sagemaker.studio", "sts", "logs", "ecr.api")
CIDRS = ("10.30.0.0/16", "100.64.0.0/20")
SETTINGS = (
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_policy",
)

_BUCKET_COMPUTED = (
    *("acceleration_status", "acl", "bucket_domain_name", "cors_rule", "grant", "hosted_zone_id", "lifecycle_rule"),
    *("logging", "policy", "region", "replication_configuration", "request_payer"),
    *("server_side_encryption_configuration", "versioning", "website", "website_endpoint"),
)

Segments = tuple[tuple[str, str | None], ...]


def _index(key: str | int | None) -> str:
    if key is None:
        return ""
    return f"[{key}]" if isinstance(key, int) else f'["{key}"]'


def _module(segments: Segments) -> str:
    return ".".join(f"module.{call}{_index(key)}" for call, key in segments)


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Statement": list(statements), "Version": "2012-10-17"}, separators=(",", ":"))


@dataclass
class _Instance:
    segments: Segments
    type: str
    name: str
    key: str | int | None
    after: dict[str, Any]
    unknown: dict[str, Any] = field(default_factory=dict)
    computed: dict[str, Any] = field(default_factory=dict)  # known after apply on create, known on update

    @property
    def address(self) -> str:
        local = f"{self.type}.{self.name}{_index(self.key)}"
        return f"{_module(self.segments)}.{local}" if self.segments else local


def _ref(*references: str) -> dict[str, Any]:
    return {"references": list(references)}


def _const(value: Any) -> dict[str, Any]:
    return {"constant_value": value}


def _block(address: str, type_: str, name: str, expressions: dict[str, Any], for_each: list[str] | None = None) -> Any:
    block: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": type_,
        "name": name,
        "provider_config_key": "aws",
        "expressions": expressions,
        "schema_version": 0,
    }
    if for_each is not None:
        block["for_each_expression"] = _ref(*for_each)
    return block


def configuration() -> dict[str, Any]:
    """The `configuration` section: provider default_tags, the module tree, expressions and references."""
    bucket_ref = _ref("aws_s3_bucket.this", "each.key")
    buckets_module = {
        "resources": [
            _block(
                "aws_kms_key.this",
                "aws_kms_key",
                "this",
                {
                    "description": _ref("var.name"),
                    "enable_key_rotation": _ref("var.key_rotation"),
                    "policy": _ref("data.aws_iam_policy_document.key.json", "data.aws_iam_policy_document.key"),
                    "tags": _ref("var.tags"),
                },
            ),
            _block(
                "aws_kms_alias.this",
                "aws_kms_alias",
                "this",
                {"name": _ref("var.name"), "target_key_id": _ref("aws_kms_key.this.key_id", "aws_kms_key.this")},
            ),
            _block(
                "aws_s3_bucket.this",
                "aws_s3_bucket",
                "this",
                {"bucket": _ref("each.value.name", "each.value"), "tags": _ref("var.tags")},
                ["var.buckets"],
            ),
            _block(
                "aws_s3_bucket_server_side_encryption_configuration.this",
                SETTINGS[0],
                "this",
                {
                    "bucket": bucket_ref,
                    "rule": [
                        {
                            "apply_server_side_encryption_by_default": [
                                {
                                    "kms_master_key_id": _ref("aws_kms_key.this.arn", "aws_kms_key.this"),
                                    "sse_algorithm": _ref("each.value.sse_algorithm", "each.value"),
                                }
                            ],
                            "bucket_key_enabled": _const(True),
                        }
                    ],
                },
                ["aws_s3_bucket.this"],
            ),
            _block(
                "aws_s3_bucket_versioning.this",
                SETTINGS[1],
                "this",
                {"bucket": bucket_ref, "versioning_configuration": [{"status": _ref("var.buckets", "each.key")}]},
                ["aws_s3_bucket.this"],
            ),
            _block(
                "aws_s3_bucket_public_access_block.this",
                SETTINGS[2],
                "this",
                {
                    "block_public_acls": _const(True),
                    "block_public_policy": _const(True),
                    "bucket": bucket_ref,
                    "ignore_public_acls": _const(True),
                    "restrict_public_buckets": _ref("var.buckets", "each.key"),
                },
                ["aws_s3_bucket.this"],
            ),
            _block(
                "aws_s3_bucket_policy.this",
                SETTINGS[3],
                "this",
                {"bucket": bucket_ref, "policy": _ref("aws_s3_bucket.this", "each.key")},
                ["aws_s3_bucket.this"],
            ),
        ],
        "outputs": {
            "bucket_arns": {"expression": _ref("aws_s3_bucket.this"), "description": "Bucket ARNs by key."},
            "kms_key_arn": {"expression": _ref("aws_kms_key.this.arn", "aws_kms_key.this")},
        },
        "variables": {"name": {}, "buckets": {}, "tags": {"default": {}}, "key_rotation": {"default": True}},
    }
    team_module = {
        "resources": [
            _block(
                "aws_iam_role.this",
                "aws_iam_role",
                "this",
                {"assume_role_policy": _ref("each.value"), "name": _ref("var.name", "each.key")},
                ["var.roles"],
            ),
            _block(
                "aws_iam_policy.this",
                "aws_iam_policy",
                "this",
                {"name": _ref("var.name", "each.key"), "policy": _ref("each.value")},
                ["var.roles"],
            ),
            _block(
                "aws_iam_role_policy_attachment.this",
                "aws_iam_role_policy_attachment",
                "this",
                {
                    "policy_arn": _ref("aws_iam_policy.this", "each.key"),
                    "role": _ref("aws_iam_role.this", "each.key"),
                },
                ["var.roles"],
            ),
            _block(
                "aws_servicecatalog_product.this",
                "aws_servicecatalog_product",
                "this",
                {
                    "name": _ref("each.value.name", "each.value"),
                    "owner": _const("mlops-platform"),
                    "provisioning_artifact_parameters": [
                        {"template_url": _ref("module.data_buckets.bucket_arns", "module.data_buckets")}
                    ],
                    "tags": _ref("each.value.tags", "each.value"),
                    "type": _const("CLOUD_FORMATION_TEMPLATE"),
                },
                ["var.products"],
            ),
            _block(
                "aws_servicecatalog_product_portfolio_association.this",
                "aws_servicecatalog_product_portfolio_association",
                "this",
                {"portfolio_id": _ref("var.portfolio_id"), "product_id": _ref("aws_servicecatalog_product.this")},
                ["aws_servicecatalog_product.this"],
            ),
            _block(
                "aws_secretsmanager_secret.this",
                "aws_secretsmanager_secret",
                "this",
                {
                    "kms_key_id": _ref("module.data_buckets.kms_key_arn", "module.data_buckets"),
                    "name": _ref("var.name", "each.key"),
                },
                ["local.secrets"],
            ),
            _block(
                "aws_ssm_parameter.this",
                "aws_ssm_parameter",
                "this",
                {"name": _ref("var.name", "each.key"), "type": _const("String"), "value": _ref("each.value")},
                ["local.parameters"],
            ),
        ],
        "module_calls": {
            "data_buckets": {
                "source": "../s3_buckets",
                "expressions": {
                    "buckets": _ref("var.buckets"),
                    "name": _ref("var.name"),
                    "tags": _ref("var.tags"),
                },
                "module": buckets_module,
            }
        },
        "variables": {"name": {}, "roles": {}, "products": {}, "buckets": {}, "portfolio_id": {}, "tags": {}},
    }
    network_module = {
        "resources": [
            _block(
                "aws_security_group.this",
                "aws_security_group",
                "this",
                {"description": _const("HTTPS to the interface endpoints"), "vpc_id": _ref("var.vpc_id")},
            ),
            _block(
                "aws_vpc_security_group_ingress_rule.https",
                "aws_vpc_security_group_ingress_rule",
                "https",
                {
                    "cidr_ipv4": _ref("each.value"),
                    "from_port": _const(443),
                    "ip_protocol": _const("tcp"),
                    "security_group_id": _ref("aws_security_group.this.id", "aws_security_group.this"),
                    "to_port": _const(443),
                },
                ["var.cidr_blocks"],
            ),
            _block(
                "aws_vpc_endpoint.interface",
                "aws_vpc_endpoint",
                "interface",
                {
                    "private_dns_enabled": _ref("var.private_dns"),
                    "security_group_ids": _ref("aws_security_group.this.id", "aws_security_group.this"),
                    "service_name": _ref("data.aws_region.current.name", "data.aws_region.current", "each.key"),
                    "subnet_ids": _ref("var.subnet_ids"),
                    "vpc_endpoint_type": _const("Interface"),
                    "vpc_id": _ref("var.vpc_id"),
                },
                ["var.services"],
            ),
            _block(
                "aws_vpc_endpoint.s3",
                "aws_vpc_endpoint",
                "s3",
                {
                    "route_table_ids": _ref("var.route_table_ids"),
                    "service_name": _ref("data.aws_region.current.name", "data.aws_region.current"),
                    "vpc_endpoint_type": _const("Gateway"),
                    "vpc_id": _ref("var.vpc_id"),
                },
            ),
        ],
        "outputs": {"interface_endpoint_ids": {"expression": _ref("aws_vpc_endpoint.interface")}},
        "variables": {"vpc_id": {}, "cidr_blocks": {}, "services": {}, "subnet_ids": {}, "route_table_ids": {}},
    }
    root = {
        "resources": [
            _block(
                "aws_servicecatalog_portfolio.this",
                "aws_servicecatalog_portfolio",
                "this",
                {"name": _const("SageMaker project templates"), "provider_name": _const("MLOps platform team")},
            )
        ],
        "module_calls": {
            "team": {
                "source": "./modules/team",
                "expressions": {"portfolio_id": _ref("aws_servicecatalog_portfolio.this.id")},
                "for_each_expression": _ref("local.teams"),
                "module": team_module,
            },
            "network": {
                "source": "./modules/vpc_endpoints",
                "expressions": {"cidr_blocks": _const(list(CIDRS)), "services": _const(list(INTERFACE_SERVICES))},
                "for_each_expression": _ref("local.networks"),
                "module": network_module,
            },
        },
        "outputs": {
            "portfolio_id": {"expression": _ref("aws_servicecatalog_portfolio.this.id")},
            "team_bucket_arns": {"expression": _ref("module.team")},
        },
        "variables": {"environment": {"default": "bench"}},
    }
    return {
        "provider_config": {
            "aws": {
                "name": "aws",
                "full_name": PROVIDER,
                "version_constraint": ">= 5.100.0, < 7.0.0",
                "expressions": {
                    "allowed_account_ids": _const([ACCOUNT]),
                    "default_tags": [{"tags": _const(DEFAULT_TAGS)}],
                    "region": _const(REGION),
                },
            }
        },
        "root_module": root,
    }


class _Generator:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
        self.serial = 0

    def chance(self, probability: float) -> bool:
        return self.random.random() < probability

    def hex(self, length: int = 17) -> str:
        self.serial += 1
        return f"{self.random.getrandbits(64):016x}{self.serial:x}"[:length]

    def tagged(self, instance: _Instance, own: dict[str, str] | None = None) -> _Instance:
        """tags / tags_all as the AWS provider plans them (default_tags merged in)."""
        own = dict(own or {})
        if self.chance(0.02):
            own["cost-center"] = ""  # an override that empties a required tag
        instance.after["tags"] = own or None
        merged = {**DEFAULT_TAGS, **own}
        if self.chance(0.03):
            merged.pop("owner")  # the value comes from another resource: known after apply
            instance.unknown["tags_all"] = {"owner": True}
            if own:
                own.pop("owner", None)
        else:
            instance.unknown["tags_all"] = {}
        instance.after["tags_all"] = merged
        return instance

    # ---------------------------------------------------------------- modules

    def team(self, segments: Segments, team: str) -> list[_Instance]:
        found: list[_Instance] = []
        found += self.buckets((*segments, ("data_buckets", None)), team)
        for role in ROLES:
            found += self.role(segments, team, role)
        for product in PRODUCTS:
            found += self.product(segments, team, product)
        key_arn = found[0].computed.get("arn")
        secret = _Instance(
            segments,
            "aws_secretsmanager_secret",
            "this",
            "deploy-token",
            {
                "description": f"Deploy token of {team}",
                "force_overwrite_replica_secret": False,
                "name": f"smt/{team}/deploy-token",
                "recovery_window_in_days": 7 if self.chance(0.05) else 30,
            },
            unknown={"policy": True, "replica": True},
            computed={"arn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:smt/{team}/deploy-token-{self.hex(6)}"},
        )
        if key_arn and not self.chance(0.1):
            secret.after["kms_key_id"] = key_arn
        elif self.chance(0.5):
            secret.unknown["kms_key_id"] = True
        else:
            secret.after["kms_key_id"] = None  # the AWS-managed key
        found.append(self.tagged(secret))
        for parameter in ("kms-key-arn", "bucket-names"):
            found.append(
                self.tagged(
                    _Instance(
                        segments,
                        "aws_ssm_parameter",
                        "this",
                        parameter,
                        {"name": f"/smt/{team}/{parameter}", "type": "String", "tier": "Standard", "value": "…"},
                        computed={"arn": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/smt/{team}/{parameter}"},
                    )
                )
            )
        return found

    def buckets(self, segments: Segments, team: str) -> list[_Instance]:
        found: list[_Instance] = []
        key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{self.hex(8)}-{self.hex(4)}-{self.hex(12)}"
        key_policy = _policy(
            {
                "Action": "kms:*",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Resource": "*",
                "Sid": "AccountAdministersKeyThroughIam",
            },
            {
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}},
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/smt-{team}-launch"},
                "Resource": "*",
                "Sid": "ReadersDecryptThroughS3",
            },
        )
        if self.chance(0.05):
            key_policy = _policy(
                {"Action": "kms:*", "Effect": "Allow", "Principal": "*", "Resource": "*", "Sid": "Everyone"}
            )
        key = self.tagged(
            _Instance(
                segments,
                "aws_kms_key",
                "this",
                None,
                {
                    "bypass_policy_lockout_safety_check": False,
                    "customer_master_key_spec": "SYMMETRIC_DEFAULT",
                    "deletion_window_in_days": 30,
                    "description": f"Encrypts the buckets of {team}",
                    "enable_key_rotation": not self.chance(0.05),
                    "is_enabled": True,
                    "key_usage": "ENCRYPT_DECRYPT",
                    "policy": key_policy,
                },
                computed={"arn": key_arn, "id": key_arn.rsplit("/", 1)[1], "key_id": key_arn.rsplit("/", 1)[1]},
            )
        )
        if self.chance(0.05):
            del key.after["policy"]
            key.unknown["policy"] = True
        found.append(key)
        found.append(
            _Instance(
                segments,
                "aws_kms_alias",
                "this",
                None,
                {"name": f"alias/smt-{team}-buckets", "name_prefix": None},
                unknown={"target_key_arn": True, "target_key_id": True},
                computed={"arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/smt-{team}-buckets"},
            )
        )
        for number in range(BUCKETS_PER_TEAM):
            found += self.bucket(segments, team, f"b{number:02d}", key)
        return found

    def bucket(self, segments: Segments, team: str, key: str, kms: _Instance) -> list[_Instance]:
        name = f"smt-{team}-{key}-{ACCOUNT}-{REGION}"
        known = not self.chance(0.1)
        bucket = _Instance(
            segments,
            "aws_s3_bucket",
            "this",
            key,
            {"force_destroy": False, "object_lock_enabled": False, "timeouts": None},
            unknown=dict.fromkeys(_BUCKET_COMPUTED, True),
            computed={"arn": f"arn:aws:s3:::{name}", "id": name},
        )
        if known:
            bucket.after["bucket"] = name
        else:
            bucket.after["bucket_prefix"] = f"smt-{team}-{key}-"
            bucket.unknown["bucket"] = True
            bucket.computed = {}
            bucket.unknown.update(arn=True, id=True)
        self.tagged(bucket, {"team": team})
        settings: list[_Instance] = [bucket]
        bucket_value: dict[str, Any] = {"bucket": name} if known else {}
        bucket_unknown = {} if known else {"bucket": True}
        algorithm = "AES256" if self.chance(0.05) else "aws:kms"
        by_default: dict[str, Any] = {"sse_algorithm": algorithm}
        default_unknown: dict[str, Any] = {}
        if algorithm == "aws:kms":
            if "arn" in kms.computed and self.chance(0.5):
                by_default["kms_master_key_id"] = kms.computed["arn"]
            else:
                default_unknown["kms_master_key_id"] = True
        settings.append(
            _Instance(
                segments,
                SETTINGS[0],
                "this",
                key,
                {
                    **bucket_value,
                    "expected_bucket_owner": None,
                    "rule": [{"apply_server_side_encryption_by_default": [by_default], "bucket_key_enabled": True}],
                },
                unknown={
                    **bucket_unknown,
                    "id": True,
                    "rule": [{"apply_server_side_encryption_by_default": [default_unknown]}],
                },
            )
        )
        status = "Suspended" if self.chance(0.04) else "Enabled"
        settings.append(
            _Instance(
                segments,
                SETTINGS[1],
                "this",
                key,
                {
                    **bucket_value,
                    "expected_bucket_owner": None,
                    "mfa": None,
                    "versioning_configuration": [{"status": status}],
                },
                unknown={**bucket_unknown, "id": True, "versioning_configuration": [{"mfa_delete": True}]},
            )
        )
        settings.append(
            _Instance(
                segments,
                SETTINGS[2],
                "this",
                key,
                {
                    **bucket_value,
                    "block_public_acls": True,
                    "block_public_policy": True,
                    "ignore_public_acls": True,
                    "restrict_public_buckets": not self.chance(0.03),
                },
                unknown={**bucket_unknown, "id": True},
            )
        )
        policy = _Instance(
            segments, SETTINGS[3], "this", key, dict(bucket_value), unknown={**bucket_unknown, "id": True}
        )
        if known:
            arn = f"arn:aws:s3:::{name}"
            statements = [
                {
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/smt-{team}-launch"},
                    "Resource": [arn, f"{arn}/*"],
                    "Sid": "AllowRead",
                }
            ]
            if not self.chance(0.05):
                statements.append(
                    {
                        "Action": "s3:*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        "Effect": "Deny",
                        "Principal": "*",
                        "Resource": [arn, f"{arn}/*"],
                        "Sid": "DenyInsecureTransport",
                    }
                )
            policy.after["policy"] = _policy(*statements)
        else:
            policy.unknown["policy"] = True
        settings.append(policy)
        return settings

    def role(self, segments: Segments, team: str, role: str) -> list[_Instance]:
        name = f"smt-{team}-{role}"
        service = "servicecatalog" if role == "launch" else role
        trust = _policy(
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": f"{service}.amazonaws.com"},
                "Sid": "ServiceAssumes",
            }
        )
        actions = ["s3:GetObject", "s3:PutObject", "kms:Decrypt", "sagemaker:CreatePipeline"]
        statement: dict[str, Any] = {"Action": actions, "Effect": "Allow", "Resource": f"arn:aws:s3:::smt-{team}-*"}
        if self.chance(0.03):
            statement = {"Action": "*", "Effect": "Allow", "Resource": "*"}
        role_arn = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        policy_arn = f"arn:aws:iam::{ACCOUNT}:policy/{name}"
        return [
            self.tagged(
                _Instance(
                    segments,
                    "aws_iam_role",
                    "this",
                    role,
                    {
                        "assume_role_policy": trust,
                        "description": f"{role} role of {team}",
                        "force_detach_policies": False,
                        "max_session_duration": 3600,
                        "name": name,
                        "path": "/",
                        "permissions_boundary": None,
                    },
                    unknown={
                        "create_date": True,
                        "inline_policy": True,
                        "managed_policy_arns": True,
                        "unique_id": True,
                    },
                    computed={"arn": role_arn, "id": name},
                )
            ),
            self.tagged(
                _Instance(
                    segments,
                    "aws_iam_policy",
                    "this",
                    role,
                    {"description": None, "name": name, "path": "/", "policy": _policy(statement)},
                    unknown={"attachment_count": True, "policy_id": True},
                    computed={"arn": policy_arn, "id": policy_arn},
                )
            ),
            _Instance(
                segments,
                "aws_iam_role_policy_attachment",
                "this",
                role,
                {"policy_arn": policy_arn, "role": name},
                unknown={"id": True},
            ),
        ]

    def product(self, segments: Segments, team: str, product: str) -> list[_Instance]:
        tags = {"team": team}
        if not self.chance(0.1):
            tags["sagemaker:studio-visibility"] = "true"
        return [
            self.tagged(
                _Instance(
                    segments,
                    "aws_servicecatalog_product",
                    "this",
                    product,
                    {
                        "accept_language": "en",
                        "description": f"{product} for {team}",
                        "name": f"{product} [{team}]",
                        "owner": "mlops-platform",
                        "provisioning_artifact_parameters": [
                            {"disable_template_validation": False, "name": "1.0", "type": "CLOUD_FORMATION_TEMPLATE"}
                        ],
                        "type": "CLOUD_FORMATION_TEMPLATE",
                    },
                    unknown={
                        "created_time": True,
                        "has_default_path": True,
                        "provisioning_artifact_parameters": [{"template_url": True}],
                        "status": True,
                    },
                    computed={"arn": f"arn:aws:catalog:{REGION}:{ACCOUNT}:product/prod-{self.hex(13)}"},
                ),
                tags,
            ),
            _Instance(
                segments,
                "aws_servicecatalog_product_portfolio_association",
                "this",
                product,
                {"accept_language": "en", "source_portfolio_id": None},
                unknown={"id": True, "portfolio_id": True, "product_id": True},
            ),
        ]

    def network(self, segments: Segments, number: int) -> list[_Instance]:
        vpc = f"vpc-0{self.hex(16)}"
        group_id = f"sg-0{self.hex(16)}"
        group = self.tagged(
            _Instance(
                segments,
                "aws_security_group",
                "this",
                None,
                {
                    "description": "HTTPS to the interface endpoints",
                    "name_prefix": f"smt-net{number:03d}-",
                    "revoke_rules_on_delete": False,
                    "timeouts": None,
                    "vpc_id": vpc,
                },
                unknown={"egress": True, "ingress": True, "name": True, "owner_id": True},
                computed={"arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group_id}", "id": group_id},
            ),
            {"Name": f"smt-net{number:03d}-endpoints"},
        )
        found = [group]
        cidrs = list(CIDRS)
        if self.chance(0.1):
            cidrs.append("0.0.0.0/0")
        for cidr in cidrs:
            found.append(
                _Instance(
                    segments,
                    "aws_vpc_security_group_ingress_rule",
                    "https",
                    cidr,
                    {"cidr_ipv4": cidr, "from_port": 443, "ip_protocol": "tcp", "to_port": 443},
                    unknown={"arn": True, "id": True, "security_group_id": True, "security_group_rule_id": True},
                )
            )
        subnets = [f"subnet-0{self.hex(16)}" for _ in range(3)]
        for service in INTERFACE_SERVICES:
            endpoint = _Instance(
                segments,
                "aws_vpc_endpoint",
                "interface",
                service,
                {
                    "auto_accept": None,
                    "private_dns_enabled": not self.chance(0.05),
                    "service_name": f"com.amazonaws.{REGION}.{service}",
                    "subnet_ids": subnets,
                    "vpc_endpoint_type": "Interface",
                    "vpc_id": vpc,
                },
                unknown={
                    "cidr_blocks": True,
                    "dns_entry": True,
                    "network_interface_ids": True,
                    "owner_id": True,
                    "policy": True,
                    "security_group_ids": True,
                    "state": True,
                    "subnet_ids": [False, False, False],
                },
                computed={"arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/vpce-{self.hex(17)}"},
            )
            endpoint.computed["id"] = endpoint.computed["arn"].rsplit("/", 1)[1]
            found.append(self.tagged(endpoint, {"Name": f"smt-net{number:03d}-{service.replace('.', '-')}"}))
        found.append(
            self.tagged(
                _Instance(
                    segments,
                    "aws_vpc_endpoint",
                    "s3",
                    None,
                    {
                        "service_name": f"com.amazonaws.{REGION}.s3",
                        "vpc_endpoint_type": "Gateway",
                        "vpc_id": vpc,
                        "route_table_ids": [f"rtb-0{self.hex(16)}"],
                    },
                    unknown={"cidr_blocks": True, "policy": True, "prefix_list_id": True, "state": True},
                    computed={"id": f"vpce-{self.hex(17)}"},
                )
            )
        )
        return found


def _instances(count: int, seed: int) -> list[_Instance]:
    generator = _Generator(seed)
    portfolio = generator.tagged(
        _Instance(
            (),
            "aws_servicecatalog_portfolio",
            "this",
            None,
            {"description": None, "name": "SageMaker project templates", "provider_name": "MLOps platform team"},
            unknown={"created_time": True},
            computed={"arn": f"arn:aws:catalog:{REGION}:{ACCOUNT}:portfolio/port-{generator.hex(13)}"},
        )
    )
    found = [portfolio]
    number = 0
    while len(found) < count:
        if number % TEAMS_PER_NETWORK == 0:
            network = number // TEAMS_PER_NETWORK
            found += generator.network((("network", f"net{network:03d}"),), network)
        team = f"team{number:04d}"
        found += generator.team((("team", team),), team)
        number += 1
    return found[:count]


def _mark_unknown(values: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if unknown.get(key) is not True}


def _sensitive(after: dict[str, Any]) -> dict[str, Any]:
    return {
        key: ([] if isinstance(value, list) else {})
        for key, value in after.items()
        if isinstance(value, (list, dict)) and value
    }


def generate(count: int, seed: int = 1) -> dict[str, Any]:
    """A plan of exactly `count` managed resources (most created, some updated, some unchanged)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    chooser = random.Random(seed + 1)  # noqa: S311 (reproducible test data, not secrets)
    changes: list[dict[str, Any]] = []
    prior: list[dict[str, Any]] = []
    planned: dict[Segments, list[dict[str, Any]]] = {}
    for instance in _instances(count, seed):
        roll = chooser.random()
        action = "create" if roll < 0.7 else ("no-op" if roll < 0.9 else "update")
        after = dict(instance.after)
        unknown = dict(instance.unknown)
        before: dict[str, Any] | None = None
        if action == "create":
            unknown.update({key: True for key in instance.computed})
        else:
            after.update(instance.computed)
            before = dict(after)
            if action == "update":
                before["tags_all"] = dict(DEFAULT_TAGS)
                before["tags"] = None
        after = _mark_unknown(after, unknown)
        module = _module(instance.segments)
        change: dict[str, Any] = {"address": instance.address}
        if module:
            change["module_address"] = module
        change.update(mode="managed", type=instance.type, name=instance.name)
        if instance.key is not None:
            change["index"] = instance.key
        change["provider_name"] = PROVIDER
        change["change"] = {
            "actions": [action],
            "before": before,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": _sensitive(before) if before is not None else False,
            "after_sensitive": _sensitive(after),
        }
        changes.append(change)
        state: dict[str, Any] = {key: change[key] for key in ("address", "mode", "type", "name")}
        if instance.key is not None:
            state["index"] = instance.key
        state.update(provider_name=PROVIDER, schema_version=0)
        planned.setdefault(instance.segments, []).append(
            {**state, "values": after, "sensitive_values": _sensitive(after)}
        )
        if before is not None:
            prior.append({**state, "values": before, "sensitive_values": _sensitive(before)})
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "variables": {"environment": {"value": "bench"}},
        "planned_values": {
            "outputs": {"portfolio_id": {"sensitive": False}, "team_bucket_arns": {"sensitive": False}},
            "root_module": _module_tree(planned),
        },
        "resource_changes": changes,
        "output_changes": {
            name: {
                "actions": ["create"],
                "before": None,
                "after_unknown": True,
                "before_sensitive": False,
                "after_sensitive": False,
            }
            for name in ("portfolio_id", "team_bucket_arns")
        },
        "prior_state": {
            "format_version": "1.0",
            "terraform_version": "1.11.4",
            "values": {"root_module": {"resources": prior}},
        },
        "configuration": configuration(),
        "relevant_attributes": [
            {"resource": "aws_servicecatalog_portfolio.this", "attribute": ["id"]},
        ],
        "timestamp": "2026-01-01T00:00:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def _module_tree(planned: dict[Segments, list[dict[str, Any]]]) -> dict[str, Any]:
    """planned_values.root_module: resources per module instance, nested as child_modules."""
    root: dict[str, Any] = {"resources": planned.get((), [])}
    nodes: dict[Segments, dict[str, Any]] = {(): root}
    for segments in sorted(planned, key=len):
        for depth in range(1, len(segments) + 1):
            prefix = segments[:depth]
            if prefix in nodes:
                continue
            node: dict[str, Any] = {"resources": planned.get(prefix, []), "address": _module(prefix)}
            nodes[prefix[:-1]].setdefault("child_modules", []).append(node)
            nodes[prefix] = node
    if not root["resources"]:
        del root["resources"]
    return root


def write_plan(path: Path, count: int, seed: int = 1) -> int:
    """Write the plan of `count` resources to `path`; its size in bytes."""
    data = orjson.dumps(generate(count, seed))
    path.write_bytes(data)
    return len(data)
