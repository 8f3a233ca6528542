"""The one key map every menu keeps (the guide's missing Appendix A; docs/phone-menus.md)."""

from __future__ import annotations

BACK = "*"
"""Back to the menu before (from the main menu: goodbye). At a greeting: sign in."""
CONFIRM = "#"
"""Confirm a choice; end a number, a password or a recording."""
REPEAT = "0"
"""Hear the options again."""
ON, OFF = "1", "2"
"""In every on/off menu: 1 switches on, 2 switches off."""
HEAR, RECORD, DELETE = "1", "2", "3"
"""In every greeting menu: 1 hear it, 2 record it, 3 delete it."""
PREVIOUS, NEXT, ACTION = "1", "3", "7"
"""While messages or faxes are read out: 1 previous, 3 next, 7 the action menu."""
SAVE, REMOVE = "6", "7"
"""In every action menu: 6 save, 7 delete."""
