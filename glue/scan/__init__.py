"""`make scan`: checkov over the Terraform modules, the synthesized stacks and the rendered templates (see run.py)."""
