"""The claim aggregate: its tables, the source-neutral draft intake builds, and its queries."""
