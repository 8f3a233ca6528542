"""The service kit: what every smartnumbers service does the same way, written once."""
