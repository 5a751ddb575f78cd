"""Checks a kitec --optimize report: the front is non-dominated (cost, score,
soft score), the chosen point is within the budget on both scores, on the
front, and no costlier than each technique's best point alone."""
import json
import sys

o = json.load(open(sys.argv[1]))["optimize"]
key = {"edp": "edp_js", "energy": "energy_j", "latency": "seconds"}[o["objective"]]
front = o["front"]
assert front, "empty front"
for i, b in enumerate(front):
    for a in front[:i]:
        assert a[key] <= b[key], (a, b)
        assert a["score"] < b["score"] or a["soft_score"] < b["soft_score"], (a, b)
chosen = o["chosen"]
assert o["within_budget"]
for measure in ("score", "soft_score"):
    floor = o["float"][measure] - o["max_drop"] - 1e-12
    assert chosen[measure] >= floor, (measure, chosen[measure], floor)
assert 0 <= o["chosen_in_front"] < len(front)
assert front[o["chosen_in_front"]][key] == chosen[key]
for single in o["single_technique"]:
    if "point" in single:
        assert chosen[key] <= single["point"][key] + 1e-18, single
print("front ok, chosen within the budget and no costlier than any technique alone")
