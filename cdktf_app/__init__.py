"""CDKTF composition layer: environment config -> one Terraform stack per environment."""
