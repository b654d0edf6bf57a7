"""The nudge scheduler: durable deliveries, platform senders, and the app hook."""
