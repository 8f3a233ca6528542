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
FAX_DELIVERY = {
    "mailbox": "Keep them in my mailbox",
    "office_fax": "My office fax machine",
    "home_fax": "My home fax machine",
    "temporary_fax": "My temporary fax machine",
    "email": "Email them to me (Fax-to-email)",
}
FAX_LOCATIONS = {"office_fax": "Office fax", "home_fax": "Home fax", "temporary_fax": "Temporary fax"}
