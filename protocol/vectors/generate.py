#!/usr/bin/env python3
"""Writes the golden vectors in this folder from a small, independent reference merge.

The Swift implementation must decode every message and re-encode it to the same bytes, and must
reach exactly `expected` for every delivery order of every merge case. The reference merge below
follows protocol/README.md and nothing else, so the vectors check the Swift code against the
written rules rather than against itself.

Run: python3 protocol/vectors/generate.py   (rewrites messages/ and merges/)
"""
import json
import pathlib

HERE = pathlib.Path(__file__).parent
T0 = 1764374400000  # 2025-11-29T00:00:00Z
HH = "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f"
RES = "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70"
INC = "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71"
LOG = "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e72"


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def op(replica, counter, context, ms, rtype, rid, kind, **payload):
    body = {"dot": [replica, counter], "context": {str(k): v for k, v in context.items()},
            "hlc": [T0 + ms, 0], "type": rtype, "id": rid, "kind": kind}
    body.update(payload)
    return body


# ---- the reference merge (protocol/README.md, "Merge rules") ----

def covers(context, dot):
    return context.get(str(dot[0]), 0) >= dot[1]


def dominates(clock, context):
    return all(clock.get(k, 0) >= v for k, v in context.items())


def apply(state, o):
    ctx, dot = o["context"], o["dot"]
    kind = o["kind"]

    def write(field, value):
        siblings = [s for s in state["registers"].get(field, []) if not covers(ctx, s["dot"])]
        siblings.append({"dot": dot, "hlc": o["hlc"], "value": value})
        state["registers"][field] = sorted(siblings, key=lambda s: s["dot"])

    if kind in ("create", "set", "log"):
        for field, value in o["fields"].items():
            write(field, value)
    elif kind == "tombstone":
        write("deleted", True)
    elif kind in ("add", "remove"):
        field, element = o["field"], o["element"]
        entries = [e for e in state["sets"].get(field, [])
                   if not (e["element"] == element and covers(ctx, e["dot"]))]
        if kind == "add":
            entries.append({"element": element, "dot": dot})
        entries.sort(key=lambda e: (e["element"], e["dot"]))
        if entries:
            state["sets"][field] = entries
        else:
            state["sets"].pop(field, None)
    elif kind == "event":
        state["events"].append({"dot": dot, "hlc": o["hlc"], "event": o["event"]})
        state["events"].sort(key=lambda e: (e["hlc"], e["dot"]))
    key = str(dot[0])
    state["clock"][key] = max(state["clock"].get(key, 0), dot[1])


def merge(operations, order):
    """Applies operations in `order`, holding each until its record's clock dominates its context."""
    records, waiting = {}, []
    for index in order:
        waiting.append(operations[index])
        progress = True
        while progress:
            progress = False
            for o in list(waiting):
                key = (o["type"], o["id"])
                state = records.setdefault(key, {"type": o["type"], "id": o["id"], "clock": {},
                                                 "registers": {}, "sets": {}, "events": []})
                if covers(state["clock"], o["dot"]):
                    waiting.remove(o)
                    progress = True
                elif dominates(state["clock"], o["context"]):
                    apply(state, o)
                    waiting.remove(o)
                    progress = True
    assert not waiting, "a merge case must deliver every cause"
    return [records[k] for k in sorted(records) if records[k]["clock"]]


# ---- the cases ----

create_hh = op(1, 1, {}, 0, "household", HH, "create",
               fields={"gridId": "fm-01-01-01-01", "address": "新华村3组12号", "headName": "包金山"})
create_res = op(1, 2, {}, 1, "resident", RES, "create",
                fields={"gridId": "fm-01-01-01-01", "name": "包金山", "householdId": HH,
                        "idNumber": "11010519491231002X"})
create_inc = op(1, 3, {}, 2, "incident", INC, "create",
                fields={"gridId": "fm-01-01-01-01", "category": "dispute", "summary": "邻里宅基地边界纠纷"})

