"""Custom checkov checks of `make scan`, loaded by checkov with --external-checks-dir (each file as a
top-level module, so they import their helpers as `smt_scan_common`, not relatively).

They import checkov, which lives only in .venv-checkov: nothing in the main venv imports this
folder (mypy excludes it; tests run it through the checkov executable).
"""
