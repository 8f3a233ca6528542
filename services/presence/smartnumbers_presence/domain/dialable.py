"""Dialable numbers: the kit's E.164 normalisation (shared with the directory)."""

from smartnumbers_kit.dialable import to_e164

__all__ = ["to_e164"]
