"""smartnumbers Web Services: server-rendered pages over the services' REST APIs and live feeds."""
