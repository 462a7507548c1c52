"""To-Do List: items with due dates, in todo.db."""
