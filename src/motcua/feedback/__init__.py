"""Feedback and petitions on administrative regulations (phản ánh, kiến nghị; Decision 766 indicator 5.2)."""
