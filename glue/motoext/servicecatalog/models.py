"""Service Catalog backend: moto's portfolios and shares, plus products with versions, associations,
constraints, TagOptions, principals and provisioning through moto's CloudFormation.

Ids and ARNs have the real shapes (port-, prod-, pa-, cons-, tag-, pp-, rec- and 13 characters).
Provisioning is synchronous: ProvisionProduct answers once the stack exists (or failed), so the
record it returns is already final when DescribeRecord is called.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.base_backend import BackendDict
from moto.core.utils import utcnow
from moto.iam.models import iam_backends
from moto.moto_api._internal import mock_random
from moto.servicecatalog.models import Portfolio, ServiceCatalogBackend

from glue.motoext import stacks
from glue.motoext.identity import principal_matches

from .exceptions import (
    DuplicateResourceException,
    InvalidParametersException,
    InvalidStateException,
    ResourceInUseException,
    ResourceNotFoundException,
)

LAUNCH = "LAUNCH"
CONSTRAINT_TYPES = ("LAUNCH", "NOTIFICATION", "RESOURCE_UPDATE", "STACKSET", "TEMPLATE")
PRINCIPAL_TYPES = ("IAM", "IAM_PATTERN")
GUIDANCE = ("DEFAULT", "DEPRECATED")
_ROLE_ARN = re.compile(r"^arn:[^:]+:iam::(\d{12}):role/(?:.*/)?([^/]+)$")


def new_id(prefix: str) -> str:
    return f"{prefix}-{mock_random.get_random_string(length=13, lower_case=True)}"


def page(
    items: list[Any], page_token: str | None, page_size: int | None, default: int = 20
) -> tuple[list[Any], str | None]:
    """One page of a list and the token of the next (the index of its first item), as the API pages."""
    start = int(page_token) if page_token and page_token.isdigit() else 0
    size = page_size or default
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


@dataclass
class ProvisioningArtifact:
    id: str
    name: str
    description: str
    type: str
    template_url: str
    active: bool = True
    guidance: str = "DEFAULT"
    created_time: datetime = field(default_factory=utcnow)

    def detail(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Name": self.name,
            "Description": self.description,
            "Type": self.type,
            "CreatedTime": self.created_time,
            "Active": self.active,
            "Guidance": self.guidance,
        }

    def summary(self) -> dict[str, Any]:
        return {"Id": self.id, "Name": self.name, "Description": self.description, "CreatedTime": self.created_time}


@dataclass
class CatalogProduct:
    id: str
    arn: str
    name: str
    owner: str
    product_type: str
    description: str | None = None
    distributor: str | None = None
    support_description: str | None = None
    support_email: str | None = None
    support_url: str | None = None
    created_time: datetime = field(default_factory=utcnow)
    artifacts: dict[str, ProvisioningArtifact] = field(default_factory=dict)

    def view_summary(self) -> dict[str, Any]:
        return {
            "Id": f"prodview-{self.id.removeprefix('prod-')}",
            "ProductId": self.id,
            "Name": self.name,
            "Owner": self.owner,
            "ShortDescription": self.description,
            "Type": self.product_type,
            "Distributor": self.distributor,
            "HasDefaultPath": False,
            "SupportEmail": self.support_email,
            "SupportDescription": self.support_description,
            "SupportUrl": self.support_url,
        }

    def view_detail(self) -> dict[str, Any]:
        return {
            "ProductViewSummary": self.view_summary(),
            "Status": "CREATED",
            "ProductARN": self.arn,
            "CreatedTime": self.created_time,
        }

    def update(self, settings: dict[str, Any]) -> None:
        for attribute, value in settings.items():
            if value is not None:
                setattr(self, attribute, value)


@dataclass
class Constraint:
    id: str
    type: str
    description: str
    parameters: str
    portfolio_id: str
    product_id: str
    owner: str

    def detail(self) -> dict[str, Any]:
        return {
            "ConstraintId": self.id,
            "Type": self.type,
            "Description": self.description,
            "Owner": self.owner,
            "ProductId": self.product_id,
            "PortfolioId": self.portfolio_id,
        }

    def launch_role_arn(self, partition: str) -> str | None:
        return launch_role_of(json.loads(self.parameters), self.owner, partition)


def launch_role_of(parameters: dict[str, Any], account_id: str, partition: str) -> str | None:
    """The role of LAUNCH constraint parameters: RoleArn, or LocalRoleName in the constraint's account."""
    role_arn, local_name = parameters.get("RoleArn"), parameters.get("LocalRoleName")
    if isinstance(role_arn, str):
        return role_arn
    if isinstance(local_name, str):
        return f"arn:{partition}:iam::{account_id}:role/{local_name}"
    return None


