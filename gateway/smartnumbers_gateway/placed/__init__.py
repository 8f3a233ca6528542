"""Calls the platform places (AMI Originate): click-to-dial, call me, recording, the message
alert, and the Call Manager's actions on a call."""
