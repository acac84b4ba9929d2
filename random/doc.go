// Package random is the draw of protocol v1: the plan, the seed sources,
// the draw key, premises priorities, the selection of premises under
// quotas, cooldown and coverage rules, and the staffing of inspector
// teams under conflict-of-interest (回避) rules.
//
// It is for computing a draw that anyone can replay byte for byte from
// the published record and the input tables, and for reading the figures
// that explain it. It is not for loading tables (see
// [github.com/doublerandom/doublerandom/roster]) nor for signing and
// publishing records (see [github.com/doublerandom/doublerandom/publish]);
// it never reads a clock, a global random generator or the order of rows
// in a file, and it uses no floating point.
//
// # The main path
//
//	set, err := roster.LoadDir(dir, roster.Options{})   // the four tables
//	plan, err := random.LoadPlan(dir + "/plan.json")     // strict; digest = H(bytes)
//	seed, err := random.DiceSeed("2023 7331 1281 5921 1123")
//	res, err := random.Draw(ctx, plan, set, seed, random.Options{})
//	b, err := res.View().Encode()                        // the JSON view of §7
//
// [Draw] checks the plan against the tables ([Plan.Check]), derives the
// key K = H("doublerandom/v1/key" || lp(S) || inputs) ([NewKey]), gives
// every premises in scope its priority P = first 8 bytes of
// H(K || 0x01 || lp(id)) ([Key.Priority]), selects in each stratum the
// first k premises by (overdue first, P, id) with k from the first
// matching quota rule ([QuotaSize]), adds the targeted premises, and
// staffs each selected premises from its eligible inspectors E(p) in the
// order of Q = first 8 bytes of H(K || 0x02 || lp(p.id) || lp(i.id))
// ([Key.InspectorKey]), most constrained premises first.
//
// # The result
//
// A [Result] keeps what later steps need: per stratum its figures and
// its full rank order ([Stratum]); per premises row why it was out of
// scope, excluded, or where it ranked ([PremisesOutcome]); per selected
// premises E(p) in (Q, id) order, the team or a precise reason it is
// unstaffed ([Selection], [UnstaffedReason]); per inspector the capacity
// left ([InspectorLoad]); and why an inspector is not eligible for a
// premises ([Result.WhyIneligible]). [Result.View] is the JSON view of
// protocol §7, whose bytes ([View.Encode]) are frozen; [ParseView] reads
// one back.
//
// # Decisions where the protocol is silent
//
//   - A quota's "max" of 0 (or absent) means no maximum, as in the test
//     vectors; "min" defaults to 0.
//   - region_prefix L > 0 holds only when both regions have at least L
//     bytes and their first L bytes are equal.
//   - home_region: an inspector without a home_region never conflicts.
//   - An inspector without a unit belongs to the unit "" for max_per_unit.
//   - Unstaffed codes in the view: "no_team_rule"; "unit" when E(p) has
//     too few inspectors of a required unit; otherwise "short" — the team
//     ran out of inspectors (too few eligible, all at capacity, or the
//     required unit's inspectors used up by earlier teams).
//   - The view is ASCII: non-ASCII characters are \u escapes, exactly as
//     Python's json.dumps(indent=1) writes them.
package random
