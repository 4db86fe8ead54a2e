"""A meeting as an iCalendar entry (RFC 5545), written by hand: one VEVENT, all-day dates.

Text values are escaped (backslash, semicolon, comma, newline) and every content line is
folded at 75 octets without splitting a UTF-8 sequence; lines end with CRLF.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rkc.review.models import Meeting


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """The content line folded: at most 75 octets per line, continuation lines start with a
    space (RFC 5545 section 3.1)."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def meeting_ics(meeting: Meeting, *, host: str, url: str, stamp: datetime) -> str:
    """The VCALENDAR of one meeting; DTEND is exclusive (the day after the last day)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//rkc//Review register//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{host}",
        f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;VALUE=DATE:{meeting.starts_on.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(meeting.ends_on + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{_escape(meeting.title)}",
        f"STATUS:{'TENTATIVE' if meeting.status.value == 'planned' else 'CONFIRMED'}",
        f"URL:{url}",
    ]
    if meeting.venue:
        lines.append(f"LOCATION:{_escape(meeting.venue)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
