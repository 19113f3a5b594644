"""Execute one notebook inside the sandbox: ``python execute.py NOTEBOOK``.

Run by path (not ``-m``), so it imports only nbformat and nbclient.  Every cell runs, even
after an error (nbgrader's practice: one broken cell costs only the exercises that need it);
what happened goes to ``status.json`` beside the notebook.  The executed notebook is not kept:
the grader reads the answers the checks recorded, nothing else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(path: str) -> int:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(path, as_version=4)
    cell_errors: list[str] = []
    status = {"finished": False, "error": "", "cell_errors": cell_errors}
    out = Path(path).with_name("status.json")
    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=None,
                            resources={"metadata": {"path": str(Path(path).parent)}},
                            shutdown_kernel="immediate")
    try:
        client.execute()
        status["finished"] = True
    except DeadKernelError as exc:
        status["error"] = f"the kernel died (memory limit or a crash): {str(exc)[:200]}"
    except Exception as exc:  # noqa: BLE001 - reported to the grader, not raised
        status["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                cell_errors.append(
                    f"cell {i}: {o.get('ename')}: {str(o.get('evalue'))[:120]}")
    out.write_text(json.dumps(status), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
