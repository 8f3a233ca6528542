"""The REST edge: dependencies and the grammar of user text."""
