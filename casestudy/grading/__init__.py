"""Assign and grade: a variant of each notebook for every student, a gradebook from the
returned notebooks (``casestudy assign`` and ``casestudy grade``).

:mod:`.variants` draws a student's parameter values; :mod:`.assign` writes the students'
copies, the instructor's solutions and the expected values; :mod:`.sandbox` runs a returned
notebook in isolation; :mod:`.grade` compares its answers outside it and writes the
gradebook; :mod:`.feedback` writes each student's page.
"""

from __future__ import annotations

__all__ = ["GradingError"]

from .errors import GradingError
