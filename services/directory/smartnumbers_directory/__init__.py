"""The directory service: who is who in an organisation, and how they sign in (issue 3)."""