CASES = {
    "concurrent-same-field": (
        "Two agents set the same household's phone offline: both values stay as siblings (a conflict); "
        "the visible one has the greater HLC.",
        [create_hh,
         op(1, 2, {1: 1}, 60000, "household", HH, "set", fields={"phone": "13800000001"}),
         op(2, 1, {1: 1}, 90000, "household", HH, "set", fields={"phone": "13900000002"})]),
    "concurrent-different-fields": (
        "Two agents edit different fields of one household offline: both edits apply, no conflict.",
        [create_hh,
         op(1, 2, {1: 1}, 60000, "household", HH, "set", fields={"address": "新华村3组14号"}),
         op(2, 1, {1: 1}, 90000, "household", HH, "set", fields={"note": "新装自来水"})]),
    "covering-write-resolves": (
        "A third write whose context covers both conflicting phones replaces them: the conflict is resolved. "
        "Replica 10 writes it, so the clock's keys sort as text (\"1\" < \"10\" < \"2\").",
        [create_hh,
         op(1, 2, {1: 1}, 60000, "household", HH, "set", fields={"phone": "13800000001"}),
         op(2, 1, {1: 1}, 90000, "household", HH, "set", fields={"phone": "13900000002"}),
         op(10, 1, {1: 2, 2: 1}, 120000, "household", HH, "set", fields={"phone": "13700000003"})]),
    "add-wins-set": (
        "One agent removes the 低保 tag it saw while another adds it again concurrently: the concurrent add wins.",
        [create_res,
         op(1, 3, {1: 2}, 60000, "resident", RES, "add", field="tags", element="subsistenceAllowance"),
         op(2, 1, {1: 3}, 90000, "resident", RES, "remove", field="tags", element="subsistenceAllowance"),
         op(3, 1, {1: 3}, 95000, "resident", RES, "add", field="tags", element="subsistenceAllowance"),
         op(3, 2, {1: 3, 3: 1}, 96000, "resident", RES, "add", field="phones", element="13600000004")]),
    "tombstone-beside-edit": (
        "A tombstone and a concurrent edit of another field both stay; the record reads as deleted.",
        [create_hh,
         op(1, 2, {1: 1}, 60000, "household", HH, "tombstone"),
         op(2, 1, {1: 1}, 90000, "household", HH, "set", fields={"note": "户主已迁出"})]),
    "incident-concurrent-steps": (
        "The village closes on the spot while the township dispatches the same incident offline: both "
        "events are kept; the fold applies the earlier and marks the later as rejected.",
        [create_inc,
         op(0, 1, {1: 3}, 30000, "incident", INC, "event",
            event={"action": "register", "registryNumber": "FM-20251129-000042"}),
         op(1, 4, {0: 1, 1: 3}, 60000, "incident", INC, "event",
            event={"action": "selfClose", "node": "fm-01-01-01-01", "note": "当场调解"}),
         op(2, 1, {0: 1, 1: 3}, 90000, "incident", INC, "event",
            event={"action": "dispatch", "node": "fm-01", "target": "fm-dept-land", "note": "请国土所核实边界"})]),
}

DELIVERIES = {
    # Causal order, reverse order (everything waits for its causes), and a shuffle with a duplicate.
    "concurrent-same-field": [[0, 1, 2], [2, 1, 0], [1, 0, 2, 1]],
    "concurrent-different-fields": [[0, 1, 2], [2, 1, 0], [0, 2, 2, 1]],
    "covering-write-resolves": [[0, 1, 2, 3], [3, 2, 1, 0], [0, 3, 1, 3, 2]],
    "add-wins-set": [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [0, 1, 3, 2, 4, 2]],
    "tombstone-beside-edit": [[0, 1, 2], [2, 1, 0], [0, 2, 1, 1]],
    "incident-concurrent-steps": [[0, 1, 2, 3], [3, 2, 1, 0], [0, 1, 3, 2, 3]],
}

MESSAGES = {
    "operation-create": create_hh,
    "operation-set": CASES["concurrent-same-field"][1][1],
    "operation-add": CASES["add-wins-set"][1][1],
    "operation-remove": CASES["add-wins-set"][1][2],
    "operation-tombstone": CASES["tombstone-beside-edit"][1][1],
    "operation-event": CASES["incident-concurrent-steps"][1][3],
    "operation-log": op(1, 5, {}, 3, "workLog", LOG, "log",
                        fields={"gridId": "fm-01-01-01-01", "date": "2025-11-29", "text": "走访5户，调解邻里纠纷1起",
                                "householdsVisited": 5, "disputes": 1, "solvedOnSpot": 1, "patrolMinutes": 95}),
    "sync-request": {"protocolVersion": 1, "batchId": "0193a5c2-7b1e-7c3d-9f2e-000000000001", "cursor": 1200,
                     "operations": [create_hh, CASES["concurrent-same-field"][1][1]]},
    "sync-response": {"acknowledgedThrough": 2, "cursor": 1305, "hasMore": False, "serverTime": T0 + 120000,
                      "operations": [CASES["concurrent-same-field"][1][2]]},
    "snapshot-page": {"calendar": {"holidays": ["2026-10-01", "2026-10-02"], "workdays": ["2026-10-10"]},
                      "cursor": 1305, "recordCount": 2, "nextAfter": "fm-01,fm-01-01,fm-01-01-01,fm-01-01-01-01,household/" + HH + "@1305",
                      "grids": [{"id": "fm-01-01-01-01", "parentId": "fm-01-01-01", "level": 4,
                                 "name": "新华村第3村民小组", "kind": "rural", "linesOfWork": []}],
                      "records": merge(CASES["concurrent-same-field"][1], [0, 1, 2])},
    "enroll-response": {"protocolVersion": 1, "replica": 7, "gridId": "fm-01-01-01-01",
                        "agentName": "新华村3组网格员", "serverTime": T0},
    "error-body": {"code": "out_of_scope", "message": "Operation 7:12 touches a record outside grid fm-01-01-01-01.",
                   "messageZh": "操作 7:12 涉及网格 fm-01-01-01-01 以外的记录。", "dots": [[7, 12]]},
}


def main():
    for name, message in MESSAGES.items():
        (HERE / "messages" / f"{name}.json").write_text(canonical(message) + "\n", encoding="utf-8")
    for name, (description, operations) in CASES.items():
        orders = DELIVERIES[name]
        results = [merge(operations, order) for order in orders]
        assert all(canonical(r) == canonical(results[0]) for r in results), name
        case = {"description": description, "operations": operations, "deliveries": orders, "expected": results[0]}
        (HERE / "merges" / f"{name}.json").write_text(canonical(case) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
