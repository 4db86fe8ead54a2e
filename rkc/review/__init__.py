"""The review as the WCO runs it: bodies, numbered meetings, agendas and the document register."""
