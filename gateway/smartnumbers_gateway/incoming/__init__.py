"""A call arriving: its plan, the introduction, voicemail, PC ring, and the call events AMI reports."""
