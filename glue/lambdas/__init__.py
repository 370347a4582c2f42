"""Lambda handlers shipped with the product templates (zipped by glue packaging)."""
