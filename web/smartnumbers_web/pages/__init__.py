"""One module per page of the guide's Web Services (§2 to §8)."""
