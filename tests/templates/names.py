"""The names a CloudFormation template gives its resources, resolved for the worst-case SageMaker project.

SageMaker launches a product's template with two parameters it fills in itself: SageMakerProjectName (1 to 32
characters, ^[a-zA-Z](-*[a-zA-Z0-9])*$, upper case allowed) and SageMakerProjectId (p- and 12 characters, 14 in
all). A name such as Fn::Sub "sagemaker-${SageMakerProjectName}-artifacts" is fine for a short project and breaks
the launch of a long one, so `check_template` resolves every name property of the template's resources with the
longest values those parameters (and the pseudo parameters) can take, and checks each against the AWS limit of
that resource type and property (`LIMITS`: length, allowed characters, special rules).

Worst-case values (see docs/templates.md):
- SageMakerProjectName: 32 characters (or the template's MaxLength, when smaller), once mixed-case and once
  lower-case; a sample is used only when it matches the parameter's AllowedPattern.
- SageMakerProjectId: 16 characters (or the template's MaxLength): real ids have 14 (p-abcdefghijkl), but the
  templates accept 16, so the names must fit 16.
- AWS::AccountId: 12 digits. AWS::Region: 14 characters (ap-southeast-3; ap-northeast-3 is as long). AWS::Partition:
  aws-us-gov. AWS::URLSuffix: amazonaws.com.cn. AWS::StackName: the name Service Catalog gives a provisioned
  product's stack, SC-<account id>-pp-<13 characters> (32 characters; the templates are launched only by Service
  Catalog, so CloudFormation's general 128 is not used). AWS::StackId: the ARN of that stack.
- Other String parameters: every AllowedValues entry; otherwise MaxLength characters matching AllowedPattern;
  otherwise the Default. Parameters with none of these are unresolvable.

Values that cannot be known before the launch (Ref to a resource, Fn::GetAtt, Fn::ImportValue, SSM parameter types,
...) are not checked: they are reported as skipped, with the reason, and counted.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

PROJECT_NAME = "SageMakerProjectName"
PROJECT_ID = "SageMakerProjectId"
PROJECT_NAME_MAX = 32  # SageMaker CreateProject: ProjectName is at most 32 characters
PROJECT_ID_MAX = 16  # real ids are 14 characters (p- and 12); the templates allow 16

ACCOUNT_ID = "123456789012"
REGION = "ap-southeast-3"  # 14 characters: as long as any region name
PARTITION = "aws-us-gov"  # the longest partition name
URL_SUFFIX = "amazonaws.com.cn"  # the longest URL suffix
STACK_NAME = f"SC-{ACCOUNT_ID}-pp-abcdefghijklm"  # Service Catalog: SC-<account>-pp-<provisioned product id part>
STACK_ID = (
    f"arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{STACK_NAME}/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
)
PSEUDO_PARAMETERS = {
    "AWS::AccountId": ACCOUNT_ID,
    "AWS::Region": REGION,
    "AWS::Partition": PARTITION,
    "AWS::URLSuffix": URL_SUFFIX,
    "AWS::StackName": STACK_NAME,
    "AWS::StackId": STACK_ID,
}
NO_VALUE = "AWS::NoValue"
MAX_SCENARIOS = 64  # combinations of parameter values evaluated per template
MAX_CANDIDATES = 256  # values one name may resolve to (Fn::If branches multiply)


def _fill(unit: str, length: int) -> str:
    """`length` characters of `unit` repeated, never ending in a hyphen."""
    text = (unit * (length // len(unit) + 1))[:length]
    return text[:-1] + "x" if text.endswith("-") else text


def project_name_samples(length: int = PROJECT_NAME_MAX) -> list[str]:
    """Project names of `length` characters: SageMaker allows upper case, so one sample has it and one does not."""
    mixed = _fill("Ml-Project-42-", length)
    return [mixed, mixed.lower()]


def project_id_sample(length: int = PROJECT_ID_MAX) -> str:
    return ("p-" + _fill("a1b2c3d4e5f6g7h8i9j0", max(length - 2, 0)))[:length]


# ------------------------------------------------------------------------------------------------ the limits


def _s3_bucket(name: str) -> list[str]:
    """S3 general purpose bucket naming rules beyond length and characters."""
    problems = []
    if ".." in name or ".-" in name or "-." in name:
        problems.append("has '..', '.-' or '-.'")
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name):
        problems.append("looks like an IP address")
    problems += [
        f"starts with reserved {prefix!r}" for prefix in ("xn--", "sthree-", "amzn-s3-demo-") if name.startswith(prefix)
    ]
    suffixes = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
    problems += [f"ends with reserved {suffix!r}" for suffix in suffixes if name.endswith(suffix)]
    return problems


SSM_NAME_WITH_ARN_MAX = 1011  # of the 2048, 1037 are reserved by Systems Manager; the 1011 include the ARN
SSM_LEVELS_MAX = 15


def _ssm_parameter(name: str) -> list[str]:
    """SSM parameter names: hierarchy rules, and the length that counts (with the ARN before the name)."""
    problems = []
    if "/" in name:
        segments = name[1:].split("/") if name.startswith("/") else name.split("/")
        if not name.startswith("/"):
            problems.append("a hierarchical name must start with /")
        if any(segment == "" for segment in segments):
            problems.append("has an empty path segment (// or a trailing /)")
        if len(segments) > SSM_LEVELS_MAX:
            problems.append(f"has {len(segments)} levels (at most {SSM_LEVELS_MAX})")
        first = segments[0]
    else:
        first = name
    if first.lower().startswith(("aws", "ssm")):
        problems.append("starts with aws or ssm (reserved)")
    arn = f"arn:{PARTITION}:ssm:{REGION}:{ACCOUNT_ID}:parameter{'' if name.startswith('/') else '/'}{name}"
    if len(arn) > SSM_NAME_WITH_ARN_MAX:
        problems.append(f"is {len(arn)} characters with its ARN (at most {SSM_NAME_WITH_ARN_MAX})")
    return problems


def _kms_alias(name: str) -> list[str]:
    return ["alias/aws/ is reserved for AWS managed keys"] if name.startswith("alias/aws/") else []


@dataclass(frozen=True)
class NameRule:
    """An AWS limit on one name property: length, allowed characters (a full-match regex), further `rules`."""

    max_length: int
    pattern: str | None = None
    min_length: int = 1
    rules: Callable[[str], list[str]] | None = None

    def problems(self, value: str) -> list[str]:
        problems = []
        if not self.min_length <= len(value) <= self.max_length:
            problems.append(f"is {len(value)} characters (allowed {self.min_length} to {self.max_length})")
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            problems.append(f"does not match {self.pattern}")
        if self.rules is not None:
            problems += self.rules(value)
        return problems


SAGEMAKER_NAME = r"[a-zA-Z0-9](-*[a-zA-Z0-9])*"
IAM_NAME = r"[A-Za-z0-9_+=,.@-]+"
PIPELINE_NAME = r"[A-Za-z0-9.@_-]+"

# (resource type, property) -> the AWS limit of the name. A property path may step into lists with [] and into
# objects with ., for example "Stages[].Actions[].Name". Every top-level property of a rendered resource named
# Name or ...Name must be listed (test_template_quality fails otherwise); add a type's names here with its limits
# from the service's API reference (CreateXxx request parameters).
LIMITS: dict[tuple[str, str], NameRule] = {
    ("AWS::S3::Bucket", "BucketName"): NameRule(63, r"[a-z0-9][a-z0-9.-]*[a-z0-9]", min_length=3, rules=_s3_bucket),
    ("AWS::IAM::Role", "RoleName"): NameRule(64, IAM_NAME),
    ("AWS::IAM::Role", "Policies[].PolicyName"): NameRule(128, IAM_NAME),
    ("AWS::IAM::ManagedPolicy", "ManagedPolicyName"): NameRule(128, IAM_NAME),
    ("AWS::IAM::Policy", "PolicyName"): NameRule(128, IAM_NAME),
    ("AWS::IAM::InstanceProfile", "InstanceProfileName"): NameRule(128, IAM_NAME),
    ("AWS::Lambda::Function", "FunctionName"): NameRule(64, r"[a-zA-Z0-9_-]+"),
    # A function name, partial ARN or ARN.
    ("AWS::Lambda::Permission", "FunctionName"): NameRule(140),
    ("AWS::Lambda::EventSourceMapping", "FunctionName"): NameRule(140),
    ("AWS::CodeBuild::Project", "Name"): NameRule(255, r"[A-Za-z0-9][A-Za-z0-9_-]*", min_length=2),
    ("AWS::CodeBuild::ReportGroup", "Name"): NameRule(128, min_length=2),
    ("AWS::CodePipeline::Pipeline", "Name"): NameRule(100, PIPELINE_NAME),
    ("AWS::CodePipeline::Pipeline", "Stages[].Name"): NameRule(100, PIPELINE_NAME),
    ("AWS::CodePipeline::Pipeline", "Stages[].Actions[].Name"): NameRule(100, PIPELINE_NAME),
    ("AWS::SageMaker::ModelPackageGroup", "ModelPackageGroupName"): NameRule(63, SAGEMAKER_NAME),
    ("AWS::SageMaker::Pipeline", "PipelineName"): NameRule(256, SAGEMAKER_NAME),
    ("AWS::SageMaker::Pipeline", "PipelineDisplayName"): NameRule(256, SAGEMAKER_NAME),
    ("AWS::SageMaker::CodeRepository", "CodeRepositoryName"): NameRule(63, SAGEMAKER_NAME),
    ("AWS::SageMaker::Model", "ModelName"): NameRule(63, SAGEMAKER_NAME),
    ("AWS::SageMaker::EndpointConfig", "EndpointConfigName"): NameRule(63, SAGEMAKER_NAME),
    ("AWS::SageMaker::EndpointConfig", "ProductionVariants[].VariantName"): NameRule(63, SAGEMAKER_NAME),
    ("AWS::SageMaker::Endpoint", "EndpointName"): NameRule(63, SAGEMAKER_NAME),
    ("AWS::SageMaker::Endpoint", "EndpointConfigName"): NameRule(63, SAGEMAKER_NAME),
    ("AWS::Events::Rule", "Name"): NameRule(64, r"[.\-_A-Za-z0-9]+"),
    # An event bus name or ARN.
    ("AWS::Events::Rule", "EventBusName"): NameRule(1600),
    ("AWS::SSM::Parameter", "Name"): NameRule(2048, r"[a-zA-Z0-9_.\-/]+", rules=_ssm_parameter),
    ("AWS::KMS::Alias", "AliasName"): NameRule(256, r"alias/[a-zA-Z0-9/_-]+", rules=_kms_alias),
    ("AWS::Logs::LogGroup", "LogGroupName"): NameRule(512, r"[.\-_/#A-Za-z0-9]+"),
    ("AWS::SecretsManager::Secret", "Name"): NameRule(512, r"[A-Za-z0-9/_+=.@-]+"),
    ("AWS::SQS::Queue", "QueueName"): NameRule(80, r"[A-Za-z0-9_-]+(\.fifo)?"),
    ("AWS::SNS::Topic", "TopicName"): NameRule(256, r"[A-Za-z0-9_-]+(\.fifo)?"),
    ("AWS::ECR::Repository", "RepositoryName"): NameRule(
        256, r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*", min_length=2
    ),
    ("AWS::StepFunctions::StateMachine", "StateMachineName"): NameRule(80),
}


def is_name_property(key: str) -> bool:
    """A top-level property that names something: Name, BucketName, RoleName, ..."""
    return key == "Name" or key.endswith("Name")


# ------------------------------------------------------------------------------------------------ resolution


class Unresolvable(Exception):
    """The value is known only at launch time (or is not a string); the reason says why."""


class UnboundedParameter(Unresolvable):
    """The value comes from a template parameter with no AllowedValues, MaxLength or Default: no worst case."""


Candidates = list[str | None]  # None: AWS::NoValue, the property is left out


def _unique(values: Candidates) -> Candidates:
    unique = list(dict.fromkeys(values))
    if len(unique) > MAX_CANDIDATES:
        raise Unresolvable(f"more than {MAX_CANDIDATES} possible values")
    return unique


def parameter_samples(name: str, definition: Mapping[str, Any]) -> list[str] | None:
    """The worst-case values of a template parameter, or None when nothing sensible can be assumed."""
    if definition.get("Type", "String") not in ("String", "Number"):
        return None
    if "AllowedValues" in definition:
        return [str(value) for value in definition["AllowedValues"]]
    max_length = int(definition["MaxLength"]) if "MaxLength" in definition else None
    if name == PROJECT_NAME:
        samples = project_name_samples(min(PROJECT_NAME_MAX, max_length or PROJECT_NAME_MAX))
    elif name == PROJECT_ID:
        samples = [project_id_sample(min(PROJECT_ID_MAX, max_length or PROJECT_ID_MAX))]
    elif max_length is not None:
        samples = [unit * max_length for unit in ("x", "1", "X")]
    else:
        samples = []
    pattern = definition.get("AllowedPattern")
    if isinstance(pattern, str):
        samples = [sample for sample in samples if re.fullmatch(pattern, sample)]
    if samples:
        return samples
    return [str(definition["Default"])] if "Default" in definition else None


def scenarios(document: Mapping[str, Any]) -> list[dict[str, str]]:
    """Assignments of worst-case values to the template's parameters (at most MAX_SCENARIOS of them)."""
    parameters = document.get("Parameters") or {}
    choices = {name: samples for name, body in parameters.items() if (samples := parameter_samples(name, body))}
    names = sorted(choices)
    combinations = 1
    for name in names:
        combinations *= len(choices[name])
    if combinations > MAX_SCENARIOS:
        # Too many to try all: the longest value of each parameter is what the length limits care about.
        choices = {name: [max(values, key=len)] for name, values in choices.items()}
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(choices[name] for name in names))]


