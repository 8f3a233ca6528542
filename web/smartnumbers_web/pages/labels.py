"""The guide's words for the services' values."""

LOCATIONS = {"desk": "Desk", "mobile": "Mobile", "home": "Home", "temporary": "Temporary", "none": "None"}
AVAILABILITY = {
    "available": "Available",
    "voicemail": "Voicemail",
    "pc_ring": "PC Ring",
    "delegate": "Delegate",
    "no_messages": "No messages",
}
CALL_INTRODUCTION = {
    "off": "Off",
    "on": "On",
    "on_with_password": "On, with password",
    "delegated_only": "Delegated calls only",
}
