"""Review: joining code review and the authorization check into one decision."""
