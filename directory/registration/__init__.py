"""The manager's guided forms, "My entries", and the moderators' queue."""
