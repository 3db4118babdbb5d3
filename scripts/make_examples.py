#!/usr/bin/env python3
"""Writes the committed samples in Examples/ (deterministic: same script, same bytes).

  Examples/orders.csv                         a BI order export (3,000 rows)
  Examples/team-usage-events-2025-10-01.csv   a Cursor team usage export, as the real one looks:
                                              BOM, every field quoted, Kind values with commas,
                                              empty token cells on errored rows, Cost of
                                              0.12 / $0.01 / Included / Free / -
"""
import csv, random
from datetime import datetime, timedelta, timezone

rnd = random.Random(20251001)
regions = ["APAC", "EMEA", "North America", "South America", "Oceania"]
customers = ["Acme Corp", "Tyrell \"Robert\" Trading", "Umbrella Co., Ltd.", "株式会社渡辺ホールディングス",
             "Initech", "Globex, Inc.", "Müller & Söhne GmbH", "Société Générale de Café", "Stark Industries"]
statuses = ["shipped", "delivered", "cancelled", "returned"]

def orders(path, n=3000):
    start = datetime(2025, 1, 1)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["order id", "order date", "customer", "region", "zip", "quantity", "unit price",
                    "amount", "discount", "shipped at", "status", "priority", "notes"])
        for i in range(n):
            d = start + timedelta(days=rnd.randrange(0, 120))
            qty = rnd.randrange(1, 500)
            price = rnd.randrange(100, 100000) / 100
            shipped = "" if rnd.random() < 0.05 else (d + timedelta(hours=rnd.randrange(1, 96), minutes=rnd.randrange(60), seconds=rnd.randrange(60))).strftime("%Y-%m-%d %H:%M:%S")
            note = rnd.choice(["", "", "rush, please", "call before delivery", "納品書を同封してください", "gift wrap \"fragile\"", "line one\nline two"])
            w.writerow([9000000000000 + i * 7, d.strftime("%Y-%m-%d"), rnd.choice(customers), rnd.choice(regions),
                        f"{rnd.randrange(0, 99999):05d}", qty, f"{price:.2f}", f"{qty * price:.2f}",
                        "" if rnd.random() < 0.3 else f"{rnd.randrange(0, 30) / 100:.2f}", shipped,
                        rnd.choice(statuses), rnd.choice(["true", "false"]), note])

def usage(path, n=400):
    kinds = ["Included", "Included", "Included", "Usage-based", "Errored, No Charge", "Aborted, Not Charged", "Free"]
    models = ["auto", "claude-4-sonnet", "gpt-5", "gpt-5-codex", "gemini-2.5-pro", "grok-code-fast-1"]
    users = [f"{u}@example.com" for u in ["alice", "bob", "carol", "dave", "erin"]]
    t = datetime(2025, 10, 1, 23, 59, tzinfo=timezone.utc)
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        w.writerow(["Date", "User", "Cloud Agent ID", "Automation ID", "Kind", "Model", "Max Mode",
                    "Input (w/ Cache Write)", "Input (w/o Cache Write)", "Cache Read", "Output Tokens",
                    "Total Tokens", "Cost"])
        for i in range(n):
            t -= timedelta(seconds=rnd.randrange(30, 1500), milliseconds=rnd.randrange(1000))
            kind = rnd.choice(kinds)
            errored = kind.startswith("Errored") or kind.startswith("Aborted")
            toks = ["", "", "", "", ""] if errored else [str(rnd.randrange(0, 40000)), str(rnd.randrange(0, 20000)),
                                                          str(rnd.randrange(0, 900000)), str(rnd.randrange(0, 9000))]
            if not errored:
                toks.append(str(sum(int(x) for x in toks)))
            cost = ("-" if errored else "Included" if kind == "Included" else "Free" if kind == "Free"
                    else rnd.choice([f"{rnd.randrange(1, 300) / 100:.2f}", f"${rnd.randrange(1, 99) / 100:.2f}"]))
            agent = f"bc-{rnd.randrange(16**8):08x}" if rnd.random() < 0.1 else ""
            w.writerow([t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z", rnd.choice(users), agent, "",
                        kind, rnd.choice(models), rnd.choice(["Yes", "No", "No"])] + toks + [cost])

orders("Examples/orders.csv")
usage("Examples/team-usage-events-2025-10-01.csv")
