# Replays a doublerandom/v1 draw's selection with hashlib: python3 replay.py DIR SEED (dice digits, or hex bytes)
import csv, datetime, fractions, hashlib, json, math, os, sys
H = lambda *b: hashlib.sha256(b"".join(b)).digest()
lp = lambda s: len(s.encode()).to_bytes(4, "big") + s.encode()
def table(name, multi=""):  # {id: {name: value}}: empty values dropped, lists sorted, conflict ids derived
    f = os.path.join(sys.argv[1], name + ".csv"); rows = list(csv.DictReader(open(f, encoding="utf-8-sig", newline=""))) if os.path.exists(f) else []
    return {r.get("id") or r["inspector"] + " " + r["premises"]: {k: ";".join(sorted(set(v.split(";")))) if k == multi else v for k, v in r.items() if v and k != "id"} for r in rows}
def mth(h): k = 1 << max(len(h) - 1, 1).bit_length() - 1; return H(b"\1", mth(h[:k]), mth(h[k:])) if len(h) > 1 else (h or [H()])[0]
T = {"premises": table("premises"), "inspectors": table("inspectors", "specialties"), "conflicts": table("conflicts"), "history": table("history", "inspectors")}
roots = {n: mth([H(b"\0", lp(i), len(a).to_bytes(4, "big"), *(lp(k) + lp(v) for k, v in sorted(a.items()))) for i, a in sorted(t.items())]) for n, t in T.items()}
plan_bytes = open(os.path.join(sys.argv[1], "plan.json"), "rb").read(); plan = json.loads(plan_bytes)
seed, inputs = sys.argv[2].encode() if sys.argv[2].isdigit() else bytes.fromhex(sys.argv[2]), H(b"doublerandom/v1/inputs", H(plan_bytes), *roots.values())
K = H(b"doublerandom/v1/key", len(seed).to_bytes(4, "big"), seed, inputs); P = lambda i: int.from_bytes(H(K, b"\1", lp(i))[:8], "big")  # key (§3), priority (§4)
day, cd, cov = datetime.date.fromisoformat(plan["date"]), plan.get("cooldown") or {}, plan.get("coverage_days", 0)
recent = lambda p, days: sum(h["premises"] == p and 0 <= (day - datetime.date.fromisoformat(h["date"])).days < days for h in T["history"].values())
strata, out = {}, {"key": K.hex(), "inputs": inputs.hex(), "plan_digest": H(plan_bytes).hex(), "roots": {n: r.hex() for n, r in roots.items()}, "strata": [], "selected": []}
for i, a in T["premises"].items():  # scope, cooldown, stratum, overdue (protocol §5)
    if a.get("status") in ("inactive", "closed") or any(a.get(n, "") not in vs for n, vs in plan.get("scope", {}).items()): continue
    s = strata.setdefault(tuple(a.get(n, "") for n in plan["stratify"]), [[], 0])
    if cd.get("days") and cd.get("max") and recent(i, cd["days"]) >= cd["max"]: s[1] += 1
    else: s[0].append((0 if cov and not recent(i, cov) else 1, P(i), i))
for values, (ranked, excluded) in sorted(strata.items()):
    q = next((q for q in plan["quotas"] if all(dict(zip(plan["stratify"], values)).get(n) == v for n, v in q["match"].items())), None)
    r = q and fractions.Fraction(q["ratio"].rstrip("%")) / (100 if q["ratio"].endswith("%") else 1)  # "5%", "0.5%", "1/3"
    k = q and min(len(ranked), max(q.get("min", 0), min(q.get("max") or math.inf, math.ceil(len(ranked) * r)))) or 0
    sel = [("random" if o else "overdue", p, i) for o, p, i in sorted(ranked)[:k]]
    out["strata"].append({"values": list(values), "eligible": len(ranked), "excluded": excluded, "quota": k, "threshold": next((f"{p:016x}" for m, p, _ in sel[::-1] if m == "random"), None)})
    out["selected"] += [{"id": i, "priority": f"{p:016x}", "mark": m} for m, p, i in sel]
out["selected"] += [{"id": t["id"], "priority": f"{P(t['id']):016x}", "mark": "targeted"} for t in plan.get("targeted", []) if t["id"] not in {s["id"] for s in out["selected"]}]
print(json.dumps(out, indent=1))
