"""The Slack edge: the only place that imports slack_bolt and slack_sdk."""
