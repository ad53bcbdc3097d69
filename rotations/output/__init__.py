"""Writers: tables, report, workbook, schedule.json and calendars, and the output folder."""
