"""Scheduler: events with date, start and end time, title and memo, in schedule.db."""
