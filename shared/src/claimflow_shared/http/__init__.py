"""HTTP plumbing shared by the service APIs."""
