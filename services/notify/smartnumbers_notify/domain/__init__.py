"""Pure: deliveries, recipients and SMS texts. Only stdlib, eventsourcing, phonenumbers."""
