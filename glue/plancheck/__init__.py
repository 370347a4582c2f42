"""Fast compliance checks of Terraform plans (`python -m glue.plancheck`): see docs/plancheck.md."""
