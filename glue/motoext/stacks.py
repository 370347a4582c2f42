"""Launch and delete CloudFormation stacks for Service Catalog and SageMaker on moto's CloudFormation.

moto's CloudFormation creates only some resource types, and some of them fail on valid templates.
A stack launched here is created resource by resource: a resource moto cannot create becomes a
placeholder that says so (its physical id starts with SKIPPED_PREFIX, a stack event gives the
reason, the launch result lists it), so the rest of the stack still comes up and references to it
still resolve. Outside a launch, moto's CloudFormation behaves as it always does.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import moto.cloudformation.parsing as cfn_parsing
from moto.cloudformation.models import Event, Stack, cloudformation_backends
from moto.cloudformation.utils import get_stack_from_s3_url
from moto.utilities.utils import get_partition

from glue.motoext import SKIPPED_PREFIX, SKIPPED_REASON

_LAUNCHING: contextvars.ContextVar[StackLaunch | None] = contextvars.ContextVar("stack_launch", default=None)
_original_parse_and_create_resource = cfn_parsing.parse_and_create_resource


@dataclass
class StackLaunch:
    """What one launch created and what it had to skip (logical id -> reason)."""

    stack_id: str = ""
    stack_name: str = ""
    status: str = "CREATE_IN_PROGRESS"
    error: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.error is None


class SkippedResource:
    """Stands in for a resource the emulator could not create; Ref and Fn::GetAtt still resolve."""

    def __init__(self, logical_id: str, resource_type: str, stack_name: str, reason: str) -> None:
        self.logical_resource_id = logical_id
        self.cf_resource_type = resource_type
        self.type = resource_type
        self.reason = reason
        self.physical_resource_id = f"{SKIPPED_PREFIX}-{stack_name}-{logical_id}"

    def get_cfn_attribute(self, attribute: str) -> str:
        return f"arn:aws:{SKIPPED_PREFIX}:::{self.physical_resource_id}/{attribute}"

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        """Nothing was created, so nothing is deleted."""


def _kms_key(properties: dict[str, Any]) -> dict[str, Any]:
    # moto's KMS key model tags with TagKey/TagValue and keeps the policy as text; a template has
    # Key/Value tags and a policy object.
    tags = [{"TagKey": tag.get("Key"), "TagValue": tag.get("Value")} for tag in properties.get("Tags") or []]
    policy = properties.get("KeyPolicy")
    return {**properties, "Tags": tags, "KeyPolicy": policy if isinstance(policy, str) else json.dumps(policy)}


def _ssm_parameter_tags(properties: dict[str, Any]) -> dict[str, Any]:
    # CloudFormation's AWS::SSM::Parameter takes a map of tags; moto's model wants a Key/Value list.
    tags = properties.get("Tags")
    if isinstance(tags, dict):
        return {**properties, "Tags": [{"Key": key, "Value": value} for key, value in tags.items()]}
    return properties


# Valid templates that moto's models misread, reshaped into what they read (fixes to propose upstream).
PROPERTY_ADAPTERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "AWS::KMS::Key": _kms_key,
    "AWS::SSM::Parameter": _ssm_parameter_tags,
}


def _create_resource(
    logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
) -> Any:
    """moto's parse_and_create_resource, with the resolved properties reshaped where its model misreads them."""
    resource_type = str(resource_json["Type"])
    parsed = cfn_parsing.parse_resource_and_generate_name(logical_id, resource_json, resources_map)
    if not parsed:
        return None
    resource_class, resolved, physical_name = parsed
    adapter = PROPERTY_ADAPTERS.get(resource_type)
    if adapter is not None and isinstance(resolved.get("Properties"), dict):
        resolved = {**resolved, "Properties": adapter(resolved["Properties"])}
    resource = resource_class.create_from_cloudformation_json(
        physical_name,
        resolved,
        account_id,
        region_name,
        LogicalId=logical_id,
        StackId=resources_map.stack_id,
        ResourceType=resource_type,
    )
    resource.cf_resource_type = resource_type
    resource.logical_resource_id = logical_id
    return resource


