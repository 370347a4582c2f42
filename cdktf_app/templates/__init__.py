"""CloudFormation templates of the SageMaker project products, rendered per environment.

One builder per product kind; `render` picks it. The stacks write the rendered YAML beside
cdk.tf.json (templates/<product>.yaml) and hand the path to the product and S3 modules.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml
from troposphere import Template

from cdktf_app.config import EnvironmentConfig
from cdktf_app.config_sections import ProductConfig
from cdktf_app.templates import build_train_deploy

Builder = Callable[[str, ProductConfig, EnvironmentConfig], Template]

# One builder covers the four kinds: they share artifacts, registry, source and deploy, and differ
# in the model-build pipeline (see cdktf_app/templates/build_train_deploy.py).
BUILDERS: dict[str, Builder] = {
    kind: build_train_deploy.build for kind in ("build_train_deploy", "multi_branch", "multi_model", "promotion")
}


def build(key: str, product: ProductConfig, config: EnvironmentConfig) -> Template:
    return BUILDERS[product.kind](key, product, config)


def render(key: str, product: ProductConfig, config: EnvironmentConfig) -> str:
    """The product's template as YAML text; byte-identical for the same configuration."""
    # Long-form YAML (no short !Ref tags) through libyaml: ten times faster than troposphere's
    # to_yaml, and the same bytes as PyYAML's pure-Python SafeDumper, which it falls back to.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(
        build(key, product, config).to_dict(), Dumper=dumper, sort_keys=True, default_flow_style=False, width=120
    )
    return text


def resource_types(template: Template) -> set[str]:
    """CloudFormation resource types the template creates: what the launch role must be allowed to create."""
    return {resource.resource_type for resource in template.resources.values() if resource.resource_type}
