"""The grading subpackage's exception."""

from __future__ import annotations

from ..errors import CasestudyError


class GradingError(CasestudyError):
    """A roster, assignment folder, submission folder or variant declaration cannot be used;
    the message names the file, the field and what was expected."""
