"""Python harness around the Terraform modules and the CDKTF app: one CLI, `python -m glue`."""
