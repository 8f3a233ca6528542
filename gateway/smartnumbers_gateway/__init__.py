"""The gateway: the only part of smartnumbers that talks to Asterisk."""
