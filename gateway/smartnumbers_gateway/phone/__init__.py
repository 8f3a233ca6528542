"""The telephone interface (user guide §3, §5, Appendix B): one FastAGI conversation per
phone session, driven by the menu table (``table.py``) — states and keys are data; the
actions (``actions/``) change settings through the owning services' APIs as ``service``
on behalf of the signed-in user, so the phone and the web never disagree."""
