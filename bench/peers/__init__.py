"""The peers module 1 compares our edges with: each is a server run as its own process."""
