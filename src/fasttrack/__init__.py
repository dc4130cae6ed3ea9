"""fasttrack."""
