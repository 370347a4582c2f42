"""The emulator's Service Catalog (glue/motoext/servicecatalog) through boto3: portfolios, products and
their versions, associations, constraints, TagOptions, principals, launch paths, and launching a
product as an associated role through the emulator's CloudFormation, down to its termination.

The emulator is shared with the other tests of the worker: every name is unique, nothing is reset.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.emulator.support import (
    EC2_TRUST,
    PRODUCT_TEMPLATE,
    Emulator,
    check_response_shape,
    launch_path,
    refused,
    stack_arn,
    tag_map,
    unique,
)

pytestmark = pytest.mark.integration

ID_13 = "[a-z0-9]{13}"


def _portfolio(catalog: Any, name: str | None = None, **extra: Any) -> str:
    created = catalog.create_portfolio(DisplayName=name or unique("smt-emu"), ProviderName="Emulator tests", **extra)
    return str(created["PortfolioDetail"]["Id"])


def _product(catalog: Any, env: Emulator, name: str | None = None, **extra: Any) -> tuple[str, str]:
    """A product with one version of PRODUCT_TEMPLATE; its id and its version's id."""
    created = catalog.create_product(
        Name=name or unique("smt-emu"),
        Owner="Emulator tests",
        ProductType="CLOUD_FORMATION_TEMPLATE",
        ProvisioningArtifactParameters={
            "Name": "1.0.0",
            "Info": {"LoadTemplateFromURL": env.put_template(PRODUCT_TEMPLATE)},
            "Type": "CLOUD_FORMATION_TEMPLATE",
        },
        **extra,
    )
    product_id = created["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
    return str(product_id), str(created["ProvisioningArtifactDetail"]["Id"])


def test_the_response_shape_check_catches_an_answer_outside_the_model(env: Emulator) -> None:
    """Every answer in these tests goes through check_response_shape: it must be able to fail."""
    model = env.client("servicecatalog").meta.service_model.operation_model("DescribeRecord")
    with pytest.raises(AssertionError, match=r"RecordDetail\.RecordId"):
        check_response_shape({"RecordDetail": {"RecordId": 5}}, model)
    check_response_shape({"RecordDetail": {"RecordId": "rec-abcdefghijklm"}}, model)


# -- portfolios


def test_portfolio_create_describe_update(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    name = unique("smt-emu-portfolio")
    created = catalog.create_portfolio(
        DisplayName=name,
        ProviderName="Emulator tests",
        Description="First words.",
        Tags=[{"Key": "team", "Value": "platform"}, {"Key": "stage", "Value": "dev"}],
    )
    detail = created["PortfolioDetail"]
    assert re.fullmatch(f"port-{ID_13}", detail["Id"]), detail["Id"]
    assert detail["ARN"] == f"arn:aws:catalog:us-east-1:{env.account}:portfolio/{detail['Id']}"
    assert tag_map(created["Tags"]) == {"team": "platform", "stage": "dev"}

    described = catalog.describe_portfolio(Id=detail["Id"])
    assert described["PortfolioDetail"]["DisplayName"] == name
    assert described["PortfolioDetail"]["Description"] == "First words."
    assert described["TagOptions"] == []
    assert tag_map(described["Tags"]) == {"team": "platform", "stage": "dev"}

    updated = catalog.update_portfolio(
        Id=detail["Id"],
        DisplayName=f"{name}-renamed",
        Description="Other words.",
        AddTags=[{"Key": "owner", "Value": "ml"}],
        RemoveTags=["stage"],
    )
    assert updated["PortfolioDetail"]["DisplayName"] == f"{name}-renamed"
    assert tag_map(updated["Tags"]) == {"team": "platform", "owner": "ml"}
    described = catalog.describe_portfolio(Id=detail["Id"])
    assert described["PortfolioDetail"]["Description"] == "Other words."
    assert described["PortfolioDetail"]["ProviderName"] == "Emulator tests"
    assert tag_map(described["Tags"]) == {"team": "platform", "owner": "ml"}

    with refused("ResourceNotFoundException"):
        catalog.describe_portfolio(Id="port-doesnotexist1")


def test_portfolio_delete_refused_while_anything_is_associated(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    portfolio_id = _portfolio(catalog)
    product_id, _ = _product(catalog, env)
    option_id = catalog.create_tag_option(Key=unique("smt-emu-key"), Value="one")["TagOptionDetail"]["Id"]
    principal = env.role_arn(unique("smt-emu-user"))

    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    with refused("ResourceInUseException", "products"):
        catalog.delete_portfolio(Id=portfolio_id)
    catalog.disassociate_product_from_portfolio(ProductId=product_id, PortfolioId=portfolio_id)

    catalog.associate_principal_with_portfolio(PortfolioId=portfolio_id, PrincipalARN=principal, PrincipalType="IAM")
    with refused("ResourceInUseException", "principals"):
        catalog.delete_portfolio(Id=portfolio_id)
    catalog.disassociate_principal_from_portfolio(PortfolioId=portfolio_id, PrincipalARN=principal)

    catalog.associate_tag_option_with_resource(ResourceId=portfolio_id, TagOptionId=option_id)
    described = catalog.describe_portfolio(Id=portfolio_id)
    assert [option["Id"] for option in described["TagOptions"]] == [option_id]
    with refused("ResourceInUseException", "TagOptions"):
        catalog.delete_portfolio(Id=portfolio_id)
    catalog.disassociate_tag_option_from_resource(ResourceId=portfolio_id, TagOptionId=option_id)

    catalog.delete_portfolio(Id=portfolio_id)
    with refused("ResourceNotFoundException"):
        catalog.describe_portfolio(Id=portfolio_id)
    with refused("ResourceNotFoundException"):
        catalog.delete_portfolio(Id=portfolio_id)


# -- products


def test_create_product_with_its_first_version(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    name = unique("smt-emu-product")
    url = env.put_template(PRODUCT_TEMPLATE)
    created = catalog.create_product(
        Name=name,
        Owner="Emulator tests",
        Description="A bucket and a build project.",
        Distributor="Platform",
        SupportEmail="ml-platform@example.com",
        ProductType="CLOUD_FORMATION_TEMPLATE",
        Tags=[{"Key": "sagemaker:studio-visibility", "Value": "true"}],
        ProvisioningArtifactParameters={
            "Name": "1.0.0",
            "Description": "First release.",
            "Info": {"LoadTemplateFromURL": url},
            "Type": "CLOUD_FORMATION_TEMPLATE",
        },
    )
    summary = created["ProductViewDetail"]["ProductViewSummary"]
    product_id = summary["ProductId"]
    assert re.fullmatch(f"prod-{ID_13}", product_id), product_id
    assert summary["Name"] == name
    assert summary["ShortDescription"] == "A bucket and a build project."
    assert summary["Type"] == "CLOUD_FORMATION_TEMPLATE"
    assert created["ProductViewDetail"]["ProductARN"] == f"arn:aws:catalog:us-east-1:{env.account}:product/{product_id}"
    artifact = created["ProvisioningArtifactDetail"]
    assert re.fullmatch(f"pa-{ID_13}", artifact["Id"]), artifact["Id"]
    assert (artifact["Name"], artifact["Description"], artifact["Active"]) == ("1.0.0", "First release.", True)
    assert tag_map(created["Tags"]) == {"sagemaker:studio-visibility": "true"}

    described = catalog.describe_product_as_admin(Id=product_id)
    assert described["ProductViewDetail"]["Status"] == "CREATED"
    assert described["ProductViewDetail"]["ProductViewSummary"]["SupportEmail"] == "ml-platform@example.com"
    assert [(a["Id"], a["Name"]) for a in described["ProvisioningArtifactSummaries"]] == [(artifact["Id"], "1.0.0")]
    assert tag_map(described["Tags"]) == {"sagemaker:studio-visibility": "true"}
    assert catalog.describe_product_as_admin(Name=name)["ProductViewDetail"]["ProductViewSummary"]["ProductId"] == (
        product_id
    )
    with refused("ResourceNotFoundException"):
        catalog.describe_product_as_admin(Id="prod-doesnotexist1")


@pytest.mark.parametrize("where", ["missing key", "missing bucket", "not a template"])
def test_create_product_refuses_an_unusable_template_url(env: Emulator, where: str) -> None:
    catalog = env.client("servicecatalog")
    if where == "missing key":
        url = env.url("no/such/template.yaml")
    elif where == "missing bucket":
        url = f"https://{unique('smt-emu-nobucket')}.s3.us-east-1.amazonaws.com/template.yaml"
    else:
        url = env.url("not-a-template.txt")
        env.client("s3").put_object(Bucket=env.bucket, Key="not-a-template.txt", Body=b"[unbalanced: {")
    name = unique("smt-emu-product")
    with refused("InvalidParametersException", url):
        catalog.create_product(
            Name=name,
            Owner="Emulator tests",
            ProductType="CLOUD_FORMATION_TEMPLATE",
            ProvisioningArtifactParameters={"Name": "1.0.0", "Info": {"LoadTemplateFromURL": url}},
        )
    assert not catalog.search_products_as_admin(Filters={"FullTextSearch": [name]})["ProductViewDetails"]


def test_update_product_and_delete_it_once_disassociated(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    product_id, _ = _product(catalog, env, Tags=[{"Key": "team", "Value": "a"}, {"Key": "stage", "Value": "dev"}])
    new_name = unique("smt-emu-renamed")
    updated = catalog.update_product(
        Id=product_id,
        Name=new_name,
        Owner="Other team",
        Description="Now with words.",
        AddTags=[{"Key": "owner", "Value": "ml"}],
        RemoveTags=["stage"],
    )
    assert updated["ProductViewDetail"]["ProductViewSummary"]["Name"] == new_name
    assert tag_map(updated["Tags"]) == {"team": "a", "owner": "ml"}
    summary = catalog.describe_product_as_admin(Id=product_id)["ProductViewDetail"]["ProductViewSummary"]
    assert (summary["Name"], summary["Owner"], summary["ShortDescription"]) == (
        new_name,
        "Other team",
        "Now with words.",
    )

    portfolio_id = _portfolio(catalog)
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    with refused("ResourceInUseException", portfolio_id):
        catalog.delete_product(Id=product_id)
    catalog.disassociate_product_from_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    catalog.delete_product(Id=product_id)
    with refused("ResourceNotFoundException"):
        catalog.describe_product_as_admin(Id=product_id)
    with refused("ResourceNotFoundException"):
        catalog.update_product(Id=product_id, Name="gone")


def test_product_portfolio_associations_and_admin_search(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    word = unique("smt-emu-word")
    inside, _ = _product(catalog, env, Description=f"Holds {word}.")
    outside, _ = _product(catalog, env, Description=f"Also holds {word}.")
    first, second = _portfolio(catalog), _portfolio(catalog)
    for portfolio_id in (first, second):
        catalog.associate_product_with_portfolio(ProductId=inside, PortfolioId=portfolio_id)
    catalog.associate_product_with_portfolio(ProductId=inside, PortfolioId=first)  # again: no duplicate

    listed = catalog.list_portfolios_for_product(ProductId=inside)["PortfolioDetails"]
    assert sorted(p["Id"] for p in listed) == sorted([first, second])
    assert catalog.list_portfolios_for_product(ProductId=outside)["PortfolioDetails"] == []

    in_first = catalog.search_products_as_admin(PortfolioId=first)["ProductViewDetails"]
    assert [p["ProductViewSummary"]["ProductId"] for p in in_first] == [inside]
    assert all(p["Status"] == "CREATED" for p in in_first)
    found = catalog.search_products_as_admin(Filters={"FullTextSearch": [word]})["ProductViewDetails"]
    assert sorted(p["ProductViewSummary"]["ProductId"] for p in found) == sorted([inside, outside])
    both = catalog.search_products_as_admin(PortfolioId=second, Filters={"FullTextSearch": [word]})
    assert [p["ProductViewSummary"]["ProductId"] for p in both["ProductViewDetails"]] == [inside]
    assert not catalog.search_products_as_admin(Filters={"FullTextSearch": [unique("nothing")]})["ProductViewDetails"]

    catalog.disassociate_product_from_portfolio(ProductId=inside, PortfolioId=first)
    listed = catalog.list_portfolios_for_product(ProductId=inside)["PortfolioDetails"]
    assert [p["Id"] for p in listed] == [second]
    assert catalog.search_products_as_admin(PortfolioId=first)["ProductViewDetails"] == []
    with refused("ResourceNotFoundException"):
        catalog.disassociate_product_from_portfolio(ProductId=inside, PortfolioId=first)
    with refused("ResourceNotFoundException"):
        catalog.associate_product_with_portfolio(ProductId="prod-doesnotexist1", PortfolioId=first)


def test_search_products_shows_a_role_only_the_products_of_its_portfolios(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    prefix = unique("smt-emu-team")
    scientist = env.role_arn(f"{prefix}-scientist")
    mine, theirs = _portfolio(catalog), _portfolio(catalog)
    my_product, _ = _product(catalog, env)
    their_product, _ = _product(catalog, env)
    catalog.associate_product_with_portfolio(ProductId=my_product, PortfolioId=mine)
    catalog.associate_product_with_portfolio(ProductId=their_product, PortfolioId=theirs)
    catalog.associate_principal_with_portfolio(PortfolioId=mine, PrincipalARN=scientist, PrincipalType="IAM")
    catalog.associate_principal_with_portfolio(
        PortfolioId=theirs, PrincipalARN=env.role_arn(unique("smt-emu-other")), PrincipalType="IAM"
    )

    as_scientist = env.as_role(scientist, "servicecatalog")
    seen = [p["ProductId"] for p in as_scientist.search_products()["ProductViewSummaries"]]
    assert seen == [my_product]
    admin_sees = {p["ProductId"] for p in catalog.search_products()["ProductViewSummaries"]}
    assert not admin_sees & {my_product, their_product}, "the admin is associated with neither portfolio"

    # An IAM_PATTERN principal (no account, wildcards) names the role too.
    catalog.associate_principal_with_portfolio(
        PortfolioId=theirs, PrincipalARN=f"arn:aws:iam:::role/{prefix}-*", PrincipalType="IAM_PATTERN"
    )
    seen = [p["ProductId"] for p in as_scientist.search_products()["ProductViewSummaries"]]
    assert sorted(seen) == sorted([my_product, their_product])
    their_name = catalog.describe_product_as_admin(Id=their_product)["ProductViewDetail"]["ProductViewSummary"]["Name"]
    filtered = as_scientist.search_products(Filters={"FullTextSearch": [their_name]})["ProductViewSummaries"]
    assert [p["ProductId"] for p in filtered] == [their_product]


# -- versions


def test_provisioning_artifacts_lifecycle(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    product_id, first = _product(catalog, env)
    url = env.put_template(PRODUCT_TEMPLATE, "v2.json")
    created = catalog.create_provisioning_artifact(
        ProductId=product_id,
        Parameters={
            "Name": "1.1.0",
            "Description": "Second release.",
            "Info": {"LoadTemplateFromURL": url},
            "Type": "CLOUD_FORMATION_TEMPLATE",
        },
        IdempotencyToken=unique("token"),
    )
    second = created["ProvisioningArtifactDetail"]["Id"]
    assert re.fullmatch(f"pa-{ID_13}", second) and second != first
    assert created["Status"] == "AVAILABLE"
    assert created["ProvisioningArtifactDetail"]["Guidance"] == "DEFAULT"

    described = catalog.describe_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=second)
    assert described["ProvisioningArtifactDetail"]["Name"] == "1.1.0"
    assert described["ProvisioningArtifactDetail"]["Active"] is True
    assert described["Info"]["TemplateUrl"] == url
    assert described["Status"] == "AVAILABLE"
    with refused("DuplicateResourceException", "1.1.0"):
        catalog.create_provisioning_artifact(
            ProductId=product_id,
            Parameters={"Name": "1.1.0", "Info": {"LoadTemplateFromURL": url}, "Type": "CLOUD_FORMATION_TEMPLATE"},
            IdempotencyToken=unique("token"),
        )
    with refused("InvalidParametersException"):
        catalog.create_provisioning_artifact(
            ProductId=product_id,
            Parameters={"Name": "1.2.0", "Info": {"LoadTemplateFromURL": env.url("missing.yaml")}},
            IdempotencyToken=unique("token"),
        )

    updated = catalog.update_provisioning_artifact(
        ProductId=product_id,
        ProvisioningArtifactId=second,
        Description="Deprecated release.",
        Active=False,
        Guidance="DEPRECATED",
    )
    assert updated["ProvisioningArtifactDetail"]["Active"] is False
    assert updated["ProvisioningArtifactDetail"]["Guidance"] == "DEPRECATED"
    described = catalog.describe_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=second)
    detail = described["ProvisioningArtifactDetail"]
    assert (detail["Active"], detail["Guidance"], detail["Description"]) == (False, "DEPRECATED", "Deprecated release.")

    listed = catalog.list_provisioning_artifacts(ProductId=product_id)["ProvisioningArtifactDetails"]
    assert [(a["Id"], a["Name"], a["Active"]) for a in listed] == [(first, "1.0.0", True), (second, "1.1.0", False)]
    summaries = catalog.describe_product_as_admin(Id=product_id)["ProvisioningArtifactSummaries"]
    assert [a["Id"] for a in summaries] == [first, second]

    catalog.delete_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=second)
    listed = catalog.list_provisioning_artifacts(ProductId=product_id)["ProvisioningArtifactDetails"]
    assert [a["Id"] for a in listed] == [first]
    with refused("ResourceNotFoundException"):
        catalog.describe_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=second)
    with refused("InvalidParametersException"):
        catalog.delete_provisioning_artifact(ProductId=product_id, ProvisioningArtifactId=first)
    assert [a["Id"] for a in catalog.list_provisioning_artifacts(ProductId=product_id)["ProvisioningArtifactDetails"]]


# -- constraints


def test_launch_constraint_checks_its_role_and_the_association(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    name = unique("smt-emu-cons")
    portfolio_id = _portfolio(catalog)
    product_id, _ = _product(catalog, env)

    def launch(role_arn: str) -> Any:
        return catalog.create_constraint(
            PortfolioId=portfolio_id,
            ProductId=product_id,
            Type="LAUNCH",
            Parameters=json.dumps({"RoleArn": role_arn}),
            Description="Launch as the launch role.",
            IdempotencyToken=unique("token"),
        )

    role_arn = env.role(f"{name}-launch")
    with refused("ResourceNotFoundException", product_id):
        launch(role_arn)  # the product is not in the portfolio yet
    catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    with refused("InvalidParametersException", "does not exist"):
        launch(env.role_arn(f"{name}-missing"))
    with refused("InvalidParametersException", "servicecatalog.amazonaws.com"):
        launch(env.role(f"{name}-ec2", EC2_TRUST))
    assert catalog.list_constraints_for_portfolio(PortfolioId=portfolio_id)["ConstraintDetails"] == []

    created = launch(role_arn)
    constraint_id = created["ConstraintDetail"]["ConstraintId"]
    assert re.fullmatch(f"cons-{ID_13}", constraint_id), constraint_id
    assert created["ConstraintDetail"]["Type"] == "LAUNCH"
    assert json.loads(created["ConstraintParameters"]) == {"RoleArn": role_arn}
    assert created["Status"] == "AVAILABLE"
    with refused("DuplicateResourceException"):
        launch(role_arn)

    described = catalog.describe_constraint(Id=constraint_id)
    assert described["ConstraintDetail"]["PortfolioId"] == portfolio_id
    assert described["ConstraintDetail"]["ProductId"] == product_id
    assert described["ConstraintDetail"]["Description"] == "Launch as the launch role."
    assert json.loads(described["ConstraintParameters"]) == {"RoleArn": role_arn}

    other_role = env.role(f"{name}-launch2")
    updated = catalog.update_constraint(
        Id=constraint_id, Description="Another role.", Parameters=json.dumps({"RoleArn": other_role})
    )
    assert updated["ConstraintDetail"]["Description"] == "Another role."
    assert json.loads(catalog.describe_constraint(Id=constraint_id)["ConstraintParameters"]) == {"RoleArn": other_role}
    with refused("InvalidParametersException"):
        catalog.update_constraint(Id=constraint_id, Parameters=json.dumps({"RoleArn": env.role_arn(f"{name}-none")}))

    listed = catalog.list_constraints_for_portfolio(PortfolioId=portfolio_id)["ConstraintDetails"]
    assert [c["ConstraintId"] for c in listed] == [constraint_id]
    by_product = catalog.list_constraints_for_portfolio(PortfolioId=portfolio_id, ProductId=product_id)
    assert [c["ConstraintId"] for c in by_product["ConstraintDetails"]] == [constraint_id]
    other_product, _ = _product(catalog, env)
    by_other = catalog.list_constraints_for_portfolio(PortfolioId=portfolio_id, ProductId=other_product)
    assert by_other["ConstraintDetails"] == []

    with refused("ResourceInUseException"):
        catalog.disassociate_product_from_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    catalog.delete_constraint(Id=constraint_id)
    with refused("ResourceNotFoundException"):
        catalog.describe_constraint(Id=constraint_id)
    assert catalog.list_constraints_for_portfolio(PortfolioId=portfolio_id)["ConstraintDetails"] == []
    catalog.disassociate_product_from_portfolio(ProductId=product_id, PortfolioId=portfolio_id)


def test_launch_constraint_with_local_role_name_launches_with_that_role(env: Emulator) -> None:
    """A LAUNCH constraint may name the role by LocalRoleName (the role of that name in the launching
    account) instead of RoleArn; provisioning then uses that role."""
    path = launch_path(env)
    admin = env.client("servicecatalog")
    (constraint,) = admin.list_constraints_for_portfolio(PortfolioId=path.portfolio_id)["ConstraintDetails"]
    admin.delete_constraint(Id=constraint["ConstraintId"])
    role_name = path.launch_role_arn.rsplit("/", 1)[1]
    admin.create_constraint(
        PortfolioId=path.portfolio_id,
        ProductId=path.product_id,
        Type="LAUNCH",
        Parameters=json.dumps({"LocalRoleName": role_name}),
        IdempotencyToken=unique("token"),
    )
    scientist = env.as_role(path.scientist_arn, "servicecatalog")
    name = unique("smt-emu-local-role")
    record = scientist.provision_product(
        ProductId=path.product_id, ProvisioningArtifactId=path.artifact_id, ProvisionedProductName=name
    )["RecordDetail"]
    detail = scientist.describe_record(Id=record["RecordId"])["RecordDetail"]
    assert detail["Status"] == "SUCCEEDED", detail
    assert detail["LaunchRoleArn"] == path.launch_role_arn
    scientist.terminate_provisioned_product(ProvisionedProductName=name, TerminateToken=unique("token"))


# -- TagOptions


def test_tag_options_lifecycle(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    key = unique("smt-emu-cost-center")
    first = catalog.create_tag_option(Key=key, Value="cc-1")["TagOptionDetail"]
    assert re.fullmatch(f"tag-{ID_13}", first["Id"]), first["Id"]
    assert (first["Key"], first["Value"], first["Active"]) == (key, "cc-1", True)
    with refused("DuplicateResourceException"):
        catalog.create_tag_option(Key=key, Value="cc-1")
    second = catalog.create_tag_option(Key=key, Value="cc-2")["TagOptionDetail"]
    assert catalog.describe_tag_option(Id=first["Id"])["TagOptionDetail"] == first

    updated = catalog.update_tag_option(Id=second["Id"], Value="cc-3", Active=False)["TagOptionDetail"]
    assert (updated["Value"], updated["Active"]) == ("cc-3", False)
    assert catalog.describe_tag_option(Id=second["Id"])["TagOptionDetail"]["Value"] == "cc-3"
    with refused("DuplicateResourceException"):
        catalog.update_tag_option(Id=second["Id"], Value="cc-1")

    def listed(**filters: Any) -> list[str]:
        found = catalog.list_tag_options(Filters={"Key": key, **filters})["TagOptionDetails"]
        return sorted(option["Id"] for option in found)

    assert listed() == sorted([first["Id"], second["Id"]])
    assert listed(Value="cc-1") == [first["Id"]]
    assert listed(Active=True) == [first["Id"]]
    assert listed(Active=False) == [second["Id"]]

    portfolio_id = _portfolio(catalog)
    product_id, _ = _product(catalog, env)
    catalog.associate_tag_option_with_resource(ResourceId=portfolio_id, TagOptionId=first["Id"])
    catalog.associate_tag_option_with_resource(ResourceId=product_id, TagOptionId=first["Id"])
    with refused("DuplicateResourceException"):
        catalog.associate_tag_option_with_resource(ResourceId=product_id, TagOptionId=first["Id"])
    with refused("InvalidStateException"):
        catalog.associate_tag_option_with_resource(ResourceId=portfolio_id, TagOptionId=second["Id"])

    def resources(resource_type: str | None = None) -> list[str]:
        kwargs = {"ResourceType": resource_type} if resource_type else {}
        found = catalog.list_resources_for_tag_option(TagOptionId=first["Id"], **kwargs)["ResourceDetails"]
        return sorted(resource["Id"] for resource in found)

    assert resources() == sorted([portfolio_id, product_id])
    assert resources("Portfolio") == [portfolio_id]
    assert resources("Product") == [product_id]
    assert [o["Id"] for o in catalog.describe_product_as_admin(Id=product_id)["TagOptions"]] == [first["Id"]]
    assert [o["Id"] for o in catalog.describe_portfolio(Id=portfolio_id)["TagOptions"]] == [first["Id"]]

    with refused("ResourceInUseException"):
        catalog.delete_tag_option(Id=first["Id"])
    catalog.disassociate_tag_option_from_resource(ResourceId=portfolio_id, TagOptionId=first["Id"])
    assert resources() == [product_id]
    with refused("ResourceNotFoundException"):
        catalog.disassociate_tag_option_from_resource(ResourceId=portfolio_id, TagOptionId=first["Id"])
    catalog.disassociate_tag_option_from_resource(ResourceId=product_id, TagOptionId=first["Id"])
    assert resources() == []

    catalog.delete_tag_option(Id=first["Id"])
    catalog.delete_tag_option(Id=second["Id"])
    with refused("ResourceNotFoundException"):
        catalog.describe_tag_option(Id=first["Id"])
    assert listed() == []


# -- paging


def _page_sizes(client: Any, operation: str, result_key: str, **kwargs: Any) -> tuple[list[int], list[Any]]:
    """Page through a list operation two items at a time: the size of each page, and all the items."""
    pages = [
        page[result_key]
        for page in client.get_paginator(operation).paginate(**kwargs, PaginationConfig={"PageSize": 2})
    ]
    return [len(page) for page in pages], [item for page in pages for item in page]


def test_lists_page_with_next_page_token(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    portfolio_id = _portfolio(catalog)
    principals = [env.role_arn(unique("smt-emu-paged")) for _ in range(3)]
    for principal in principals:
        catalog.associate_principal_with_portfolio(
            PortfolioId=portfolio_id, PrincipalARN=principal, PrincipalType="IAM"
        )
    sizes, items = _page_sizes(catalog, "list_principals_for_portfolio", "Principals", PortfolioId=portfolio_id)
    assert (sizes, [p["PrincipalARN"] for p in items]) == ([2, 1], principals)

    products = [_product(catalog, env)[0] for _ in range(3)]
    for product_id in products:
        catalog.associate_product_with_portfolio(ProductId=product_id, PortfolioId=portfolio_id)
    sizes, items = _page_sizes(catalog, "search_products_as_admin", "ProductViewDetails", PortfolioId=portfolio_id)
    assert (sizes, [p["ProductViewSummary"]["ProductId"] for p in items]) == ([2, 1], products)

    others = [_portfolio(catalog) for _ in range(2)]
    for other in others:
        catalog.associate_product_with_portfolio(ProductId=products[0], PortfolioId=other)
    sizes, items = _page_sizes(catalog, "list_portfolios_for_product", "PortfolioDetails", ProductId=products[0])
    assert (sizes, sorted(p["Id"] for p in items)) == ([2, 1], sorted([portfolio_id, *others]))


def test_list_tag_options_pages_with_page_token(env: Emulator) -> None:
    """ListTagOptions names its next-page token PageToken (not NextPageToken, as most lists do)."""
    catalog = env.client("servicecatalog")
    key = unique("smt-emu-paged")
    options = [catalog.create_tag_option(Key=key, Value=f"v{i}")["TagOptionDetail"]["Id"] for i in range(3)]
    first_page = catalog.list_tag_options(Filters={"Key": key}, PageSize=2)
    assert len(first_page["TagOptionDetails"]) == 2
    assert first_page.get("PageToken"), "a first page of two out of three TagOptions needs a PageToken"
    sizes, items = _page_sizes(catalog, "list_tag_options", "TagOptionDetails", Filters={"Key": key})
    assert (sizes, sorted(o["Id"] for o in items)) == ([2, 1], sorted(options))


def test_list_resources_for_tag_option_pages_with_page_token(env: Emulator) -> None:
    """ListResourcesForTagOption names its next-page token PageToken (not NextPageToken)."""
    catalog = env.client("servicecatalog")
    option_id = catalog.create_tag_option(Key=unique("smt-emu-paged"), Value="v")["TagOptionDetail"]["Id"]
    portfolios = [_portfolio(catalog) for _ in range(3)]
    for portfolio_id in portfolios:
        catalog.associate_tag_option_with_resource(ResourceId=portfolio_id, TagOptionId=option_id)
    first_page = catalog.list_resources_for_tag_option(TagOptionId=option_id, PageSize=2)
    assert len(first_page["ResourceDetails"]) == 2
    assert first_page.get("PageToken"), "a first page of two out of three resources needs a PageToken"
    sizes, items = _page_sizes(catalog, "list_resources_for_tag_option", "ResourceDetails", TagOptionId=option_id)
    assert (sizes, sorted(r["Id"] for r in items)) == ([2, 1], sorted(portfolios))


# -- principals and launch paths


def test_principal_associations(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    portfolio_id = _portfolio(catalog)
    role = env.role_arn(unique("smt-emu-scientist"))
    pattern = f"arn:aws:iam:::role/{unique('smt-emu-team')}-*"
    catalog.associate_principal_with_portfolio(PortfolioId=portfolio_id, PrincipalARN=role, PrincipalType="IAM")
    catalog.associate_principal_with_portfolio(
        PortfolioId=portfolio_id, PrincipalARN=pattern, PrincipalType="IAM_PATTERN"
    )
    principals = catalog.list_principals_for_portfolio(PortfolioId=portfolio_id)["Principals"]
    assert principals == [
        {"PrincipalARN": role, "PrincipalType": "IAM"},
        {"PrincipalARN": pattern, "PrincipalType": "IAM_PATTERN"},
    ]
    with refused("InvalidParametersException"):
        catalog.associate_principal_with_portfolio(
            PortfolioId=portfolio_id, PrincipalARN=role, PrincipalType="IAM_PATTERN"
        )  # a pattern has no account id
    with refused("InvalidParametersException"):
        catalog.associate_principal_with_portfolio(
            PortfolioId=portfolio_id, PrincipalARN="not-an-arn-at-all", PrincipalType="IAM"
        )

    catalog.disassociate_principal_from_portfolio(PortfolioId=portfolio_id, PrincipalARN=role, PrincipalType="IAM")
    principals = catalog.list_principals_for_portfolio(PortfolioId=portfolio_id)["Principals"]
    assert principals == [{"PrincipalARN": pattern, "PrincipalType": "IAM_PATTERN"}]
    with refused("ResourceNotFoundException"):
        catalog.disassociate_principal_from_portfolio(PortfolioId=portfolio_id, PrincipalARN=role)
    catalog.disassociate_principal_from_portfolio(
        PortfolioId=portfolio_id, PrincipalARN=pattern, PrincipalType="IAM_PATTERN"
    )
    assert catalog.list_principals_for_portfolio(PortfolioId=portfolio_id)["Principals"] == []


def test_list_launch_paths_as_associated_role_and_as_admin(env: Emulator) -> None:
    path = launch_path(env)
    catalog = env.client("servicecatalog")
    catalog.update_portfolio(Id=path.portfolio_id, AddTags=[{"Key": "team", "Value": "data-science"}])
    portfolio_name = catalog.describe_portfolio(Id=path.portfolio_id)["PortfolioDetail"]["DisplayName"]
    (summary,) = env.as_role(path.scientist_arn, "servicecatalog").list_launch_paths(ProductId=path.product_id)[
        "LaunchPathSummaries"
    ]
    assert summary["Id"] == path.portfolio_id
    assert summary["Name"] == portfolio_name
    assert [c["Type"] for c in summary["ConstraintSummaries"]] == ["LAUNCH"]
    assert tag_map(summary["Tags"]) == {"team": "data-science"}
    assert catalog.list_launch_paths(ProductId=path.product_id)["LaunchPathSummaries"] == []
    stranger = env.as_role(env.role_arn(unique("smt-emu-stranger")), "servicecatalog")
    assert stranger.list_launch_paths(ProductId=path.product_id)["LaunchPathSummaries"] == []


def test_describe_product_as_end_user_shows_active_versions_and_launch_paths(env: Emulator) -> None:
    path = launch_path(env)
    admin = env.client("servicecatalog")
    retired = admin.create_provisioning_artifact(
        ProductId=path.product_id,
        Parameters={"Name": "0.9.0", "Info": {"LoadTemplateFromURL": env.put_template(PRODUCT_TEMPLATE)}},
        IdempotencyToken=unique("token"),
    )["ProvisioningArtifactDetail"]["Id"]
    admin.update_provisioning_artifact(
        ProductId=path.product_id, ProvisioningArtifactId=retired, Active=False, Guidance="DEPRECATED"
    )
    described = env.as_role(path.scientist_arn, "servicecatalog").describe_product(Id=path.product_id)
    assert described["ProductViewSummary"]["ProductId"] == path.product_id
    assert [(a["Id"], a["Guidance"]) for a in described["ProvisioningArtifacts"]] == [(path.artifact_id, "DEFAULT")]
    assert [launch["Id"] for launch in described["LaunchPaths"]] == [path.portfolio_id]
    assert admin.describe_product(Id=path.product_id)["LaunchPaths"] == []
    with refused("ResourceNotFoundException"):
        admin.describe_product(Id="prod-doesnotexist1")


def test_idempotency_tokens_return_what_the_first_call_created(env: Emulator) -> None:
    catalog = env.client("servicecatalog")
    token = unique("token")
    first = catalog.create_portfolio(DisplayName=unique("smt-emu"), ProviderName="Tests", IdempotencyToken=token)
    again = catalog.create_portfolio(DisplayName=unique("smt-emu"), ProviderName="Tests", IdempotencyToken=token)
    assert again["PortfolioDetail"]["Id"] == first["PortfolioDetail"]["Id"]
    product_token = unique("token")
    product_id, _ = _product(catalog, env, IdempotencyToken=product_token)
    assert _product(catalog, env, IdempotencyToken=product_token)[0] == product_id
    with refused("ResourceNotFoundException"):
        catalog.describe_record(Id="rec-doesnotexist1")


# -- launching


def test_provision_and_terminate_as_associated_role(env: Emulator) -> None:
    path = launch_path(env)
    scientist = env.as_role(path.scientist_arn, "servicecatalog")
    admin = env.client("servicecatalog")
    cloudformation, s3 = env.client("cloudformation"), env.client("s3")
    name = unique("smt-emu-launch")

    provisioned = scientist.provision_product(
        ProductId=path.product_id,
        ProvisioningArtifactId=path.artifact_id,
        ProvisionedProductName=name,
        ProvisioningParameters=[{"Key": "Stage", "Value": "test"}],
        Tags=[{"Key": "purpose", "Value": "emulator-test"}],
    )["RecordDetail"]
    assert re.fullmatch(f"rec-{ID_13}", provisioned["RecordId"]), provisioned["RecordId"]
    assert re.fullmatch(f"pp-{ID_13}", provisioned["ProvisionedProductId"]), provisioned["ProvisionedProductId"]
    assert provisioned["RecordType"] == "PROVISION_PRODUCT"
    assert provisioned["PathId"] == path.portfolio_id

    record = scientist.describe_record(Id=provisioned["RecordId"])
    detail = record["RecordDetail"]
    assert detail["Status"] == "SUCCEEDED", detail
    assert detail["RecordErrors"] == []
    assert detail["LaunchRoleArn"] == path.launch_role_arn
    assert tag_map(detail["RecordTags"]) == {"purpose": "emulator-test"}
    outputs = {o["OutputKey"]: o["OutputValue"] for o in record["RecordOutputs"]}
    stack_id = stack_arn(record["RecordOutputs"])
    assert stack_id.startswith(f"arn:aws:cloudformation:us-east-1:{env.account}:stack/")
    assert outputs["Stage"] == "test"

    (stack,) = cloudformation.describe_stacks(StackName=stack_id)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]} == {"Stage": "test"}
    assert tag_map(stack["Tags"]) == {"purpose": "emulator-test"}
    resources = {
        r["LogicalResourceId"]: r
        for r in cloudformation.list_stack_resources(StackName=stack_id)["StackResourceSummaries"]
    }
    assert set(resources) == {"Artifacts", "Kept", "Build"}
    artifacts, kept = resources["Artifacts"]["PhysicalResourceId"], resources["Kept"]["PhysicalResourceId"]
    assert outputs["ArtifactsBucket"] == artifacts
    s3.head_bucket(Bucket=artifacts)
    s3.head_bucket(Bucket=kept)
    build = resources["Build"]
    assert build["ResourceType"] == "AWS::CodeBuild::Project"
    assert build["PhysicalResourceId"].startswith("emulator-skipped"), build
    assert outputs["BuildProject"] == build["PhysicalResourceId"], "a reference to a skipped resource resolves"
    events = cloudformation.describe_stack_events(StackName=stack_id)["StackEvents"]
    reasons = [e.get("ResourceStatusReason", "") for e in events if e["LogicalResourceId"] == "Build"]
    assert any(reason.startswith("Not created by the emulator") for reason in reasons), reasons

    described = scientist.describe_provisioned_product(Id=provisioned["ProvisionedProductId"])
    product = described["ProvisionedProductDetail"]
    assert (product["Name"], product["Status"], product["Type"]) == (name, "AVAILABLE", "CFN_STACK")
    assert product["ProductId"] == path.product_id
    assert product["ProvisioningArtifactId"] == path.artifact_id
    assert product["LastSuccessfulProvisioningRecordId"] == provisioned["RecordId"]
    by_name = admin.describe_provisioned_product(Name=name)["ProvisionedProductDetail"]
    assert by_name["Id"] == provisioned["ProvisionedProductId"]

    mine = [p["Id"] for p in scientist.scan_provisioned_products()["ProvisionedProducts"]]
    assert mine == [provisioned["ProvisionedProductId"]]
    admin_own = [p["Id"] for p in admin.scan_provisioned_products()["ProvisionedProducts"]]
    assert provisioned["ProvisionedProductId"] not in admin_own, "by default a scan lists the caller's own"
    account_wide = admin.scan_provisioned_products(AccessLevelFilter={"Key": "Account", "Value": "self"})
    assert provisioned["ProvisionedProductId"] in [p["Id"] for p in account_wide["ProvisionedProducts"]]

    admin.create_provisioning_artifact(
        ProductId=path.product_id,
        Parameters={"Name": "2.0.0", "Info": {"LoadTemplateFromURL": env.put_template(PRODUCT_TEMPLATE)}},
        IdempotencyToken=unique("token"),
    )
    with refused("ResourceInUseException", path.artifact_id):
        admin.delete_provisioning_artifact(ProductId=path.product_id, ProvisioningArtifactId=path.artifact_id)

    terminated = scientist.terminate_provisioned_product(
        ProvisionedProductId=provisioned["ProvisionedProductId"], TerminateToken=unique("token")
    )["RecordDetail"]
    assert terminated["RecordType"] == "TERMINATE_PROVISIONED_PRODUCT"
    assert admin.describe_record(Id=terminated["RecordId"])["RecordDetail"]["Status"] == "SUCCEEDED"
    (stack,) = cloudformation.describe_stacks(StackName=stack_id)["Stacks"]
    assert stack["StackStatus"] == "DELETE_COMPLETE"
    buckets = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    assert artifacts not in buckets
    assert kept in buckets, "DeletionPolicy Retain keeps the bucket"
    with refused("ResourceNotFoundException"):
        scientist.describe_provisioned_product(Id=provisioned["ProvisionedProductId"])
    assert scientist.scan_provisioned_products()["ProvisionedProducts"] == []
    s3.delete_bucket(Bucket=kept)


def test_provision_refusals(env: Emulator) -> None:
    path = launch_path(env)
    admin = env.client("servicecatalog")
    key = unique("smt-emu-cost-center")
    allowed = admin.create_tag_option(Key=key, Value="cc-1")["TagOptionDetail"]["Id"]
    admin.create_tag_option(Key=key, Value="cc-2")  # exists, but not associated with the launch path
    admin.associate_tag_option_with_resource(ResourceId=path.portfolio_id, TagOptionId=allowed)
    scientist = env.as_role(path.scientist_arn, "servicecatalog")

    def provision(client: Any, name: str, tags: list[dict[str, str]], artifact_id: str | None = None) -> Any:
        return client.provision_product(
            ProductId=path.product_id,
            ProvisioningArtifactId=artifact_id or path.artifact_id,
            ProvisionedProductName=name,
            Tags=tags,
        )

    name = unique("smt-emu-launch")
    good_tags = [{"Key": key, "Value": "cc-1"}]
    stranger = env.as_role(env.role_arn(unique("smt-emu-stranger")), "servicecatalog")
    with refused("ResourceNotFoundException", "No launch paths"):
        provision(stranger, name, good_tags)
    with refused("InvalidParametersException", key):
        provision(scientist, name, [])
    with refused("InvalidParametersException", "cc-2"):
        provision(scientist, name, [{"Key": key, "Value": "cc-2"}])

    second = admin.create_provisioning_artifact(
        ProductId=path.product_id,
        Parameters={
            "Name": "2.0.0",
            "Info": {"LoadTemplateFromURL": env.put_template(PRODUCT_TEMPLATE)},
            "Type": "CLOUD_FORMATION_TEMPLATE",
        },
        IdempotencyToken=unique("token"),
    )["ProvisioningArtifactDetail"]["Id"]
    admin.update_provisioning_artifact(
        ProductId=path.product_id, ProvisioningArtifactId=second, Active=False, Guidance="DEPRECATED"
    )
    with refused("InvalidParametersException", "not active"):
        provision(scientist, name, good_tags, second)
    assert scientist.scan_provisioned_products()["ProvisionedProducts"] == [], "no refusal left anything behind"

    record = provision(scientist, name, good_tags)["RecordDetail"]
    assert scientist.describe_record(Id=record["RecordId"])["RecordDetail"]["Status"] == "SUCCEEDED"
    with refused("DuplicateResourceException", name):
        provision(scientist, name, good_tags)
    terminated = scientist.terminate_provisioned_product(ProvisionedProductName=name, TerminateToken=unique("token"))
    assert scientist.describe_record(Id=terminated["RecordDetail"]["RecordId"])["RecordDetail"]["Status"] == (
        "SUCCEEDED"
    )
    with refused("ResourceNotFoundException"):
        scientist.describe_provisioned_product(Name=name)


def test_provision_by_names_and_with_several_launch_paths(env: Emulator) -> None:
    path = launch_path(env)
    admin = env.client("servicecatalog")
    second = _portfolio(admin)
    admin.associate_product_with_portfolio(ProductId=path.product_id, PortfolioId=second)
    # A principal with a path names the role, whose session ARN carries no path.
    prefix, _, role_name = path.scientist_arn.rpartition("/")
    admin.associate_principal_with_portfolio(
        PortfolioId=second, PrincipalARN=f"{prefix}/team/{role_name}", PrincipalType="IAM"
    )
    scientist = env.as_role(path.scientist_arn, "servicecatalog")
    paths = scientist.list_launch_paths(ProductId=path.product_id)["LaunchPathSummaries"]
    assert sorted(p["Id"] for p in paths) == sorted([path.portfolio_id, second])

    product_name = admin.describe_product_as_admin(Id=path.product_id)["ProductViewDetail"]["ProductViewSummary"][
        "Name"
    ]
    name = unique("smt-emu-by-name")
    with refused("InvalidParametersException", "PathId"):
        scientist.provision_product(
            ProductName=product_name, ProvisioningArtifactName="1.0.0", ProvisionedProductName=name
        )
    with refused("ResourceNotFoundException"):
        scientist.provision_product(
            ProductName=product_name,
            ProvisioningArtifactName="1.0.0",
            ProvisionedProductName=name,
            PathId=_portfolio(admin),
        )
    record = scientist.provision_product(
        ProductName=product_name, ProvisioningArtifactName="1.0.0", ProvisionedProductName=name, PathId=second
    )["RecordDetail"]
    detail = scientist.describe_record(Id=record["RecordId"])["RecordDetail"]
    assert detail["Status"] == "SUCCEEDED", detail
    assert (detail["PathId"], detail["ProductId"], detail["ProvisioningArtifactId"]) == (
        second,
        path.product_id,
        path.artifact_id,
    )
    assert "LaunchRoleArn" not in detail, "the second path has no LAUNCH constraint"
    scientist.terminate_provisioned_product(ProvisionedProductName=name, TerminateToken=unique("token"))


def test_a_launch_whose_template_fails_is_recorded_as_failed(env: Emulator) -> None:
    needs_a_parameter = {
        "Parameters": {"BucketName": {"Type": "String"}},
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Ref": "BucketName"}}}},
    }
    path = launch_path(env, needs_a_parameter)
    scientist = env.as_role(path.scientist_arn, "servicecatalog")
    name = unique("smt-emu-failing")
    provisioned = scientist.provision_product(
        ProductId=path.product_id, ProvisioningArtifactId=path.artifact_id, ProvisionedProductName=name
    )["RecordDetail"]

    record = scientist.describe_record(Id=provisioned["RecordId"])["RecordDetail"]
    assert record["Status"] == "FAILED"
    assert record["RecordErrors"], record
    assert any("BucketName" in error["Description"] for error in record["RecordErrors"]), record["RecordErrors"]
    detail = scientist.describe_provisioned_product(Id=provisioned["ProvisionedProductId"])["ProvisionedProductDetail"]
    assert detail["Status"] == "ERROR"
    assert "BucketName" in detail["StatusMessage"]
    assert not detail.get("LastSuccessfulProvisioningRecordId")

    terminated = scientist.terminate_provisioned_product(ProvisionedProductName=name, TerminateToken=unique("token"))
    assert scientist.describe_record(Id=terminated["RecordDetail"]["RecordId"])["RecordDetail"]["Status"] == (
        "SUCCEEDED"
    )
    with refused("ResourceNotFoundException"):
        scientist.describe_provisioned_product(Id=provisioned["ProvisionedProductId"])
