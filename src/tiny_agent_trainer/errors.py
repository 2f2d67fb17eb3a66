"""Errors that are the user's fault rather than a bug.

`UserError` carries a message meant for a person (it names the file, key, or argument and says
what was expected). The CLI prints `error: <message>` to stderr and exits with status 2, without a
traceback. This module does NOT define internal or GPU errors (see `gpu.ShaderError`, `spec.SpecError`).
"""
from __future__ import annotations


class UserError(Exception):
    """A mistake in the user's input: a bad config file, argument, path or name."""

    exit_code = 2
