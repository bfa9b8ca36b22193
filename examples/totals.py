"""Sums the order totals. Try it: `python totals.py` (a typo in a name)."""

orders = [{"total": 12.5}, {"total": 7.25}]
grand_total = sum(order["total"] for order in orders)
print(f"Total: {grand_total_:.2f}")
