"""The directory's use cases, one module per part of the user guide; ``application.py`` joins them."""
