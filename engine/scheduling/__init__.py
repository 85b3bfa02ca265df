"""The daemon: scheduled passes per account, IMAP IDLE, backoff, signals."""
