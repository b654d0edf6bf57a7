"""The Microsoft Teams edge: the only place that imports botbuilder."""
