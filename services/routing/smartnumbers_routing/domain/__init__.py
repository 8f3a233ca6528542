"""Routing's domain: who would answer a call, decided from a snapshot of the callee's state. Pure."""
