"""The one exception type for problems a user can fix; the CLI prints it as one line and exits 2."""


class UserError(Exception):
    """Cause and fix, ready to print."""