class Resolver:
    """Resolves intrinsic functions to the strings they yield, for one assignment of parameter values."""

    def __init__(self, document: Mapping[str, Any], parameters: Mapping[str, str]) -> None:
        self.parameters = dict(parameters)
        self.declared = set(document.get("Parameters") or {})
        self.resources = set(document.get("Resources") or {})
        self.mappings: Mapping[str, Any] = document.get("Mappings") or {}

    def values(self, node: Any) -> Candidates:
        """Every string `node` may resolve to (Fn::If yields both branches); raises Unresolvable."""
        if isinstance(node, str):
            return [node]
        if isinstance(node, bool):
            return ["true" if node else "false"]
        if isinstance(node, int | float):
            return [str(node)]
        if isinstance(node, dict) and len(node) == 1:
            ((function, argument),) = node.items()
            handler = {
                "Ref": self._ref,
                "Fn::Sub": self._sub,
                "Fn::Join": self._join,
                "Fn::If": self._if,
                "Fn::Select": self._select,
                "Fn::FindInMap": self._find_in_map,
            }.get(function)
            if handler is None:
                raise Unresolvable(f"{function} is known only at launch")
            return _unique(handler(argument))
        raise Unresolvable(f"not a string: {type(node).__name__}")

    def text(self, node: Any) -> list[str]:
        """Like values, but AWS::NoValue is not allowed here."""
        values = self.values(node)
        if any(value is None for value in values):
            raise Unresolvable("AWS::NoValue inside a string")
        return [value for value in values if value is not None]

    def _ref(self, name: Any) -> Candidates:
        if name == NO_VALUE:
            return [None]
        if name in PSEUDO_PARAMETERS:
            return [PSEUDO_PARAMETERS[name]]
        if name in self.parameters:
            return [self.parameters[name]]
        if name in self.declared:
            raise UnboundedParameter(f"parameter {name} has no worst case (no AllowedValues, MaxLength or Default)")
        if name in self.resources:
            raise Unresolvable(f"Ref to resource {name}")
        raise Unresolvable(f"Ref to unknown {name}")

    def _variable(self, name: str, variables: Mapping[str, Any]) -> list[str]:
        if name in variables:
            return self.text(variables[name])
        if "." in name and not name.startswith("AWS::"):
            raise Unresolvable(f"Fn::GetAtt {name}")
        return self.text({"Ref": name})

    def _sub(self, argument: Any) -> Candidates:
        if isinstance(argument, str):
            body, variables = argument, {}
        elif isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
            body, variables = argument[0], argument[1]
            if not isinstance(variables, dict):
                raise Unresolvable("Fn::Sub variables are not a mapping")
        else:
            raise Unresolvable("malformed Fn::Sub")
        pieces = re.split(r"\$\{([^}]*)\}", body)
        literals, names = pieces[0::2], pieces[1::2]
        wanted = sorted({name for name in names if not name.startswith("!")})
        choices = [self._variable(name, variables) for name in wanted]
        results: Candidates = []
        for combination in itertools.product(*choices):
            assigned = dict(zip(wanted, combination, strict=True))
            parts = [literals[0]]
            for name, literal in zip(names, literals[1:], strict=True):
                parts.append("${" + name[1:] + "}" if name.startswith("!") else assigned[name])
                parts.append(literal)
            results.append("".join(parts))
        return results

    def _lists(self, node: Any) -> list[list[str]]:
        """Every list `node` may resolve to (a literal list, Fn::Split, Fn::If)."""
        if isinstance(node, list):
            options = [self.values(item) for item in node]
            return [[value for value in items if value is not None] for items in itertools.product(*options)]
        if isinstance(node, dict) and len(node) == 1:
            ((function, argument),) = node.items()
            if function == "Fn::Split" and isinstance(argument, list) and len(argument) == 2:
                delimiter = argument[0]
                if not isinstance(delimiter, str):
                    raise Unresolvable("Fn::Split delimiter is not a string")
                return [source.split(delimiter) for source in self.text(argument[1])]
            if function == "Fn::If" and isinstance(argument, list) and len(argument) == 3:
                return self._lists(argument[1]) + self._lists(argument[2])
            raise Unresolvable(f"list from {function}")
        raise Unresolvable("not a list")

    def _join(self, argument: Any) -> Candidates:
        if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
            raise Unresolvable("malformed Fn::Join")
        return [argument[0].join(items) for items in self._lists(argument[1])]

    def _if(self, argument: Any) -> Candidates:
        if not (isinstance(argument, list) and len(argument) == 3):
            raise Unresolvable("malformed Fn::If")
        return self.values(argument[1]) + self.values(argument[2])

    def _select(self, argument: Any) -> Candidates:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise Unresolvable("malformed Fn::Select")
        results: Candidates = []
        for index in self.text(argument[0]):
            for items in self._lists(argument[1]):
                if not index.isdigit() or int(index) >= len(items):
                    raise Unresolvable(f"Fn::Select index {index} out of range")
                results.append(items[int(index)])
        return results

    def _find_in_map(self, argument: Any) -> Candidates:
        if not (isinstance(argument, list) and len(argument) == 3):
            raise Unresolvable("malformed Fn::FindInMap")
        results: Candidates = []
        for name, top, second in itertools.product(*(self.text(item) for item in argument)):
            value = self.mappings.get(name, {}).get(top, {}).get(second)
            if not isinstance(value, str | int):
                raise Unresolvable(f"Fn::FindInMap {name}.{top}.{second} is not a string")
            results.append(str(value))
        return results


