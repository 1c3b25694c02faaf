"""Splits the German Credit fixture for the federated demo: every categorical column one-hot encoded
(first level in sorted order dropped), every numeric column standardized, the target `creditability`
as 1 for "bad". A seeded shuffle puts 20 % aside as the held-out set and splits the rest into
three lenders' partitions. Usage: prepare.py FIXTURE OUTDIR"""
import csv
import json
import random
import sys

fixture, out = sys.argv[1], sys.argv[2]
with open(fixture, newline="") as f:
    rows = list(csv.reader(f))
header, rows = rows[0], rows[1:]
target = header.index("creditability")


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


names, columns = [], []
for j, name in enumerate(header):
    if j == target:
        continue
    cells = [r[j] for r in rows]
    if all(is_number(c) for c in cells):
        values = [float(c) for c in cells]
        mean = sum(values) / len(values)
        sd = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
        names.append(f"f{len(names)}")
        columns.append([(v - mean) / sd for v in values])
    else:
        for level in sorted(set(cells))[1:]:
            names.append(f"f{len(names)}")
            columns.append([1.0 if c == level else 0.0 for c in cells])
labels = [1 if r[target] == "bad" else 0 for r in rows]
order = list(range(len(rows)))
random.Random(2024).shuffle(order)
held = order[: len(order) // 5]
train = order[len(order) // 5:]
parts = [train[k::3] for k in range(3)]


def write(path, indices):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(names + ["bad"])
        for i in indices:
            w.writerow([repr(col[i]) for col in columns] + [labels[i]])


for k, part in enumerate(parts):
    write(f"{out}/part{k + 1}.csv", part)
write(f"{out}/heldout.csv", held)
write(f"{out}/train.csv", train)
json.dump({"num-features": len(names)}, open(f"{out}/meta.json", "w"))
print(len(names))
