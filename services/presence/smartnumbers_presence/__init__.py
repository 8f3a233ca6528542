"""The presence service: where each user is, and how their calls should be answered."""
