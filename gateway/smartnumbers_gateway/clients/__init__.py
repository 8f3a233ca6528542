"""The other services the gateway calls (directory, mailbox, presence) and its service tokens."""
