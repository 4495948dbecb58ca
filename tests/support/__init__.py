"""What tests use to act like the outside world on the local stack: a plain Kafka client that publishes and
watches topics, the Maildir the SMTP sink writes, the services' databases, and sample messages."""
