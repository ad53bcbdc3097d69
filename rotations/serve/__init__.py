"""`rotations serve`: the year-round loop on a web page — leave requests in, changes
previewed, calendars out."""
