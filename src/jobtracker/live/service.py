"""Where live events for a user are published: other domains raise them through this name."""

from __future__ import annotations

import uuid


def user_channel(user_id: uuid.UUID) -> str:
    """The broadcast channel a user's stream listens on (notifications, dashboard changes)."""
    return f"user:{user_id}"
