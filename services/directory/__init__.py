"""Makes the directory's tests a package of their own (``directory.tests``), apart from presence's ``tests``."""
