"""The counter day: tickets, calls, and the live queue state that displays and phones follow."""
