"""What is computed from scored years: the analysts' tables, comparisons with the year
before, suspicious changes, the robustness of ranks, trends, the leaders' summary."""
