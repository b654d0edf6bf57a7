"""Crosswalk core: channel-neutral messages, routing and dialogs."""
