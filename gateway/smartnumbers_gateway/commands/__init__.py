"""Commands for Asterisk from the bus: message waiting and fax delivery."""