@dataclass
class TagOption:
    id: str
    key: str
    value: str
    owner: str
    active: bool = True

    def detail(self) -> dict[str, Any]:
        return {"Key": self.key, "Value": self.value, "Active": self.active, "Id": self.id, "Owner": self.owner}


@dataclass
class Record:
    id: str
    record_type: str
    provisioned_product: ProvisionedProduct
    status: str = "IN_PROGRESS"
    errors: list[dict[str, str]] = field(default_factory=list)
    outputs: list[dict[str, str]] = field(default_factory=list)
    created_time: datetime = field(default_factory=utcnow)
    updated_time: datetime = field(default_factory=utcnow)

    def detail(self) -> dict[str, Any]:
        product = self.provisioned_product
        return {
            "RecordId": self.id,
            "ProvisionedProductName": product.name,
            "Status": self.status,
            "CreatedTime": self.created_time,
            "UpdatedTime": self.updated_time,
            "ProvisionedProductType": "CFN_STACK",
            "RecordType": self.record_type,
            "ProvisionedProductId": product.id,
            "ProductId": product.product_id,
            "ProvisioningArtifactId": product.artifact_id,
            "PathId": product.path_id,
            "RecordErrors": self.errors,
            "RecordTags": [{"Key": key, "Value": value} for key, value in product.tags.items()],
            **({"LaunchRoleArn": product.launch_role_arn} if product.launch_role_arn else {}),
        }

    def finish(self, error: str | None) -> None:
        self.status = "FAILED" if error else "SUCCEEDED"
        if error:
            self.errors.append({"Code": "EmulatorLaunchFailed", "Description": error})
        self.updated_time = utcnow()


@dataclass
class ProvisionedProduct:
    id: str
    arn: str
    name: str
    product_id: str
    artifact_id: str
    path_id: str
    tags: dict[str, str]
    launch_role_arn: str | None
    user_arn: str
    status: str = "UNDER_CHANGE"
    status_message: str = ""
    stack_id: str = ""
    last_record_id: str = ""
    last_successful_record_id: str | None = None
    created_time: datetime = field(default_factory=utcnow)

    def detail(self) -> dict[str, Any]:
        return {
            "Name": self.name,
            "Arn": self.arn,
            "Type": "CFN_STACK",
            "Id": self.id,
            "Status": self.status,
            "StatusMessage": self.status_message,
            "CreatedTime": self.created_time,
            "LastRecordId": self.last_record_id,
            "LastProvisioningRecordId": self.last_record_id,
            "LastSuccessfulProvisioningRecordId": self.last_successful_record_id,
            "ProductId": self.product_id,
            "ProvisioningArtifactId": self.artifact_id,
            **({"LaunchRoleArn": self.launch_role_arn} if self.launch_role_arn else {}),
        }


