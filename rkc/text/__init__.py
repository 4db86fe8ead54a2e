"""Pure text engines (word diff, three-way merge, safe Markdown): no Flask, no database."""
