# A third-party Sphinx project using the docharness extension (test root).
project = "uses docharness"
extensions = ["harness.sphinx"]
docharness_results = "results.json"
docharness_source_url = "https://example.invalid/docs/{path}#L{line}"
