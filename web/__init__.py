"""Makes the web front end's tests a package of their own (``web.tests``), apart from the top-level ``tests``."""
