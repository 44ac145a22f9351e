"""What the user reads besides reports: the message catalogue, numbers and dates in
Vietnamese format, the console's lines, the errors."""
