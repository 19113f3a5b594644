"""The exhibits of each notebook, computed from the corpus (one module per notebook).

Notebooks call these functions and show what they return; the logic lives here
so it is tested once.  Each exhibit carries its "Source:" line.
"""
