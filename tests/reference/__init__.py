"""Reference implementations in Python, used by tests to check the browser's own code."""
