"""``casestudy ARGS`` run inside the test process, for tests of a message or an exit code.

Starting the command costs a Python start and its imports (0.1 to 0.5 s of CPU a call); what
it answers to a mistake does not depend on them. The entry point is
``sys.exit(casestudy.cli.main())``, so the exit code is what :func:`~casestudy.cli.main`
returns (or the code of argparse's ``SystemExit``) and the output is what it prints. Tests
where the process itself matters (signals, a closed pipe, the installed entry point, the
environment a run passes on) still start the command.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
from pathlib import Path

from casestudy.cli import main


def run_main(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``casestudy ARGS`` in folder ``cwd``, as ``subprocess.run(..., capture_output=True,
    text=True)`` reports it, without starting a process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
            code = exc.code if isinstance(exc.code, int) else 1
    return subprocess.CompletedProcess(["casestudy", *args], code, out.getvalue(),
                                       err.getvalue())
