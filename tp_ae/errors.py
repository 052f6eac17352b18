"""The one exception type users see as a one-line message (the CLI prints it without traceback)."""


class TpAeError(Exception):
    """Something the user can fix: a bad file, flag or submission. The message is one line
    that says what was wrong and what to do."""
