"""smartnumbers notify: delivers SMS, email and pager messages (user guide §3.5, §3.6, §4.5, §5)."""
