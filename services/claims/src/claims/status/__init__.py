"""Where a claim stands: the state machine, recorded transitions, reads and the status gauge."""
