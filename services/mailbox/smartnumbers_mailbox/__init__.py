"""smartnumbers mailbox: voicemail, faxes, greetings, message waiting (user guide §5)."""
