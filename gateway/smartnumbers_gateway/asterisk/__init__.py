"""Asterisk itself: FastAGI, AMI, the plan as channel variables, speech, what may be written
to it (``wire_text``), and the development Asterisk."""
