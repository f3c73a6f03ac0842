"""Live updates for signed-in users: a Server-Sent Events stream of their own events."""
