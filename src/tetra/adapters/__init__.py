"""Everything that talks to the outside world: stores, vendors, brokers, LLMs, email."""
