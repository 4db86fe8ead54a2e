"""A member's day: the "My work" page (what awaits me, with counts) and notifications."""
