"""Service Catalog requests -> backend calls -> responses shaped by botocore's service model."""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.servicecatalog.responses import ServiceCatalogResponse

from glue.motoext.identity import caller_arn

from .models import (
    CatalogProduct,
    ServiceCatalogTemplateBackend,
    page,
    servicecatalog_backends,
)

PRODUCT_SETTINGS = {
    "Name": "name",
    "Owner": "owner",
    "Description": "description",
    "Distributor": "distributor",
    "SupportDescription": "support_description",
    "SupportEmail": "support_email",
    "SupportUrl": "support_url",
}


class ServiceCatalogTemplateResponse(ServiceCatalogResponse):
    """moto's ServiceCatalogResponse plus products, versions, associations, constraints, TagOptions, launches."""

    @property
    def backend(self) -> ServiceCatalogTemplateBackend:
        return servicecatalog_backends[self.current_account][self.region]

    @property
    def servicecatalog_backend(self) -> ServiceCatalogTemplateBackend:
        return self.backend

    @property
    def params(self) -> dict[str, Any]:
        return json.loads(self.body or "{}")  # type: ignore[no-any-return]

    def _caller(self) -> str:
        return caller_arn(self.get_access_key(), self.current_account, self.region)

    def _paged(self, key: str, items: list[Any], token_key: str = "NextPageToken") -> ActionResult:  # noqa: S107
        """One page; the TagOption listings name the next page's token PageToken, the others NextPageToken."""
        params = self.params
        chosen, token = page(items, params.get("PageToken"), params.get("PageSize"))
        return ActionResult({key: chosen, token_key: token})

    # -- portfolios

    def update_portfolio(self) -> ActionResult:
        p = self.params
        detail, tags = self.backend.update_portfolio(
            p["Id"], p.get("DisplayName"), p.get("Description"), p.get("ProviderName"),
            p.get("AddTags", []), p.get("RemoveTags", []),
        )  # fmt: skip
        return ActionResult({"PortfolioDetail": detail, "Tags": tags})

    # -- products

    def _product_admin_view(self, product: CatalogProduct) -> dict[str, Any]:
        return {
            "ProductViewDetail": product.view_detail(),
            "ProvisioningArtifactSummaries": [a.summary() for a in product.artifacts.values()],
            "Tags": self.backend.tags_of_product(product),
            "TagOptions": self.backend._tag_options_of(product.id),
            "Budgets": [],
        }

    def create_product(self) -> ActionResult:
        p = self.params
        product, artifact = self.backend.create_catalog_product(
            settings={attr: p.get(key) for key, attr in PRODUCT_SETTINGS.items()},
            product_type=p.get("ProductType", ""),
            tags=p.get("Tags", []),
            artifact=p.get("ProvisioningArtifactParameters"),
            idempotency_token=p.get("IdempotencyToken"),
        )
        return ActionResult(
            {
                "ProductViewDetail": product.view_detail(),
                "ProvisioningArtifactDetail": artifact.detail() if artifact else None,
                "Tags": self.backend.tags_of_product(product),
            }
        )

    def describe_product_as_admin(self) -> ActionResult:
        p = self.params
        return ActionResult(self._product_admin_view(self.backend.get_product(p.get("Id"), p.get("Name"))))

    def describe_product(self) -> ActionResult:
        p = self.params
        product = self.backend.get_product(p.get("Id"), p.get("Name"))
        paths = self.backend.list_launch_paths(product.id, self._caller())
        return ActionResult(
            {
                "ProductViewSummary": product.view_summary(),
                "ProvisioningArtifacts": [
                    {**a.summary(), "Guidance": a.guidance} for a in product.artifacts.values() if a.active
                ],
                "Budgets": [],
                "LaunchPaths": [{"Id": path["Id"], "Name": path["Name"]} for path in paths],
            }
        )

    def update_product(self) -> ActionResult:
        p = self.params
        product = self.backend.update_catalog_product(
            p["Id"],
            {attr: p.get(key) for key, attr in PRODUCT_SETTINGS.items()},
            p.get("AddTags", []),
            p.get("RemoveTags", []),
        )
        return ActionResult({"ProductViewDetail": product.view_detail(), "Tags": self.backend.tags_of_product(product)})

    def delete_product(self) -> ActionResult:
        self.backend.delete_catalog_product(self.params["Id"])
        return EmptyResult()

    def search_products_as_admin(self) -> ActionResult:
        p = self.params
        products = self.backend.search_products_as_admin(
            p.get("PortfolioId"), (p.get("Filters") or {}).get("FullTextSearch", [])
        )
        return self._paged("ProductViewDetails", [product.view_detail() for product in products])

    def search_products(self) -> ActionResult:
        p = self.params
        products = self.backend.search_products(self._caller(), (p.get("Filters") or {}).get("FullTextSearch", []))
        return self._paged("ProductViewSummaries", [product.view_summary() for product in products])

    # -- versions

    def create_provisioning_artifact(self) -> ActionResult:
        p = self.params
        artifact, info = self.backend.create_provisioning_artifact(
            p["ProductId"], p.get("Parameters") or {}, p.get("IdempotencyToken")
        )
        return ActionResult({"ProvisioningArtifactDetail": artifact.detail(), "Info": info, "Status": "AVAILABLE"})

    def describe_provisioning_artifact(self) -> ActionResult:
        p = self.params
        product = self.backend.get_product(p.get("ProductId"), p.get("ProductName"))
        artifact = self.backend.get_artifact(
            product, p.get("ProvisioningArtifactId"), p.get("ProvisioningArtifactName")
        )
        return ActionResult(
            {
                "ProvisioningArtifactDetail": artifact.detail(),
                "Info": {"TemplateUrl": artifact.template_url},
                "Status": "AVAILABLE",
            }
        )

    def update_provisioning_artifact(self) -> ActionResult:
        p = self.params
        artifact = self.backend.update_provisioning_artifact(
            p["ProductId"], p["ProvisioningArtifactId"], p.get("Name"), p.get("Description"),
            p.get("Active"), p.get("Guidance"),
        )  # fmt: skip
        return ActionResult(
            {
                "ProvisioningArtifactDetail": artifact.detail(),
                "Info": {"TemplateUrl": artifact.template_url},
                "Status": "AVAILABLE",
            }
        )

    def delete_provisioning_artifact(self) -> ActionResult:
        p = self.params
        self.backend.delete_provisioning_artifact(p["ProductId"], p["ProvisioningArtifactId"])
        return EmptyResult()

    def list_provisioning_artifacts(self) -> ActionResult:
        product = self.backend.get_product(self.params["ProductId"])
        return ActionResult({"ProvisioningArtifactDetails": [a.detail() for a in product.artifacts.values()]})

    # -- associations

    def associate_product_with_portfolio(self) -> ActionResult:
        p = self.params
        self.backend.associate_product_with_portfolio(p["ProductId"], p["PortfolioId"])
        return EmptyResult()

    def disassociate_product_from_portfolio(self) -> ActionResult:
        p = self.params
        self.backend.disassociate_product_from_portfolio(p["ProductId"], p["PortfolioId"])
        return EmptyResult()

    def list_portfolios_for_product(self) -> ActionResult:
        portfolios = self.backend.list_portfolios_for_product(self.params["ProductId"])
        return self._paged("PortfolioDetails", [portfolio.to_dict() for portfolio in portfolios])

    def associate_principal_with_portfolio(self) -> ActionResult:
        p = self.params
        self.backend.associate_principal_with_portfolio(
            p["PortfolioId"], p.get("PrincipalARN", ""), p.get("PrincipalType", "")
        )
        return EmptyResult()

    def disassociate_principal_from_portfolio(self) -> ActionResult:
        p = self.params
        self.backend.disassociate_principal_from_portfolio(
            p["PortfolioId"], p["PrincipalARN"], p.get("PrincipalType", "")
        )
        return EmptyResult()

    def list_principals_for_portfolio(self) -> ActionResult:
        principals = self.backend.list_principals_for_portfolio(self.params["PortfolioId"])
        return self._paged("Principals", [{"PrincipalARN": arn, "PrincipalType": kind} for arn, kind in principals])

    # -- constraints

    def create_constraint(self) -> ActionResult:
        p = self.params
        constraint = self.backend.create_constraint(
            p["PortfolioId"], p["ProductId"], p.get("Type", ""), p.get("Parameters", ""),
            p.get("Description"), p.get("IdempotencyToken"),
        )  # fmt: skip
        return ActionResult(
            {
                "ConstraintDetail": constraint.detail(),
                "ConstraintParameters": constraint.parameters,
                "Status": "AVAILABLE",
            }
        )

    def describe_constraint(self) -> ActionResult:
        constraint = self.backend.get_constraint(self.params["Id"])
        return ActionResult(
            {
                "ConstraintDetail": constraint.detail(),
                "ConstraintParameters": constraint.parameters,
                "Status": "AVAILABLE",
            }
        )

    def update_constraint(self) -> ActionResult:
        p = self.params
        constraint = self.backend.update_constraint(p["Id"], p.get("Description"), p.get("Parameters"))
        return ActionResult(
            {
                "ConstraintDetail": constraint.detail(),
                "ConstraintParameters": constraint.parameters,
                "Status": "AVAILABLE",
            }
        )

    def delete_constraint(self) -> ActionResult:
        self.backend.delete_constraint(self.params["Id"])
        return EmptyResult()

    def list_constraints_for_portfolio(self) -> ActionResult:
        p = self.params
        constraints = self.backend.list_constraints_for_portfolio(p["PortfolioId"], p.get("ProductId"))
        return self._paged("ConstraintDetails", [constraint.detail() for constraint in constraints])

    # -- TagOptions

    def create_tag_option(self) -> ActionResult:
        p = self.params
        return ActionResult(
            {"TagOptionDetail": self.backend.create_tag_option(p.get("Key", ""), p.get("Value", "")).detail()}
        )

    def describe_tag_option(self) -> ActionResult:
        return ActionResult({"TagOptionDetail": self.backend.get_tag_option(self.params["Id"]).detail()})

    def update_tag_option(self) -> ActionResult:
        p = self.params
        option = self.backend.update_tag_option(p["Id"], p.get("Value"), p.get("Active"))
        return ActionResult({"TagOptionDetail": option.detail()})

    def delete_tag_option(self) -> ActionResult:
        self.backend.delete_tag_option(self.params["Id"])
        return EmptyResult()

    def list_tag_options(self) -> ActionResult:
        filters = self.params.get("Filters") or {}
        options = self.backend.list_tag_options(filters.get("Key"), filters.get("Value"), filters.get("Active"))
        return self._paged("TagOptionDetails", [option.detail() for option in options], "PageToken")

    def associate_tag_option_with_resource(self) -> ActionResult:
        p = self.params
        self.backend.associate_tag_option_with_resource(p["ResourceId"], p["TagOptionId"])
        return EmptyResult()

    def disassociate_tag_option_from_resource(self) -> ActionResult:
        p = self.params
        self.backend.disassociate_tag_option_from_resource(p["ResourceId"], p["TagOptionId"])
        return EmptyResult()

    def list_resources_for_tag_option(self) -> ActionResult:
        p = self.params
        resources = self.backend.list_resources_for_tag_option(p["TagOptionId"], p.get("ResourceType"))
        return self._paged("ResourceDetails", resources, "PageToken")

    # -- launching

    def list_launch_paths(self) -> ActionResult:
        paths = self.backend.list_launch_paths(self.params["ProductId"], self._caller())
        return self._paged("LaunchPathSummaries", paths)

    def provision_product(self) -> ActionResult:
        p = self.params
        record = self.backend.provision_product(
            caller=self._caller(),
            product_id=p.get("ProductId"),
            product_name=p.get("ProductName"),
            artifact_id=p.get("ProvisioningArtifactId"),
            artifact_name=p.get("ProvisioningArtifactName"),
            path_id=p.get("PathId"),
            provisioned_product_name=p.get("ProvisionedProductName", ""),
            parameters=p.get("ProvisioningParameters", []),
            tags=p.get("Tags", []),
        )
        return ActionResult({"RecordDetail": record.detail()})

    def describe_record(self) -> ActionResult:
        record = self.backend.get_record(self.params["Id"])
        return ActionResult({"RecordDetail": record.detail(), "RecordOutputs": record.outputs})

    def describe_provisioned_product(self) -> ActionResult:
        p = self.params
        provisioned = self.backend.get_provisioned_product(p.get("Id"), p.get("Name"))
        return ActionResult({"ProvisionedProductDetail": provisioned.detail(), "CloudWatchDashboards": []})

    def scan_provisioned_products(self) -> ActionResult:
        level = (self.params.get("AccessLevelFilter") or {}).get("Key")
        products = self.backend.scan_provisioned_products(self._caller(), level)
        return self._paged("ProvisionedProducts", [product.detail() for product in products])

    def terminate_provisioned_product(self) -> ActionResult:
        p = self.params
        record = self.backend.terminate_provisioned_product(
            p.get("ProvisionedProductId"), p.get("ProvisionedProductName"), bool(p.get("IgnoreErrors", False))
        )
        return ActionResult({"RecordDetail": record.detail()})
