// Package doublerandom makes random regulatory inspections verifiable.
//
// China's regulators run "double random, one public" (双随机、一公开):
// the premises to inspect are drawn at random from a roster, the
// inspectors are drawn at random from an inspector roster in teams of at
// least two, conflicts of interest are recused, and plans and results are
// published. Today most platforms draw with an unseeded generator, and a
// re-draw silently replaces the previous one: nobody outside can check a
// draw. This module draws from a seed that nobody controls alone, binds
// that seed to digests of every input, and publishes signed records that
// anyone can replay, byte for byte, in any language.
//
// This package holds only this overview. The work is done by three
// packages:
//
//   - [github.com/doublerandom/doublerandom/roster]: the input tables
//     (premises, inspectors, declared conflicts, past inspections), their
//     strict loaders and their Merkle roots.
//   - [github.com/doublerandom/doublerandom/random]: the plan, the seed
//     sources, the draw key, the selection of premises under quotas,
//     cooldown and coverage rules, and the staffing of inspector teams
//     under conflict-of-interest rules; simulation of a plan before it is
//     announced.
//   - [github.com/doublerandom/doublerandom/publish]: signed documents in
//     an append-only ledger, witnesses' cosignatures, the public bundle,
//     the notice, and verification by replay.
//
// Two protocols live side by side, and records of both replay forever.
// Protocol v1 draws strata of one sample. Protocol v2
// ("doublerandom/v2" in the plan) draws what real yearly plans say: tasks
// (抽查事项), each a ratio of its whole category, one visit per premises
// for all its matters, ratios spread over towns, weighted chances, cooldown
// and coverage by kind of inspection, joint teams slot by slot, and private
// attributes committed as salted digests. [github.com/doublerandom/doublerandom/random.DrawV2]
// is its entry point.
//
// # The whole story
//
//  1. Roster. The agency fixes its tables: [github.com/doublerandom/doublerandom/roster.LoadDir] reads and
//     validates them, and each table gets a root, the RFC 6962 Merkle
//     tree hash of its rows in id order. A business can later prove its
//     row was in the announced roster with an inclusion proof.
//  2. Announce. Before any randomness exists the agency publishes the
//     plan (quotas, scope, team rules), the table roots, and how the seed
//     will be made: a dice ceremony at a stated time and place, the
//     commitments of several participants, or a future drand beacon
//     round. The announcement is signed and appended to the ledger;
//     independent witnesses cosign the ledger's checkpoint with their own
//     time, which proves it existed before the seed. One seed event
//     serves one announcement; at most one is open; withdrawing one is a
//     signed document with a reason.
//  3. Seed. The seed is made in public after the announcement: dice
//     digits, revealed secrets that must match their commitments, or the
//     beacon round's signature, verified offline.
//  4. Draw. The draw key is a hash of the seed and of the digests of all
//     inputs, so the inputs cannot be tuned once the seed is known. Every
//     premises gets a priority, one SHA-256 of the key and its id; within
//     each stratum the lowest priorities are selected (overdue premises
//     first), and teams are staffed from the eligible inspectors in the
//     order of their own keyed hashes.
//  5. Publish. The draw record — seed and evidence, key, per-stratum
//     figures, every selected premises with its priority, team or the
//     reason it could not be staffed — is signed and appended to the
//     ledger (or sealed until the inspections are done: a salted digest
//     now, the draw later). A second draw for the same announcement is
//     refused; a re-draw or a substitution is an amendment with a reason,
//     and never deletes what came before.
//  6. Results. Each selected premises gets an outcome, published within
//     20 working days of the inspection (抽查结果公示).
//  7. Verify. The agency publishes a bundle: the ledger and the tables
//     each announcement used, private attributes as their digests. Anyone
//     with the bundle and the verifier keys checks the signatures, the
//     chain and the witnesses' times, recomputes the roots and replays
//     every draw and amendment — with the command-line tool, with a static
//     web page that runs the same Go code in the browser, or with a
//     Python script that shares none of it. A business checks its own
//     selection against the published threshold of its group.
//
// The protocol is specified in SPEC.md at the root of the repository;
// THREAT-MODEL.md says which cheating each check detects.
//
// # Glossary
//
//   - 双随机、一公开: double random (premises and inspectors), one public
//     (publication of plans and results).
//   - 检查对象名录库: the premises roster.
//   - 执法检查人员名录库: the inspector roster.
//   - 回避: recusal of an inspector for a conflict of interest.
//   - 抽查结果公示: publication of inspection results.
//   - 统一社会信用代码: unified social credit code, the 18-character id of
//     a legal entity (GB 32100-2015).
package doublerandom
