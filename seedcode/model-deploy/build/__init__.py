"""The deploy build: turns the project's deployment settings into one CloudFormation configuration per stage.

Run by buildspec.yml as `python -m build` (standard library and boto3 only). It reads the
deployment settings (the SSM parameter named by DEPLOYMENT_SETTINGS_PARAMETER, or a file),
finds the latest approved model package of each model package group, and writes into the
output folder:

- template-export.yml: a copy of endpoint.yml,
- <stage>-config.json for every stage: {"Parameters": {...}, "Tags": {...}} for the
  pipeline's CloudFormation deploy action,
- manifest.json: what each stage gets (endpoint, models, async paths), read by the smoke test,
- test/: the smoke test and its samples, which the pipeline's test action runs.

The output is deterministic: the same settings, model packages and config/ files give
byte-identical files (sorted keys, no timestamps).
"""

from __future__ import annotations

__all__ = ["BuildError"]


class BuildError(Exception):
    """Something the build cannot go on with; the message says what to fix."""
