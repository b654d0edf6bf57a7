"""Crosswalk runtime: settings, the aiohttp app, the channel edges, the store, the CLI."""
