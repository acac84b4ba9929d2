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
// premises |E(p)| and the first candidates of E(p) in (Q, id) order
// (all of it through [Result.EligibleFor]), the team or a precise
// reason it is unstaffed ([Selection], [UnstaffedReason]); per
// inspector the capacity left ([InspectorLoad]); and why an inspector
// is not eligible for a premises ([Result.WhyIneligible]).
// [Result.View] is the JSON view of protocol §7, whose bytes
// ([View.Encode]) are frozen; [ParseView] reads one back.
//
// # After the draw, and before it
//
// [Result.Substitute] replaces a team member after the draw exactly as
// protocol §6 says, for publication as an amendment; anyone replays it
// from the draw and the earlier substitutions. [Result.Explain] says why
// a premises was or was not selected, and [Result.ExplainInspector] why
// an inspector was or was not on its team, in words a business owner
// reads. [Preflight] checks a plan against its tables before any seed
// exists: strata no quota rule matches, team rules nobody can staff,
// capacity against the worst case.
//
// # Seeds
//
// The seed comes from a public source, promised in the announcement
// before it exists ([SeedPromise]) and proven in the draw record
// ([SeedEvidence]): dice read at a ceremony ([DiceSeed]), a commit-reveal
// among participants ([Commit], [RevealSeed]), or a drand beacon round
// verified offline ([ChainInfo.Verify]); [DeriveSeed] replays the seed
// from the evidence. A system source ([SystemSeed]) is marked as chosen
// by the operator and cannot be verified.
//
// # Scale and other samplers
//
// [DrawStream] draws over a premises table too large for memory, read
// twice in id order, and equals [Draw] on the same data;
// [DrawStreamRanges] does the same with a source that produces rows in
// ranges, so that reading runs on every core. [RivestSample]
// and [ConsistentSample] reproduce Rivest's election-audit samplers, so
// auditors can check this library against tools they already trust.
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
//
// # Protocol v2
//
// Protocol v2 (a plan whose "protocol" is [ProtocolV2]) lives beside v1
// in the files named *_v2.go, reusing v1's key, priorities, inspector
// keys, ratios and JSON encoder; v1 records replay as before. A v2 plan
// is a list of tasks (抽查事项), each with its own ratio of the premises
// it matches; a premises drawn by several tasks is visited once, by one
// team whose slots merge what each task asks:
//
//	set, err := roster.LoadDir(dir, roster.Options{Protocol: roster.ProtocolV2,
//		Commitment: roster.Commitment{Key: blindingKey}})
//	plan, err := random.LoadPlanV2(dir + "/plan.json")   // strict: unknown fields are errors
//	res, err := random.DrawV2(ctx, plan, set, seed, random.Options{})
//	b, err := res.View().Encode()                         // the JSON view of v2 §7
//
// [PlanProtocol] tells the two kinds of plan apart from their bytes.
// [DrawV2] checks the plan against the tables ([PlanV2.Check]: statuses
// against the active list, targeted ids), derives K with the v2 tags
// ([NewKeyV2]) from the v2 roots ([roster.Set.RootsV2], private
// attributes committed), selects task by task ([WantV2], [SpreadQuota],
// weighted priorities [Key.WeightedPriority]), adds the targeted
// premises, and staffs each visit ([PlanV2.MergeSlots],
// [ResultV2.EligibleV2]). [ResultV2] keeps per task its groups and rank
// orders, per visit its merged slots, E(v), team (with the slot each
// member fills) or the reason and failed slot, and per inspector the
// capacity used.
package random
