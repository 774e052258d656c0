"""What operators ask of a running process: its health. Above everything it checks."""