# ------------------------------------------------------------------------------------------------ the check


@dataclass(frozen=True)
class Name:
    """One resolved name and what is wrong with it (nothing, when it fits)."""

    resource: str
    resource_type: str
    path: str
    value: str
    problems: tuple[str, ...]

    def __str__(self) -> str:
        where = f"{self.resource} ({self.resource_type}) {self.path}"
        return f"{where} = {self.value!r}: {'; '.join(self.problems) or 'fits'}"


@dataclass(frozen=True)
class Skipped:
    """A name that cannot be resolved before the launch; unbounded: it depends on an unbounded parameter."""

    resource: str
    resource_type: str
    path: str
    reason: str
    unbounded: bool = False

    def __str__(self) -> str:
        return f"{self.resource} ({self.resource_type}) {self.path}: {self.reason}"


@dataclass
class Report:
    names: list[Name] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Name properties that have no limit in LIMITS: (logical id, resource type, property).
    unlisted: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def problems(self) -> list[Name]:
        return [name for name in self.names if name.problems]

    @property
    def unbounded(self) -> list[Skipped]:
        """Names built from a parameter that may be any length: they may break any limit."""
        return [skipped for skipped in self.skipped if skipped.unbounded]


def _at(node: Any, steps: list[str], trail: str) -> Iterator[tuple[str, Any]]:
    """The values at a property path ("Stages[].Actions[].Name") with their concrete paths ("Stages[0]...")."""
    if not steps:
        yield trail, node
        return
    step, rest = steps[0], steps[1:]
    each = step.endswith("[]")
    key = step.removesuffix("[]")
    if not isinstance(node, dict) or key not in node:
        return
    here = f"{trail}.{key}" if trail else key
    value = node[key]
    if not each:
        yield from _at(value, rest, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _at(item, rest, f"{here}[{index}]")
    else:
        yield here, value  # a list built by an intrinsic function: reported as unresolvable


def check_template(document: Mapping[str, Any], limits: Mapping[tuple[str, str], NameRule] = LIMITS) -> Report:
    """Resolve and check every name in LIMITS that the template's resources set; list the unlisted ones."""
    report = Report()
    resources: Mapping[str, Any] = document.get("Resources") or {}
    resolvers = [Resolver(document, parameters) for parameters in scenarios(document)]
    seen: set[tuple[str, str, str]] = set()
    skipped: set[tuple[str, str, str]] = set()
    for logical_id, resource in sorted(resources.items()):
        resource_type = str(resource.get("Type", ""))
        properties = resource.get("Properties") or {}
        report.unlisted += [
            (logical_id, resource_type, key)
            for key in sorted(properties)
            if is_name_property(key) and (resource_type, key) not in limits
        ]
        for (type_, path), rule in limits.items():
            if type_ != resource_type:
                continue
            for concrete, node in _at(properties, path.split("."), ""):
                for resolver in resolvers:
                    try:
                        values = resolver.values(node)
                    except Unresolvable as reason:
                        if (logical_id, concrete, str(reason)) not in skipped:
                            skipped.add((logical_id, concrete, str(reason)))
                            unbounded = isinstance(reason, UnboundedParameter)
                            report.skipped.append(Skipped(logical_id, resource_type, concrete, str(reason), unbounded))
                        continue
                    for value in values:
                        if value is None or (logical_id, concrete, value) in seen:
                            continue
                        seen.add((logical_id, concrete, value))
                        problems = tuple(rule.problems(value))
                        report.names.append(Name(logical_id, resource_type, concrete, value, problems))
    return report
