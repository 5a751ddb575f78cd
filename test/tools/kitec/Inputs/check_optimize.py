"""Checks a kitec --optimize report: the front is non-dominated, the chosen
point is within the budget, on the front, and no costlier than each
technique's best point alone."""
import json
import sys

o = json.load(open(sys.argv[1]))["optimize"]
key = {"edp": "edp_js", "energy": "energy_j", "latency": "seconds"}[o["objective"]]
front = o["front"]
assert front, "empty front"
for a, b in zip(front, front[1:]):
    assert a[key] <= b[key] and a["score"] < b["score"], (a, b)
chosen = o["chosen"]
floor = o["float"]["score"] - o["max_drop"] - 1e-12
assert o["within_budget"] and chosen["score"] >= floor, (chosen["score"], floor)
assert 0 <= o["chosen_in_front"] < len(front)
assert front[o["chosen_in_front"]][key] == chosen[key]
for single in o["single_technique"]:
    if "point" in single:
        assert chosen[key] <= single["point"][key] + 1e-18, single
print("front ok, chosen within the budget and no costlier than any technique alone")
