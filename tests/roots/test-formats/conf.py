# A third-party Sphinx project showing the examples of one page of each source format (test root).
project = "three formats"
extensions = ["harness.sphinx"]
# the documented pages are read by the directive, not by Sphinx
exclude_patterns = ["pages"]
