"""`rotations publish`: a publication's calendars delivered to the people in it — as private
feeds in a web folder (`site.py`) or to a CalDAV server (`dav.py`) — with the per-program
secret and what was sent kept in a private state folder (`state.py`)."""
