"""The ops review queue: pended claims, taken by one person, overridden, rejected or returned."""
