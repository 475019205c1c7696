"""Fees paid online through payment gateways (one plugin per gateway) and electronic receipts (biên lai điện tử)."""
