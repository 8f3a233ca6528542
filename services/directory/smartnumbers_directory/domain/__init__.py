"""The directory's domain: pure Python and ``eventsourcing``, no I/O, no clock, no settings."""