def _parse_and_create_resource(
    logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
) -> Any:
    launch = _LAUNCHING.get()
    if launch is None:
        return _original_parse_and_create_resource(logical_id, resource_json, resources_map, account_id, region_name)
    condition = resource_json.get("Condition")
    if condition and not resources_map.lazy_condition_map[condition]:
        return None
    resource_type = str(resource_json.get("Type", ""))
    try:
        created = _create_resource(logical_id, resource_json, resources_map, account_id, region_name)
    except Exception as error:  # any failure of moto's model: the resource is skipped, not the stack
        reason = f"moto could not create it: {type(error).__name__}: {error}"
    else:
        if created is not None:
            return created
        reason = f"{resource_type} is not supported by moto's CloudFormation"
    launch.skipped[logical_id] = reason
    return SkippedResource(logical_id, resource_type, launch.stack_name, reason)


def install() -> None:
    """Route moto's resource creation through the launcher (a no-op outside a launch)."""
    cfn_parsing.parse_and_create_resource = _parse_and_create_resource


@contextlib.contextmanager
def _launching(launch: StackLaunch) -> Iterator[None]:
    token = _LAUNCHING.set(launch)
    try:
        yield
    finally:
        _LAUNCHING.reset(token)


def read_template(template_url: str, account_id: str, region: str) -> str:
    """The template body behind an S3 URL of the emulator; LookupError naming what is missing."""
    try:
        return get_stack_from_s3_url(template_url, account_id, get_partition(region))
    except AttributeError as error:  # moto's get_object answers None for a missing key
        raise LookupError(f"NoSuchKey: no object at {template_url}") from error
    except Exception as error:  # moto's own errors (NoSuchBucket, ...) carry their code
        raise LookupError(f"{getattr(error, 'code', type(error).__name__)}: {template_url}") from error


def parse_template(body: str) -> dict[str, Any]:
    """The template as a mapping (JSON or YAML with CloudFormation tags); ValueError when it is neither."""
    try:
        parsed = Stack.parse_template(body)
    except Exception as error:  # yaml and json raise several types for the same mistake
        raise ValueError(f"neither JSON nor YAML: {error}") from error
    if not isinstance(parsed, dict) or not isinstance(parsed.get("Resources"), dict):
        raise ValueError("a CloudFormation template needs a Resources mapping")
    return parsed


def launch_stack(
    *,
    account_id: str,
    region: str,
    stack_name: str,
    template_body: str,
    parameters: dict[str, str],
    tags: dict[str, str],
    role_arn: str | None,
) -> StackLaunch:
    """Create a stack now; never raises for the template's content: the result carries the error."""
    backend = cloudformation_backends[account_id][region]
    launch = StackLaunch(stack_name=stack_name)
    try:
        with _launching(launch):
            stack = backend.create_stack(
                name=stack_name, template=template_body, parameters=parameters, tags=tags, role_arn=role_arn
            )
    except Exception as error:  # a template or parameter error fails the launch, like CloudFormation would
        launch.status, launch.error = "CREATE_FAILED", _message(error)
        failed = next((s for s in backend.stacks.values() if s.name == stack_name), None)
        if failed is not None:
            launch.stack_id = failed.stack_id
            failed.status = "ROLLBACK_COMPLETE"
        return launch
    launch.stack_id, launch.status = stack.stack_id, stack.status
    for logical_id, reason in launch.skipped.items():
        stack.events.append(
            Event(
                stack_id=stack.stack_id,
                stack_name=stack_name,
                logical_resource_id=logical_id,
                physical_resource_id=f"{SKIPPED_PREFIX}-{stack_name}-{logical_id}",
                resource_type=stack.template_dict["Resources"][logical_id]["Type"],
                resource_status="CREATE_COMPLETE",
                resource_status_reason=f"{SKIPPED_REASON}{reason}",
                resource_properties=None,
            )
        )
    launch.outputs = {output.key: str(output.value) for output in stack.output_map.values()}
    return launch


def delete_stack(account_id: str, region: str, stack_id: str) -> str | None:
    """Delete a stack (resources with DeletionPolicy Retain stay); the error message, or None."""
    backend = cloudformation_backends[account_id][region]
    stack = backend.stacks.get(stack_id)
    if stack is None:
        return None
    try:
        backend.delete_stack(stack_id)
    except Exception as error:  # the stack stays, DELETE_FAILED, as CloudFormation would leave it
        backend.stacks[stack_id] = stack
        stack.status = "DELETE_FAILED"
        return _message(error)
    return None


def _message(error: Exception) -> str:
    text = getattr(error, "message", None) or str(error)
    with contextlib.suppress(ValueError, TypeError):
        text = json.loads(text).get("message", text)
    return f"{type(error).__name__}: {text}"
