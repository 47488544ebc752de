"""Pure domain data types: instruments, bars, corporate actions, macro, news and events."""