class ServiceCatalogTemplateBackend(ServiceCatalogBackend):
    """moto's ServiceCatalogBackend with the operations a SageMaker project template's lifecycle needs."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.catalog_products: dict[str, CatalogProduct] = {}
        self.portfolio_products: dict[str, list[str]] = {}
        self.portfolio_principals: dict[str, list[tuple[str, str]]] = {}
        self.constraints: dict[str, Constraint] = {}
        self.tag_options: dict[str, TagOption] = {}
        self.tag_option_resources: dict[str, list[str]] = {}
        self.provisioned_products: dict[str, ProvisionedProduct] = {}
        self.records: dict[str, Record] = {}

    def _arn(self, kind: str, resource_id: str) -> str:
        return f"arn:{self.partition}:catalog:{self.region_name}:{self.account_id}:{kind}/{resource_id}"

    # -- portfolios

    def create_portfolio(
        self,
        accept_language: str | None,
        display_name: str,
        description: str | None,
        provider_name: str,
        tags: list[dict[str, str]] | None,
        idempotency_token: str | None,
    ) -> tuple[dict[str, str], list[dict[str, str]]]:
        if idempotency_token and idempotency_token in self.idempotency_tokens:
            existing = self.portfolios[self.idempotency_tokens[idempotency_token]]
            return existing.to_dict(), existing.tags
        if not display_name or not provider_name:
            raise InvalidParametersException("DisplayName and ProviderName are required")
        portfolio = Portfolio(
            portfolio_id=new_id("port"),
            display_name=display_name,
            description=description or "",
            provider_name=provider_name,
            tags=tags or [],
            region_name=self.region_name,
            account_id=self.account_id,
            backend=self,
        )
        self.portfolios[portfolio.id] = portfolio
        self.portfolio_access[portfolio.id] = []
        if idempotency_token:
            self.idempotency_tokens[idempotency_token] = portfolio.id
        return portfolio.to_dict(), portfolio.tags

    def get_portfolio(self, portfolio_id: str) -> Portfolio:
        portfolio = self.portfolios.get(portfolio_id)
        if portfolio is None:
            raise ResourceNotFoundException(f"Portfolio {portfolio_id} not found.")
        return portfolio

    def describe_portfolio(
        self, accept_language: str | None, id: str
    ) -> tuple[dict[str, Any], list[dict[str, str]], list[dict[str, Any]], list[dict[str, Any]]]:
        portfolio = self.get_portfolio(id)
        return portfolio.to_dict(), self._tags_of(portfolio.arn), self._tag_options_of(id), []

    def update_portfolio(
        self,
        portfolio_id: str,
        display_name: str | None,
        description: str | None,
        provider_name: str | None,
        add_tags: list[dict[str, str]],
        remove_tags: list[str],
    ) -> tuple[dict[str, Any], list[dict[str, str]]]:
        portfolio = self.get_portfolio(portfolio_id)
        portfolio.display_name = display_name or portfolio.display_name
        portfolio.description = description if description is not None else portfolio.description
        portfolio.provider_name = provider_name or portfolio.provider_name
        self._retag(portfolio.arn, add_tags, remove_tags)
        portfolio.tags = self._tags_of(portfolio.arn)
        return portfolio.to_dict(), portfolio.tags

    def delete_portfolio(self, accept_language: str | None, id: str) -> None:
        self.get_portfolio(id)
        in_use = [
            what
            for what, present in (
                ("products", self.portfolio_products.get(id)),
                ("principals", self.portfolio_principals.get(id)),
                ("constraints", [c for c in self.constraints.values() if c.portfolio_id == id]),
                ("TagOptions", self._tag_options_of(id)),
                ("shares", self.portfolio_access.get(id) or self.portfolio_share_tokens.get(id)),
            )
            if present
        ]
        if in_use:
            raise ResourceInUseException(
                f"Portfolio {id} still has {', '.join(in_use)} associated: remove them before deleting it."
            )
        super().delete_portfolio(accept_language, id)
        self.tagger.delete_all_tags_for_resource(self._arn("portfolio", id))

    # -- products and versions

    def create_catalog_product(
        self,
        settings: dict[str, Any],
        product_type: str,
        tags: list[dict[str, str]],
        artifact: dict[str, Any] | None,
        idempotency_token: str | None,
    ) -> tuple[CatalogProduct, ProvisioningArtifact | None]:
        if idempotency_token and idempotency_token in self.idempotency_tokens:
            existing = self.get_product(self.idempotency_tokens[idempotency_token])
            return existing, next(iter(existing.artifacts.values()), None)
        if product_type not in ("CLOUD_FORMATION_TEMPLATE", "MARKETPLACE", "TERRAFORM_OPEN_SOURCE", "EXTERNAL"):
            raise InvalidParametersException(f"ProductType {product_type!r} is not valid")
        if not settings.get("name") or not settings.get("owner"):
            raise InvalidParametersException("Name and Owner are required")
        product_id = new_id("prod")
        product = CatalogProduct(
            id=product_id, arn=self._arn("product", product_id), product_type=product_type, **settings
        )
        first = self._new_artifact(product, artifact) if artifact is not None else None
        self.catalog_products[product.id] = product
        if tags:
            self._tag_resource(product.arn, tags)
        if idempotency_token:
            self.idempotency_tokens[idempotency_token] = product.id
        return product, first

    def get_product(self, product_id: str | None, name: str | None = None) -> CatalogProduct:
        if product_id:
            product = self.catalog_products.get(product_id)
        else:
            product = next((p for p in self.catalog_products.values() if p.name == name), None)
        if product is None:
            raise ResourceNotFoundException(f"Product {product_id or name} not found.")
        return product

    def update_catalog_product(
        self, product_id: str, settings: dict[str, Any], add_tags: list[dict[str, str]], remove_tags: list[str]
    ) -> CatalogProduct:
        product = self.get_product(product_id)
        product.update(settings)
        self._retag(product.arn, add_tags, remove_tags)
        return product

    def delete_catalog_product(self, product_id: str) -> None:
        product = self.get_product(product_id)
        portfolios = [pid for pid, products in self.portfolio_products.items() if product_id in products]
        if portfolios:
            raise ResourceInUseException(
                f"Product {product_id} is associated with portfolio(s) {', '.join(portfolios)}: disassociate it first."
            )
        launched = [p.id for p in self.provisioned_products.values() if p.product_id == product_id]
        if launched:
            raise ResourceInUseException(
                f"Product {product_id} has provisioned products ({', '.join(launched)}): terminate them first."
            )
        for resources in self.tag_option_resources.values():
            if product_id in resources:
                resources.remove(product_id)
        self.tagger.delete_all_tags_for_resource(product.arn)
        del self.catalog_products[product_id]

    def tags_of_product(self, product: CatalogProduct) -> list[dict[str, str]]:
        return self._tags_of(product.arn)

    def _new_artifact(self, product: CatalogProduct, parameters: dict[str, Any]) -> ProvisioningArtifact:
        info = parameters.get("Info") or {}
        url = info.get("LoadTemplateFromURL")
        if not url:
            raise InvalidParametersException("Info must hold LoadTemplateFromURL (the S3 URL of the template)")
        if not parameters.get("DisableTemplateValidation", False):
            self._validate_template(url)
        name = parameters.get("Name") or f"v{len(product.artifacts) + 1}"
        if any(existing.name == name for existing in product.artifacts.values()):
            raise DuplicateResourceException(f"Product {product.id} already has a version named {name!r}")
        artifact = ProvisioningArtifact(
            id=new_id("pa"),
            name=name,
            description=parameters.get("Description") or "",
            type=parameters.get("Type") or "CLOUD_FORMATION_TEMPLATE",
            template_url=url,
        )
        product.artifacts[artifact.id] = artifact
        return artifact

    def _validate_template(self, url: str) -> None:
        try:
            body = stacks.read_template(url, self.account_id, self.region_name)
        except LookupError as error:
            raise InvalidParametersException(f"Unable to retrieve the template: {error}") from error
        try:
            stacks.parse_template(body)
        except ValueError as error:
            raise InvalidParametersException(f"The template at {url} is not valid: {error}") from error

    def create_provisioning_artifact(
        self, product_id: str, parameters: dict[str, Any], idempotency_token: str | None
    ) -> tuple[ProvisioningArtifact, dict[str, str]]:
        product = self.get_product(product_id)
        key = f"{product_id}/{idempotency_token}" if idempotency_token else None
        if key and key in self.idempotency_tokens:
            artifact = product.artifacts[self.idempotency_tokens[key]]
        else:
            artifact = self._new_artifact(product, parameters)
            if key:
                self.idempotency_tokens[key] = artifact.id
        return artifact, {"LoadTemplateFromURL": artifact.template_url}

    def get_artifact(
        self, product: CatalogProduct, artifact_id: str | None, name: str | None = None
    ) -> ProvisioningArtifact:
        if artifact_id:
            artifact = product.artifacts.get(artifact_id)
        elif name:
            artifact = next((a for a in product.artifacts.values() if a.name == name), None)
        else:
            # No version named: the newest active one, as SageMaker CreateProject does.
            artifact = next((a for a in reversed(product.artifacts.values()) if a.active), None)
        if artifact is None:
            raise ResourceNotFoundException(f"Provisioning artifact {artifact_id or name} of {product.id} not found.")
        return artifact

    def update_provisioning_artifact(
        self,
        product_id: str,
        artifact_id: str,
        name: str | None,
        description: str | None,
        active: bool | None,
        guidance: str | None,
    ) -> ProvisioningArtifact:
        artifact = self.get_artifact(self.get_product(product_id), artifact_id)
        if guidance is not None and guidance not in GUIDANCE:
            raise InvalidParametersException(f"Guidance must be one of {', '.join(GUIDANCE)}")
        artifact.name = name or artifact.name
        artifact.description = description if description is not None else artifact.description
        artifact.active = artifact.active if active is None else active
        artifact.guidance = guidance or artifact.guidance
        return artifact

    def delete_provisioning_artifact(self, product_id: str, artifact_id: str) -> None:
        product = self.get_product(product_id)
        self.get_artifact(product, artifact_id)
        if len(product.artifacts) == 1:
            raise InvalidParametersException("A product needs at least one provisioning artifact: this is its last.")
        if any(p.artifact_id == artifact_id for p in self.provisioned_products.values()):
            raise ResourceInUseException(f"Provisioning artifact {artifact_id} is in use by provisioned products.")
        del product.artifacts[artifact_id]

    def search_products_as_admin(self, portfolio_id: str | None, full_text: list[str]) -> list[CatalogProduct]:
        products = list(self.catalog_products.values())
        if portfolio_id:
            self.get_portfolio(portfolio_id)
            products = [p for p in products if p.id in self.portfolio_products.get(portfolio_id, [])]
        return [p for p in products if _matches_text(p, full_text)]

    def search_products(self, caller: str, full_text: list[str]) -> list[CatalogProduct]:
        """The products of every portfolio whose principals name the caller."""
        reachable = {pid for portfolio in self._portfolios_of(caller) for pid in self.portfolio_products[portfolio]}
        return [p for p in self.catalog_products.values() if p.id in reachable and _matches_text(p, full_text)]

    # -- product <-> portfolio

    def associate_product_with_portfolio(self, product_id: str, portfolio_id: str) -> None:
        self.get_product(product_id)
        self.get_portfolio(portfolio_id)
        products = self.portfolio_products.setdefault(portfolio_id, [])
        if product_id not in products:
            products.append(product_id)

    def disassociate_product_from_portfolio(self, product_id: str, portfolio_id: str) -> None:
        self.get_product(product_id)
        self.get_portfolio(portfolio_id)
        products = self.portfolio_products.get(portfolio_id, [])
        if product_id not in products:
            raise ResourceNotFoundException(f"Product {product_id} is not associated with portfolio {portfolio_id}.")
        if any(c.product_id == product_id and c.portfolio_id == portfolio_id for c in self.constraints.values()):
            raise ResourceInUseException(
                f"Product {product_id} has constraints in portfolio {portfolio_id}: delete them first."
            )
        products.remove(product_id)
        if not products:
            del self.portfolio_products[portfolio_id]

    def list_portfolios_for_product(self, product_id: str) -> list[Portfolio]:
        self.get_product(product_id)
        return [self.portfolios[pid] for pid, products in self.portfolio_products.items() if product_id in products]

    # -- principals

    def associate_principal_with_portfolio(self, portfolio_id: str, principal_arn: str, principal_type: str) -> None:
        self.get_portfolio(portfolio_id)
        if principal_type not in PRINCIPAL_TYPES:
            raise InvalidParametersException(f"PrincipalType must be one of {', '.join(PRINCIPAL_TYPES)}")
        if not re.match(r"^arn:[^:]+:iam::(\d{12})?:(role|user|group)/.+$", principal_arn or ""):
            raise InvalidParametersException(f"PrincipalARN {principal_arn!r} is not an IAM role, user or group ARN")
        if principal_type == "IAM_PATTERN" and ":iam:::" not in principal_arn:
            raise InvalidParametersException("An IAM_PATTERN principal has no account id: arn:aws:iam:::role/name")
        principals = self.portfolio_principals.setdefault(portfolio_id, [])
        if (principal_arn, principal_type) not in principals:
            principals.append((principal_arn, principal_type))

    def disassociate_principal_from_portfolio(self, portfolio_id: str, principal_arn: str, principal_type: str) -> None:
        self.get_portfolio(portfolio_id)
        principals = self.portfolio_principals.get(portfolio_id, [])
        matching = [p for p in principals if p[0] == principal_arn and (not principal_type or p[1] == principal_type)]
        if not matching:
            raise ResourceNotFoundException(f"Principal {principal_arn} is not associated with {portfolio_id}.")
        for principal in matching:
            principals.remove(principal)
        if not principals:
            del self.portfolio_principals[portfolio_id]

    def list_principals_for_portfolio(self, portfolio_id: str) -> list[tuple[str, str]]:
        self.get_portfolio(portfolio_id)
        return list(self.portfolio_principals.get(portfolio_id, []))

    def _portfolios_of(self, caller: str) -> list[str]:
        return [
            portfolio_id
            for portfolio_id, principals in self.portfolio_principals.items()
            if any(principal_matches(arn, kind, caller) for arn, kind in principals)
            and portfolio_id in self.portfolio_products
        ]

    # -- constraints

    def create_constraint(
        self,
        portfolio_id: str,
        product_id: str,
        constraint_type: str,
        parameters: str,
        description: str | None,
        idempotency_token: str | None,
    ) -> Constraint:
        if idempotency_token and idempotency_token in self.idempotency_tokens:
            return self.get_constraint(self.idempotency_tokens[idempotency_token])
        self.get_portfolio(portfolio_id)
        self.get_product(product_id)
        if product_id not in self.portfolio_products.get(portfolio_id, []):
            raise ResourceNotFoundException(
                f"Product {product_id} is not associated with portfolio {portfolio_id}: associate it first."
            )
        if constraint_type not in CONSTRAINT_TYPES:
            raise InvalidParametersException(f"Type must be one of {', '.join(CONSTRAINT_TYPES)}")
        try:
            decoded = json.loads(parameters)
        except (TypeError, ValueError) as error:
            raise InvalidParametersException("Parameters must be a JSON object") from error
        if not isinstance(decoded, dict):
            raise InvalidParametersException("Parameters must be a JSON object")
        if constraint_type == LAUNCH:
            if any(
                c.type == LAUNCH and c.portfolio_id == portfolio_id and c.product_id == product_id
                for c in self.constraints.values()
            ):
                raise DuplicateResourceException(
                    f"Product {product_id} already has a launch constraint in portfolio {portfolio_id}."
                )
            self._check_launch_role(decoded)
        constraint = Constraint(
            id=new_id("cons"),
            type=constraint_type,
            description=description or "",
            parameters=json.dumps(decoded),
            portfolio_id=portfolio_id,
            product_id=product_id,
            owner=self.account_id,
        )
        self.constraints[constraint.id] = constraint
        if idempotency_token:
            self.idempotency_tokens[idempotency_token] = constraint.id
        return constraint

    def _check_launch_role(self, parameters: dict[str, Any]) -> None:
        """A launch constraint names a role of this account that Service Catalog may assume."""
        role_arn = launch_role_of(parameters, self.account_id, self.partition)
        if role_arn is None:
            raise InvalidParametersException("A LAUNCH constraint needs RoleArn or LocalRoleName in its Parameters")
        self.launch_role(role_arn)

    def launch_role(self, role_arn: str) -> str:
        """The role's ARN when it exists in IAM and trusts servicecatalog.amazonaws.com; otherwise an error."""
        match = _ROLE_ARN.match(role_arn)
        if match is None:
            raise InvalidParametersException(f"RoleArn {role_arn!r} is not an IAM role ARN")
        account, name = match.groups()
        iam = iam_backends[account][self.partition]
        role = next((r for r in iam.roles.values() if r.name == name), None)
        if role is None:
            raise InvalidParametersException(f"The launch role {role_arn} does not exist.")
        trust = role.assume_role_policy_document
        trust_text = trust if isinstance(trust, str) else json.dumps(trust)
        if "servicecatalog.amazonaws.com" not in trust_text:
            raise InvalidParametersException(
                f"The launch role {role_arn} does not trust servicecatalog.amazonaws.com, so it cannot be assumed."
            )
        return str(role.arn)

    def get_constraint(self, constraint_id: str) -> Constraint:
        constraint = self.constraints.get(constraint_id)
        if constraint is None:
            raise ResourceNotFoundException(f"Constraint {constraint_id} not found.")
        return constraint

    def update_constraint(self, constraint_id: str, description: str | None, parameters: str | None) -> Constraint:
        constraint = self.get_constraint(constraint_id)
        if parameters is not None:
            try:
                decoded = json.loads(parameters)
            except ValueError as error:
                raise InvalidParametersException("Parameters must be a JSON object") from error
            if constraint.type == LAUNCH:
                self._check_launch_role(decoded)
            constraint.parameters = json.dumps(decoded)
        if description is not None:
            constraint.description = description
        return constraint

    def delete_constraint(self, constraint_id: str) -> None:
        self.get_constraint(constraint_id)
        del self.constraints[constraint_id]

    def list_constraints_for_portfolio(self, portfolio_id: str, product_id: str | None) -> list[Constraint]:
        self.get_portfolio(portfolio_id)
        return [
            c
            for c in self.constraints.values()
            if c.portfolio_id == portfolio_id and (product_id is None or c.product_id == product_id)
        ]

    # -- TagOptions

    def create_tag_option(self, key: str, value: str) -> TagOption:
        if not key or not value:
            raise InvalidParametersException("Key and Value are required")
        if key.lower().startswith("aws:"):
            raise InvalidParametersException("TagOption keys must not start with aws:")
        if any(o.key == key and o.value == value for o in self.tag_options.values()):
            raise DuplicateResourceException(f"TagOption {key}={value} already exists.")
        option = TagOption(id=new_id("tag"), key=key, value=value, owner=self.account_id)
        self.tag_options[option.id] = option
        return option

    def get_tag_option(self, tag_option_id: str) -> TagOption:
        option = self.tag_options.get(tag_option_id)
        if option is None:
            raise ResourceNotFoundException(f"TagOption {tag_option_id} not found.")
        return option

    def update_tag_option(self, tag_option_id: str, value: str | None, active: bool | None) -> TagOption:
        option = self.get_tag_option(tag_option_id)
        if value is not None:
            if value == option.value or any(
                o.key == option.key and o.value == value for o in self.tag_options.values()
            ):
                raise DuplicateResourceException(f"TagOption {option.key}={value} already exists.")
            option.value = value
        if active is not None:
            option.active = active
        return option

    def delete_tag_option(self, tag_option_id: str) -> None:
        self.get_tag_option(tag_option_id)
        if self.tag_option_resources.get(tag_option_id):
            raise ResourceInUseException(
                f"TagOption {tag_option_id} is associated with resources: disassociate it first."
            )
        self.tag_option_resources.pop(tag_option_id, None)
        del self.tag_options[tag_option_id]

    def list_tag_options(self, key: str | None, value: str | None, active: bool | None) -> list[TagOption]:
        return [
            o
            for o in self.tag_options.values()
            if (key is None or o.key == key)
            and (value is None or o.value == value)
            and (active is None or o.active == active)
        ]

    def associate_tag_option_with_resource(self, resource_id: str, tag_option_id: str) -> None:
        option = self.get_tag_option(tag_option_id)
        self._resource_detail(resource_id)
        if not option.active:
            raise InvalidStateException(f"TagOption {tag_option_id} is inactive: activate it first.")
        resources = self.tag_option_resources.setdefault(tag_option_id, [])
        if resource_id in resources:
            raise DuplicateResourceException(f"TagOption {tag_option_id} is already associated with {resource_id}.")
        resources.append(resource_id)

    def disassociate_tag_option_from_resource(self, resource_id: str, tag_option_id: str) -> None:
        self.get_tag_option(tag_option_id)
        resources = self.tag_option_resources.get(tag_option_id, [])
        if resource_id not in resources:
            raise ResourceNotFoundException(f"TagOption {tag_option_id} is not associated with {resource_id}.")
        resources.remove(resource_id)

    def list_resources_for_tag_option(self, tag_option_id: str, resource_type: str | None) -> list[dict[str, Any]]:
        self.get_tag_option(tag_option_id)
        wanted = {"Portfolio": "port-", "Product": "prod-"}.get(resource_type or "", "")
        return [
            self._resource_detail(resource_id)
            for resource_id in self.tag_option_resources.get(tag_option_id, [])
            if resource_id.startswith(wanted)
        ]

    def _resource_detail(self, resource_id: str) -> dict[str, Any]:
        if resource_id.startswith("port-"):
            portfolio = self.get_portfolio(resource_id)
            return {
                "Id": portfolio.id,
                "ARN": portfolio.arn,
                "Name": portfolio.display_name,
                "Description": portfolio.description,
                "CreatedTime": portfolio.created_time,
            }
        product = self.get_product(resource_id)
        return {
            "Id": product.id,
            "ARN": product.arn,
            "Name": product.name,
            "Description": product.description,
            "CreatedTime": product.created_time,
        }

    def _tag_options_of(self, resource_id: str) -> list[dict[str, Any]]:
        return [
            self.tag_options[option_id].detail()
            for option_id, resources in self.tag_option_resources.items()
            if resource_id in resources
        ]

    # -- launching

    def list_launch_paths(self, product_id: str, caller: str) -> list[dict[str, Any]]:
        self.get_product(product_id)
        return [
            {
                "Id": portfolio_id,
                "Name": self.portfolios[portfolio_id].display_name,
                "ConstraintSummaries": [
                    {"Type": c.type, "Description": c.description}
                    for c in self.list_constraints_for_portfolio(portfolio_id, product_id)
                ],
                "Tags": self._tags_of(self.portfolios[portfolio_id].arn),
            }
            for portfolio_id in self._portfolios_of(caller)
            if product_id in self.portfolio_products[portfolio_id]
        ]

    def provision_product(
        self,
        *,
        caller: str,
        product_id: str | None,
        product_name: str | None,
        artifact_id: str | None,
        artifact_name: str | None,
        path_id: str | None,
        provisioned_product_name: str,
        parameters: list[dict[str, str]],
        tags: list[dict[str, str]],
        extra_parameters: dict[str, str] | None = None,
    ) -> Record:
        """Launch a version of a product as the caller: launch path, launch role, TagOptions, then the stack."""
        product = self.get_product(product_id, product_name)
        artifact = self.get_artifact(product, artifact_id, artifact_name)
        if not re.match(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$", provisioned_product_name or ""):
            raise InvalidParametersException(
                "ProvisionedProductName must be 1-128 letters, digits, dots, underscores or hyphens"
            )
        if any(p.name == provisioned_product_name for p in self.provisioned_products.values()):
            raise DuplicateResourceException(f"A provisioned product named {provisioned_product_name} already exists.")
        paths = [path["Id"] for path in self.list_launch_paths(product.id, caller)]
        if not paths:
            raise ResourceNotFoundException(f"No launch paths found for resource: {product.id} (caller {caller})")
        if path_id is not None and path_id not in paths:
            raise ResourceNotFoundException(f"Launch path {path_id} of {product.id} is not available to {caller}")
        if path_id is None and len(paths) > 1:
            raise InvalidParametersException(f"Product {product.id} has several launch paths: name one with PathId")
        path = path_id or paths[0]
        if not artifact.active:
            raise InvalidParametersException(f"Provisioning artifact {artifact.id} is not active")
        launch = next((c for c in self.list_constraints_for_portfolio(path, product.id) if c.type == LAUNCH), None)
        role_arn = self.launch_role(launch.launch_role_arn(self.partition) or "") if launch is not None else None
        tag_map = {tag["Key"]: tag["Value"] for tag in tags}
        self._check_tag_options(path, product.id, tag_map)

        pp_id = new_id("pp")
        provisioned = ProvisionedProduct(
            id=pp_id,
            arn=self._arn("stack", f"{provisioned_product_name}/{pp_id}"),
            name=provisioned_product_name,
            product_id=product.id,
            artifact_id=artifact.id,
            path_id=path,
            tags=tag_map,
            launch_role_arn=role_arn,
            user_arn=caller,
        )
        record = self._record(provisioned, "PROVISION_PRODUCT")
        self.provisioned_products[pp_id] = provisioned
        values = {p["Key"]: p["Value"] for p in parameters}
        values.update(extra_parameters or {})
        try:
            body = stacks.read_template(artifact.template_url, self.account_id, self.region_name)
        except LookupError as error:  # the template vanished from S3 after the version was created
            launched = stacks.StackLaunch(error=f"template unreadable: {error}")
        else:
            launched = stacks.launch_stack(
                account_id=self.account_id,
                region=self.region_name,
                stack_name=f"SC-{self.account_id}-{pp_id}",
                template_body=body,
                parameters=values,
                tags=tag_map,
                role_arn=role_arn,
            )
        provisioned.stack_id = launched.stack_id
        record.outputs = [
            {"OutputKey": key, "OutputValue": value, "Description": ""} for key, value in launched.outputs.items()
        ]
        if launched.stack_id:
            record.outputs.append(
                {
                    "OutputKey": "CloudformationStackARN",
                    "OutputValue": launched.stack_id,
                    "Description": "The ARN of the launched CloudFormation stack",
                }
            )
        record.finish(launched.error)
        provisioned.status = "AVAILABLE" if launched.succeeded else "ERROR"
        provisioned.status_message = launched.error or ""
        if launched.succeeded:
            provisioned.last_successful_record_id = record.id
        return record

    def _check_tag_options(self, portfolio_id: str, product_id: str, tags: dict[str, str]) -> None:
        """Every TagOption key of the launch path needs a value, and only an allowed one."""
        allowed: dict[str, set[str]] = {}
        for option in (*self._tag_options_of(portfolio_id), *self._tag_options_of(product_id)):
            if option["Active"]:
                allowed.setdefault(option["Key"], set()).add(option["Value"])
        for key, values in sorted(allowed.items()):
            if key not in tags:
                raise InvalidParametersException(
                    f"Tag {key} is required by the TagOptions of the launch path: one of {', '.join(sorted(values))}"
                )
            if tags[key] not in values:
                raise InvalidParametersException(
                    f"Tag {key}={tags[key]} is not allowed by the TagOptions of the launch path: "
                    f"one of {', '.join(sorted(values))}"
                )

    def _record(self, provisioned: ProvisionedProduct, record_type: str) -> Record:
        record = Record(id=new_id("rec"), record_type=record_type, provisioned_product=provisioned)
        self.records[record.id] = record
        provisioned.last_record_id = record.id
        return record

    def get_provisioned_product(self, pp_id: str | None, name: str | None = None) -> ProvisionedProduct:
        if pp_id:
            found = self.provisioned_products.get(pp_id)
        else:
            found = next((p for p in self.provisioned_products.values() if p.name == name), None)
        if found is None:
            raise ResourceNotFoundException(f"Provisioned product {pp_id or name} not found.")
        return found

    def get_record(self, record_id: str) -> Record:
        record = self.records.get(record_id)
        if record is None:
            raise ResourceNotFoundException(f"Record {record_id} not found.")
        return record

    def terminate_provisioned_product(self, pp_id: str | None, name: str | None, ignore_errors: bool) -> Record:
        """Delete the stack (resources with DeletionPolicy Retain stay, as in CloudFormation)."""
        provisioned = self.get_provisioned_product(pp_id, name)
        if provisioned.status == "UNDER_CHANGE":
            raise InvalidStateException(f"Provisioned product {provisioned.id} is under change.")
        record = self._record(provisioned, "TERMINATE_PROVISIONED_PRODUCT")
        error = stacks.delete_stack(self.account_id, self.region_name, provisioned.stack_id)
        if error and not ignore_errors:
            record.finish(error)
            provisioned.status, provisioned.status_message = "ERROR", error
            return record
        record.finish(None)
        del self.provisioned_products[provisioned.id]
        return record

    def scan_provisioned_products(self, caller: str, access_level: str | None) -> list[ProvisionedProduct]:
        if access_level in ("Account", "Role"):
            return list(self.provisioned_products.values())
        return [p for p in self.provisioned_products.values() if p.user_arn == caller]

    # -- tags

    def _tags_of(self, arn: str) -> list[dict[str, str]]:
        return self._list_tags_for_resource(arn)

    def _retag(self, arn: str, add: list[dict[str, str]], remove: list[str]) -> None:
        if remove:
            self.tagger.untag_resource_using_names(arn, remove)
        if add:
            self.tagger.tag_resource(arn, add)


def _matches_text(product: CatalogProduct, full_text: list[str]) -> bool:
    text = " ".join(filter(None, (product.name, product.owner, product.description))).lower()
    return all(word.lower() in text for word in full_text)


servicecatalog_backends = BackendDict(ServiceCatalogTemplateBackend, "servicecatalog")
